import pytest

from transcripts.rules.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentences_split_on_terminal_punctuation() -> None:
    assert sentences("It rained. Did it? Yes!  ") == ["It rained.", "Did it?", "Yes!"]


def test_sentences_trim_blanks_around_them() -> None:
    assert sentences("  It rained.\n  Then it stopped.  ") == ["It rained.", "Then it stopped."]
    assert sentences(" \n ") == []


def test_sentences_keep_abbreviations_and_initials() -> None:
    assert sentences("Mr. Smith met Sen. Jones in the U.S. Senate. John F. Kennedy spoke.") == [
        "Mr. Smith met Sen. Jones in the U.S. Senate.", "John F. Kennedy spoke."]


def test_sentences_time_ends_a_sentence() -> None:
    assert sentences("We met at 10 a.m. The vote came later.") == ["We met at 10 a.m.", "The vote came later."]


@pytest.mark.parametrize(("text", "expected"), [
    ("Mr. Smith met Dr. Jones at 10 a.m. Then they left.",
     ["Mr. Smith met Dr. Jones at 10 a.m.", "Then they left."]),
    ("China is not partner No. 1 for us yet. Still, EU is.",
     ["China is not partner No. 1 for us yet.", "Still, EU is."]),
    ("The U.S. Senate voted. John F. Kennedy spoke.", ["The U.S. Senate voted.", "John F. Kennedy spoke."]),
    ('He said, "Go." She left? Yes!', ['He said, "Go."', "She left?", "Yes!"]),
    ("St. Petersburg is big. It is.", ["St. Petersburg is big.", "It is."]),
    ("He met Adm. Mike Mullen and Supt. Jane Roe. Then he left.",
     ["He met Adm. Mike Mullen and Supt. Jane Roe.", "Then he left."]),
    # longer than any abbreviation, but quoted or dotted: still looked up
    ('They counted "approx. Forty" people. Then they left.',
     ['They counted "approx. Forty" people.', "Then they left."]),
    ("He joined the A.B.C.D.E. Council in Washington. Then he left.",
     ["He joined the A.B.C.D.E. Council in Washington.", "Then he left."]),
])
def test_sentences_abbreviations(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected
