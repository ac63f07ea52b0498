"""The page-head patterns: player bullets, head chrome, anchors, dates in every printed form, program names."""

from __future__ import annotations

import pytest

from transcripts.rules.dates import DATE_LINE, DATE_YEAR
from transcripts.rules.head import (
    HEAD_CHROME,
    PLAYER_BULLET,
    SPEECH_OPENING,
    STATION_COPYRIGHT,
    TRANSCRIPT_ANCHOR,
    title_like,
)
from transcripts.rules.programs import BIO_ID, PROGRAM_RE, STATION_ID


@pytest.mark.parametrize("line", [
    "• Download", "• Transcript",
    '• <iframe src="" width="100%" height="290" frameborder="0" scrolling="no" title="NPR embedded audio player">'])
def test_head_player_bullets(line: str) -> None:
    assert PLAYER_BULLET.match(line)


def test_head_transcript_anchor_is_the_whole_line() -> None:
    assert TRANSCRIPT_ANCHOR.match("Transcript") and TRANSCRIPT_ANCHOR.match("• Transcript")
    assert not TRANSCRIPT_ANCHOR.match("Transcript provided by NPR, Copyright NPR.")


@pytest.mark.parametrize("line", [
    "NPR logo", "Download Audio", "Spring Membership Drive", "Donate now to support local news and music on WBLQ",
    "Fresh Air Archive", "Browse by date | Browse by guest | Search the archive", "1:48 pm",
    "Weekdays 2:00 p.m. to 4:00 p.m.", "Genre:", "Subscribe to Code Switch on Apple Podcasts or Spotify.",
    "Find and support your local public radio station."])
def test_head_chrome(line: str) -> None:
    assert HEAD_CHROME.match(line)


@pytest.mark.parametrize("line", ["Donate blood, the Red Cross asks, before the storm hits the coast next week.",
                                  "Pages of the diary were found in the attic."])
def test_head_chrome_is_not_prose(line: str) -> None:
    assert not HEAD_CHROME.match(line)


def test_head_station_copyright_ends_the_teaser() -> None:
    assert STATION_COPYRIGHT.match("Copyright 2018 WBLQ. To see more, visit WBLQ.")


@pytest.mark.parametrize("line", ["This is TALK OF THE NATION. I'm Neal Conan.", "Good morning.",
                                  "You're listening to SCIENCE FRIDAY. I'm Ira Flatow."])
def test_head_speech_openings(line: str) -> None:
    assert SPEECH_OPENING.match(line)


def test_head_a_teaser_is_no_speech_opening() -> None:
    assert not SPEECH_OPENING.match("Listeners call in with stories about the first job they walked away from.")


@pytest.mark.parametrize(("line", "year"), [
    ("date 2023-12-30", "2023"), ("Thu June 20, 2013", "2013"), ("November 12, 20215:00 AM ET", "2021"),
    ("DATE January 18, 2008", "2008"), ("Aired March 3, 2011 - 10:00 ET", "2011")])
def test_head_date_lines_and_their_year(line: str, year: str) -> None:
    assert DATE_LINE.match(line)
    m = DATE_YEAR.search(line)
    assert m and year in m.groups()


@pytest.mark.parametrize(("text", "program"), [
    ("WAIT WAIT... DON'T TELL ME", "WAIT WAIT... DON'T TELL ME"), ("SCIENCE FRIDAY", "SCIENCE FRIDAY"),
    ("TALK OF THE NATION: SCIENCE FRIDAY", "TALK OF THE NATION: SCIENCE FRIDAY"), ("ASK ME ANOTHER", "ASK ME ANOTHER")])
def test_head_program_forms(text: str, program: str) -> None:
    m = PROGRAM_RE.search(text)
    assert m and m.group(1) == program


def test_head_host_of_is_bio_evidence_only() -> None:
    assert BIO_ID.search("Steve Inskeep is a host of NPR's ")
    assert not STATION_ID.search("Michele Norris, host of NPR's ")


@pytest.mark.parametrize(("line", "title"), [
    ("A Dead Mall Grows Lettuce", True),
    ("KIM: Welcome back.", False),  # a turn
    ("(SOUNDBITE OF MUSIC)", False),
    ("Ari Shapiro is NPR's host of All Things Considered.", False),  # a bio
    ("The mall closed in 2019. Now the food court is a farm, and the town that lost its stores has found a new "
     "reason to drive out there on a Saturday morning with the kids.", False),  # a teaser of several sentences
])
def test_head_title_like(line: str, title: bool) -> None:
    assert title_like(line) is title
