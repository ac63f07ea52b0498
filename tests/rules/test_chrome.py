import pytest

from schemas.removed import REMOVED_REASONS, RemovedReason
from transcripts.rules.chrome import (
    BUTTON,
    BYLINE_LINE,
    CHROME_LINE,
    COOKIE_BUTTON,
    END_MARKER,
    GLUED_TAIL_NOTICE,
    NAV_BAR,
    RELATED_MORE,
    SEE_STORIES,
    SPONSOR,
    STATION_NAME,
    TAIL_NOTICE,
    furniture_reason,
    headline_like,
    is_credit,
)


@pytest.mark.parametrize("line", ["NPR Play Live Radio Next Up: Available On Air Stations", "Toggle caption",
                                  "Share · Facebook · Twitter"])
def test_chrome_lines(line: str) -> None:
    assert CHROME_LINE.fullmatch(line)


def test_chrome_does_not_take_prose() -> None:
    assert not CHROME_LINE.fullmatch("Share the road, the mayor said.")


def test_chrome_other_furniture() -> None:
    assert SPONSOR.match("Support comes from the Foo Foundation")
    assert COOKIE_BUTTON.match("Accept all cookies")
    assert STATION_NAME.match("WAMU 88.5") and not STATION_NAME.match("WOW that was loud")
    assert BYLINE_LINE.match("By Emily Feng and Lucian Kim")
    m = END_MARKER.search("Thanks for listening. Transcript provided by NPR, Copyright NPR.")
    assert m and m.group("m").startswith("Transcript provided")


def test_chrome_removal_reasons_are_one_enumeration() -> None:
    assert tuple(r.value for r in RemovedReason) == REMOVED_REASONS
    assert "label_only" not in REMOVED_REASONS and "other" not in REMOVED_REASONS


@pytest.mark.parametrize("line", [
    "For personal, noncommercial use only.",
    "All rights reserved. Archive transcripts are provided for research and personal use.",
    "This segment aired on March 7, 2023.",
    "Here & Now is a production of WBUR and NPR.",
])
def test_chrome_tail_notices(line: str) -> None:
    assert TAIL_NOTICE.match(line)


def test_chrome_tail_notices_leave_speech_alone() -> None:
    assert not TAIL_NOTICE.match("This segment of the river aired its grievances for years, she says.")
    assert not TAIL_NOTICE.match("The mayor says the fountain is a production of the whole town, and she is proud.")


def test_chrome_tail_links_bars_and_buttons() -> None:
    assert SEE_STORIES.match("See stories by Hattie Morrow")
    assert NAV_BAR.match("Browse by date | Browse by guest | Search the archive")
    assert not NAV_BAR.match("Obama 32 | Clinton 25")  # two items: a table row, not a menu
    assert all(BUTTON.match(b) for b in ("Download Audio", "Resume", "COMPARTIR"))
    assert RELATED_MORE.match("Related segments")
    m = GLUED_TAIL_NOTICE.search("I'm Corinne Duvall in Gilford. For personal, noncommercial use only.")
    assert m and m.group("m") == "For personal, noncommercial use only."


@pytest.mark.parametrize(("line", "reason"), [
    ("Support comes from the Foo Foundation", RemovedReason.SPONSOR),
    ("Related stories:", RemovedReason.RELATED),
    ("See stories by Hattie Morrow", RemovedReason.BIO),
    ("See stories by Hattie Morrow | Archive | Search", RemovedReason.PAGE_CHROME),  # a menu, whatever its items
    ("Toggle caption", RemovedReason.PAGE_CHROME),
    ("Copyright 2024 NPR", RemovedReason.COPYRIGHT),
    ("© 2024 WBUR", RemovedReason.COPYRIGHT),
    ("(c) 2024 Hattie Morrow", RemovedReason.COPYRIGHT),
    ("Transcript provided by NPR, Copyright NPR.", RemovedReason.END_MARKER),
    ("For personal, noncommercial use only.", RemovedReason.COPYRIGHT),
    ("This copy may not be in its final form and may be updated.", RemovedReason.DISCLAIMER),  # a wrapped rush notice
    ("Share the road, the mayor said.", None),
])
def test_chrome_furniture_reason(line: str, reason: RemovedReason | None) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(("line", "chrome"), [
    ("DSC_0042.JPG", True),
    ("Hattie Morrow portrait for NPR 2019.jpeg", True),
    ("one two three four five six seven.webp", True),
    ("one two three four five six seven eight.png", False),  # more words than a file name has
    ("/images/pier.jpg", False),  # a path, not a name
    ("pier .jpg", False),
    ("The photo shows the pier at dawn.", False),
])
def test_chrome_image_file_names(line: str, chrome: bool) -> None:
    assert (furniture_reason(line) == RemovedReason.PAGE_CHROME) is chrome


def test_chrome_photo_credit_and_listed_headline_lines() -> None:
    assert is_credit("Noam Jiménez/AFP via Getty Images")
    assert not is_credit("The photo shows the pier at dawn.") and not is_credit("KIM: Hello")
    assert headline_like("What To Know About Air Defense Systems")
    assert not headline_like("what the mayor said about the pier") and not headline_like("KIM: Hello there")
