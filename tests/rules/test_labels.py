import pytest

from transcripts.rules.labels import is_marker_line, label_is_strong, match_label, parse_label


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
