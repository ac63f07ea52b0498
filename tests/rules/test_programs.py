from transcripts.rules.labels import match_label
from transcripts.rules.programs import (
    HEARD_ON,
    PROGRAM_CAPS,
    PROGRAM_FORMS,
    PROGRAM_RE,
    PROGRAMS,
    program_of,
    program_texts,
)


def test_programs_one_list_feeds_the_label_rule() -> None:
    assert "MORNING EDITION" in PROGRAM_CAPS and "NPR POLITICS PODCAST" in PROGRAM_CAPS
    for program in ("MORNING EDITION", "ALL THINGS CONSIDERED", "FRESH AIR"):
        assert match_label(f"{program}: the news") is None
    assert match_label("STEVE INSKEEP, HOST: Good morning.") is not None


def test_programs_pattern_finds_every_program() -> None:
    for program in PROGRAMS:
        assert PROGRAM_RE.search(f"This is {program} from NPR"), program


def test_programs_heard_on_line() -> None:
    assert HEARD_ON.match("Heard on All Things Considered")
    assert not HEARD_ON.match("Heard on the radio, she said, it sounded different from what she expected it to be")


def test_programs_texts_that_may_print_a_program_name() -> None:
    texts = ["This is MORNING EDITION.", "No program here.", "Heard on Fresh Air", "İT'S UP FIRST", "fresh air"]
    assert program_texts(texts) == {0, 2, 3}  # in prose case ("fresh air") a name is no program
    assert program_texts(["nothing", "at all"]) == set()


def test_programs_program_of_names_every_form_in_any_case_the_pattern_takes() -> None:
    for form, program in PROGRAM_FORMS:
        for printed in (form, form.upper(), form.lower(), form.upper().replace("I", "\u0130").replace("K", "\u212a")):
            m = PROGRAM_RE.search(f"This is {printed} today")
            assert m is not None and program_of(m.group(1)) == program, printed
