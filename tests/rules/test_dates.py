import re

import pytest

from transcripts.rules.dates import DATE_LINE, MONTH, SPOKEN_YEAR, find_dateline


@pytest.mark.parametrize("month", ["Jan", "Jan.", "January", "Mar", "March", "Sept.", "Sep", "September", "May"])
def test_dates_one_month_pattern(month: str) -> None:
    assert re.fullmatch(MONTH, month)


@pytest.mark.parametrize("line", ["March 3, 2011", "Updated May 5, 2020 at 9:00 AM ET", "Sunday, May 5, 2019",
                                  "Aired March 3, 2011 - 10:00 ET"])
def test_dates_date_lines(line: str) -> None:
    assert DATE_LINE.match(line)


def test_dates_prose_is_no_date_line() -> None:
    assert not DATE_LINE.match("March 3, 2011 was the day the vote failed.")


def test_dates_spoken_year() -> None:
    m = SPOKEN_YEAR.search("It’s Monday, March 3, 2025. Good morning.")
    assert m and "2025" in m.groups()


@pytest.mark.parametrize(("para", "place"), [
    ("DES MOINES, Iowa — The caucuses opened.", "DES MOINES, Iowa"),
    ("TAIPEI and MOSCOW -- Two capitals reacted.", "TAIPEI and MOSCOW"),
    ("The caucuses opened — again.", None),
    (None, None),
])
def test_dates_dateline(para: str | None, place: str | None) -> None:
    assert find_dateline(para) == place
