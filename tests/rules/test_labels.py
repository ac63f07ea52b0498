import pytest

from transcripts.rules.labels import cased_labels, is_marker_line, label_is_strong, match_label, parse_label


@pytest.mark.parametrize(("line", "label"), [
    ("LUCIAN KIM, BYLINE: In Moscow today", "LUCIAN KIM, BYLINE"),
    ("Mr. JOHN DOE (Economist, X): Well", "Mr. JOHN DOE (Economist, X)"),
    ("UNIDENTIFIED MAN #1: Hey", "UNIDENTIFIED MAN #1"),
    ("KIM: Yes.", "KIM"),
])
def test_labels_match(line: str, label: str) -> None:
    found = match_label(line)
    assert found is not None and found[0] == label and line[found[1] - 1] == ":"


@pytest.mark.parametrize("line", ["NOTE: this story was updated.", "Kim said: yes", "The plan: more money"])
def test_labels_not_speakers(line: str) -> None:
    assert match_label(line) is None


def test_labels_strength() -> None:
    assert label_is_strong("LUCIAN KIM, BYLINE") and not label_is_strong("KIM")


def test_labels_parse() -> None:
    p = parse_label("SEN. JOHN MCCAIN (R), ARIZONA")
    assert p.name == "JOHN MCCAIN" and p.kind == "person" and p.description and "Senator" in p.description
    assert parse_label("UNIDENTIFIED PROTESTERS").kind == "group"
    assert parse_label("MELISSA BLOCK, host").role_hint == "host"


def test_labels_marker_lines() -> None:
    assert is_marker_line("(SOUNDBITE OF MUSIC)") and not is_marker_line("(He laughs) and goes on.")
    assert is_marker_line("  (SOUNDBITE OF MUSIC)") and is_marker_line(" [MUSIC] ")  # indented
    assert not is_marker_line("") and not is_marker_line("  Music played.")


def test_labels_same_label_on_every_turn() -> None:
    # the answer is the label's, whatever the turn goes on to say
    assert match_label("KIM: Yes.") == match_label("KIM: No, never. Not once.") == ("KIM", 4)
    assert match_label("sen. JOHN DOE: We") == ("sen. JOHN DOE", 14)  # an honorific in any case


@pytest.mark.parametrize(("line", "label"), [
    ("LUCIAN KIM, BYLINE: Good morning.", "LUCIAN KIM, BYLINE"),
    ("MELISSA BLOCK, host:", "MELISSA BLOCK, host"),
    ("ANNE-MARIE WOOD reporting: The wheat", "ANNE-MARIE WOOD reporting"),
    ("JIM SCIUTTO, CNN CORRESPONDENT: Here", "JIM SCIUTTO, CNN CORRESPONDENT"),
    ("KIM: Exactly.", "KIM"),
    ("Mr. JOHN DOE (Economist, X): Well", "Mr. JOHN DOE (Economist, X)"),
    ("Ms. RENÉE KOVAČEVIĆ (Nurse): Yes", "Ms. RENÉE KOVAČEVIĆ (Nurse)"),
    ("Unidentified Man #1: Hi", "Unidentified Man #1"),
    ("UNIDENTIFIED PERSON #2: Hi", "UNIDENTIFIED PERSON #2"),
    ("UNIDENTIFIED MALE: Hi", "UNIDENTIFIED MALE"),
    ("DANA BASH (voice-over): The", "DANA BASH (voice-over)"),
    ("O'BRIEN: Yes", "O'BRIEN"),
    ("LLOYD-JONES: Yes", "LLOYD-JONES"),
    ("NÚÑEZ: Yes", "NÚÑEZ"),
    ("SARAH McCAMMON, BYLINE: Yes", "SARAH McCAMMON, BYLINE"),
    ("President GEORGE W. BUSH: I believe", "President GEORGE W. BUSH"),
    ("Senator HARRY REID (Democrat, Nevada): This", "Senator HARRY REID (Democrat, Nevada)"),
    ("SEN. JOHN MCCAIN (R), ARIZONA: Thank you", "SEN. JOHN MCCAIN (R), ARIZONA"),
    ("REP. NANCY PELOSI (D-CA), HOUSE SPEAKER: We", "REP. NANCY PELOSI (D-CA), HOUSE SPEAKER"),
    ("Mayor BILL DE BLASIO: We", "Mayor BILL DE BLASIO"),
])
def test_labels_styles(line: str, label: str) -> None:
    assert match_label(line) == (label, len(label) + 1)


@pytest.mark.parametrize("line", [
    "And this is ALL THINGS CONSIDERED: we hear from her next.",
    "ALL THINGS CONSIDERED: the week in review",
    "WEEKEND EDITION: Saturday",
    "One big topic on the table: Putin's war in Ukraine.",
    "KIM, who covers Moscow: says no.",
    "Next Up:",
    "NOTE: This story was updated.",
    "General Motors said: no comment.",
    "The President said: no.",
    "JOHN DOE, Senator: a role in lower case is prose",
    " KIM: indented text is not a label",
])
def test_labels_non_labels(line: str) -> None:
    assert match_label(line) is None


def test_labels_parse_parts() -> None:
    p = parse_label("Mr. JOHN DOE (Economist, X)")
    assert (p.name, p.description, p.role_hint, p.kind) == ("JOHN DOE", "Economist, X", None, "person")
    assert parse_label("JOHN DOE, CNN CORRESPONDENT").role_hint == "correspondent"
    assert parse_label("UNIDENTIFIED PROTESTERS").kind == "group"
    assert parse_label("UNIDENTIFIED PERSON #1").kind == "unidentified"


