import pytest

from schemas.removed import REMOVED_REASONS, RemovedReason
from transcripts.rules.chrome import BYLINE_LINE, CHROME_LINE, COOKIE_BUTTON, END_MARKER, SPONSOR, STATION_NAME


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
