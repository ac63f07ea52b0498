import re

import pytest

from transcripts.rules.dates import DATE_LINE, MONTH, SPOKEN_YEAR, find_dateline, spoken_year


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


@pytest.mark.parametrize(("text", "year"), [
    ("That's it. Well, here we are in 2021, and it’s Monday, March 3, 2025.", "2021"),  # the first statement
    ("It's raining. It is now 2019.", "2019"),
    ("Recorded on March 3, 2025, it's what's left.", None),  # "Recorded" in capitals is no form
    ("It's 2020 somewhere.", None),
])
def test_dates_spoken_year_where_its_words_stand(text: str, year: str | None) -> None:
    m = spoken_year(text)
    assert (m and next(g for g in m.groups() if g)) == year
    assert (m and m.span()) == ((s := SPOKEN_YEAR.search(text)) and s.span())


@pytest.mark.parametrize(("para", "place"), [
    ("DES MOINES, Iowa — The caucuses opened.", "DES MOINES, Iowa"),
    ("TAIPEI and MOSCOW -- Two capitals reacted.", "TAIPEI and MOSCOW"),
    ("The caucuses opened — again.", None),
    (None, None),
])
def test_dates_dateline(para: str | None, place: str | None) -> None:
    assert find_dateline(para) == place