@pytest.mark.parametrize(("label", "name", "description"), [
    ("President GEORGE W. BUSH", "GEORGE W. BUSH", "President"),
    ("Senator HARRY REID (Democrat, Nevada)", "HARRY REID", "Senator (Democrat, Nevada)"),
    ("SEN. JOHN MCCAIN (R), ARIZONA", "JOHN MCCAIN", "Senator (R), Arizona"),
    ("Dr. ANTHONY FAUCI (Director, NIAID)", "ANTHONY FAUCI", "Director, NIAID"),  # Dr. says no role
    ("UNIDENTIFIED MALE (through translator)", "UNIDENTIFIED MALE", None),  # how it was said, not who
    ("ARWA DAMON, CNN CORRESPONDENT (voice-over)", "ARWA DAMON", None),
])
def test_labels_parse_titles_and_delivery_notes(label: str, name: str, description: str | None) -> None:
    p = parse_label(label)
    assert (p.name, p.description) == (name, description)


# ---------------------------------------------------------------------------------------- label grammar (issue 15)

def test_label_colon_inside_quoted_book_title_in_parenthetical() -> None:
    label = ('Ms. CORA VALE (Historian; Author, "Blazes and Bootlaces: The Uncredited Women Who Surveyed the '
             'Appalachian Trail, 1921-1937")')
    found = match_label(label + ": Through the 1920s the trail was a rumor.")
    assert found is not None and found[0] == label
    parsed = parse_label(found[0])
    assert parsed.name == "CORA VALE" and parsed.description is not None and "Blazes and Bootlaces:" in \
        parsed.description


@pytest.mark.parametrize(("line", "name", "desc"), [
    ("Speaker of the House MARGARET TOLLIVER (Democrat, Vermont): Thank you.", "MARGARET TOLLIVER",
     "Speaker of the House (Democrat, Vermont)"),
    ("Secretary of State DOUGLAS AMBERLEY: We have ballots.", "DOUGLAS AMBERLEY", "Secretary of State"),
    ("Speaker TOLLIVER: Not flipping anything.", "TOLLIVER", "Speaker"),
])
def test_label_multi_word_titles_before_the_name(line: str, name: str, desc: str) -> None:
    found = match_label(line)
    assert found is not None
    parsed = parse_label(found[0])
    assert (parsed.name, parsed.description) == (name, desc)


@pytest.mark.parametrize("label", ["THE POP UPS", "PANELISTS", "CROWD", "ALL"])
def test_group_labels_are_groups(label: str) -> None:
    assert parse_label(label).kind == "group"


@pytest.mark.parametrize(("label", "kind", "role"), [
    ("MARÍA LUISA PÉREZ, PRESENTADORA", "person", "host"),
    ("JORGE RAMOS, CORRESPONSAL", "person", "correspondent"),
    ("PERSONA NO IDENTIFICADA", "unidentified", None),
])
def test_spanish_role_words(label: str, kind: str, role: str | None) -> None:
    parsed = parse_label(label)
    assert (parsed.kind, parsed.role_hint) == (kind, role)


def test_first_name_caller_labels() -> None:
    for line in ("MARISOL: Hey, CODE SWITCH.", "GORDON (Caller): Hi.", "GRETA (Caller, Missoula, Montana): Hi."):
        found = match_label(line)
        assert found is not None and parse_label(found[0]).kind == "person"


def test_cased_labels_only_when_the_page_uses_them_as_labels() -> None:
    qa = ["Hollis Vance: Priya, you grew up on a farm.", "Priya Lindgren: Not at all.", "Vance: Why now?",
          "Lindgren: Weather."]
    assert [f[0] if f else None for f in cased_labels(qa)] == ["Hollis Vance", "Priya Lindgren", "Vance",
                                                                 "Lindgren"]
    assert cased_labels(["[Daniel Alarcón]: Esto es Radio Ambulante.", "[Marcela]: Son las siete.",
                         "[Daniel]: Pero."])[0] == ("[Daniel Alarcón]", 17)
    # one prefix repeated, or too few: a heading style, not a dialogue
    assert not any(cased_labels(["Update: the vote moved.", "Update: it moved again.", "Update: done."]))
    assert not any(cased_labels(["Washington: a quiet day.", "Paris: rain."]))


def test_two_cased_labels_count_when_the_page_writes_both_full_names() -> None:
    intro = "In a conversation with Bayside Radio's Nadia Ferreira, Ravi Chandran talks about the night desk."
    qa = ["Nadia Ferreira: What is a normal night?", "Ravi Chandran:  There is no normal night."]
    assert [f[0] if f else None for f in cased_labels([intro, *qa])] == [None, "Nadia Ferreira", "Ravi Chandran"]
    assert cased_labels(qa, removed=(intro,))[1] == ("Ravi Chandran", 14)  # the intro the clean step removed
    assert not any(cased_labels(qa))  # nothing else on the page names them
    # sentence starts and one-word prefixes are not labels, however the page names them
    assert not any(cased_labels(["Note: the vote moved.", "Update: it moved again.", "A note and an update."]))


def test_bracketed_cues_are_markers() -> None:
    assert is_marker_line("[PRE-ROLL]") and is_marker_line("[AUDIO de olas y viento]")
    assert not is_marker_line("[Daniel Alarcón]: Esto es Radio Ambulante.")


def test_time_coded_clip_label() -> None:
    lines = ["[00:33] (Daniel) Mudanzas, el primer episodio. [00:44]", "Daniel: Recuerdo.", "Carolina: Fue."]
    assert [f[0] if f else None for f in cased_labels(lines)] == ["[00:33] (Daniel)", "Daniel", "Carolina"]
    assert parse_label("[00:33] (Daniel)").name == "Daniel"
    assert parse_label("[00:33] (Daniel)").description is None
