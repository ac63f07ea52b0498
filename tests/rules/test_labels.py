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
