import pytest

from transcripts.rules.speech import HOST_ACTS, HOST_ACTS_HINTS


@pytest.mark.parametrize(("text", "expected"), [
    ("NPR's Lucian Kim reports from Moscow.", True),
    ("Our correspondent Ana de la Cruz Maria Lopez has the story.", True),
    ("Members Of The House Ways And Means Committee covers it.", True),  # a long capitalised run, read at its end
    ("Kim reports from Moscow.", False),  # one word names nobody
    ("the reporter reports", False),
    ("And joining us now is Jane Tibbetts.", True),
])
def test_speech_host_acts_are_hand_offs_and_host_phrases(text: str, expected: bool) -> None:
    assert bool(HOST_ACTS.search(text)) is expected
    assert not expected or any(h in text for h in HOST_ACTS_HINTS)  # a turn holding no hint is never scanned


def test_speech_host_acts_on_a_long_capitalised_page_still_finds_the_hand_off() -> None:
    text = " ".join(["Alpha Bravo O'Neil Smith-Jones"] * 2000) + " reports."
    assert HOST_ACTS.search(text) is not None
    assert HOST_ACTS.search(text[:-len(" reports.")]) is None
