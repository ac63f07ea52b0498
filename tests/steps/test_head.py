"""The page head on invented pages of the layouts real pages have (tests/pages/layouts, gold beside them):
the title, program and year the gold gives, no head furniture in any segment, and the first turn where the
gold starts it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transcripts.model import Labeled, Source
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.head import program_line, read_head
from transcripts.steps.label import label_page
from transcripts.steps.segment import invariant_violations, segment_page

LAYOUTS = Path(__file__).resolve().parents[1] / "pages" / "layouts"
# the head classes: program (C4), player title and chrome (C1, C3), station copies (C5), dates (C12),
# unlabeled-only transcripts (C7), show notes (C8), program listings (C10)
HEAD_PAGES = ["inv01_program_scifri_bio_mention", "inv02_title_teaser_no_separator",
              "inv04_player_chrome_unlabeled_host", "inv05_station_chrome_headline", "inv10_year_dateline_station",
              "inv11_unlabeled_monologue_only", "inv12_showNotes_waitwait_announcer",
              "inv13_station_listing_two_stories",
              # a teaser above the station ID, a section name above the headline, a listing's air-times line
              "inv17_teaser_above_station_id", "inv18_short_qa_names_in_intro",
              "inv20_listing_airtimes_story_headline",
              # a listing whose transcript is the second story, and a story without one after its "Read more"
              "inv21_listing_story_after_read_more",
              # a listing headed by the program and its station, whose host never says the program's name
              "inv22_listing_banner_program_unspoken"]


def run_text(text: str, name: str = "page.txt") -> Labeled:
    src = decode_page(text.encode("utf-8"), name)
    assert isinstance(src, Source), src
    seg = segment_page(clean_page(src))
    assert invariant_violations(seg) == []
    return label_page(seg)


@pytest.mark.parametrize("name", HEAD_PAGES)
def test_head_layout_pages_match_gold(name: str) -> None:
    gold = json.loads((LAYOUTS / "gold" / f"{name}.json").read_text("utf-8"))
    out = run_text((LAYOUTS / "docs" / f"{name}.txt").read_text("utf-8"), f"{name}.txt")
    assert out.segmented.cleaned.title == gold["title"]
    assert (out.program, out.year) == (gold["program"], gold["year"])
    assert out.segmented.doc_type == gold["doc_type"]
    texts = [s.text for s in out.segmented.segments]
    leaks = [b for b in gold["boilerplate"] if len(b.split()) >= 4 and any(b in t for t in texts)]
    assert leaks == []
    turns = [s for s in out.segmented.segments if s.kind == "turn"]
    assert turns and turns[0].text.startswith(gold["turns"][0]["starts"])


@pytest.mark.parametrize(("line", "names_program"), [
    ("Weekend Edition Saturday on 90.5 WKAR", True),
    ("Weekend Edition on 89.5-1", True),
    ("Here & Now on KQED 88.5 FM", True),
    ("NPR's Weekend Edition Saturday", True),
    ("Tell Me More", True),
    ("Weekend Edition Saturday on the road with our sports correspondent", False),  # prose, no station
    ("Morning Edition on Monday looked at the storm", False),
    ("Morning Edition host Steve Inskeep", False),
])
def test_program_line_is_a_name_alone_or_a_stations_banner(line: str, names_program: bool) -> None:
    assert program_line(line) is names_program


PLAYER = """{first}
NPR logo

{title}

  • Download
  • <iframe src="" width="100%" height="290" frameborder="0" scrolling="no" title="NPR embedded audio player">
  • Transcript
{title}

  • Download
  • <iframe src="" width="100%" height="290" frameborder="0" scrolling="no" title="NPR embedded audio player">
  • Transcript

KAI ROWAN, HOST:

Good morning. The pier in Eastbrook reopened today after two winters of repairs.

DANA PIKE, BYLINE: Good morning, Kai. The town held a small ceremony at dawn.
"""


@pytest.mark.parametrize(("first", "title"), [
    ("The Pier Reopens : NPR Two winters of storms left the old pier closed.", "The Pier Reopens"),
    ("The Pier Reopens Two winters of storms left the old pier closed.", "The Pier Reopens"),
    ("Pier Day : October 5, 2024 : Morning Edition Two winters of storms.", "Pier Day : October 5, 2024"),
    ("Why Did The Pier Close? Two winters of storms left it shut.", "The Pier Reopens")])
def test_head_player_title_is_the_repeated_line(first: str, title: str) -> None:
    out = run_text(PLAYER.format(first=first, title=title))
    assert out.segmented.cleaned.title == title
    turns = [s for s in out.segmented.segments if s.kind == "turn"]
    assert [t.speaker_label for t in turns] == ["KAI ROWAN, HOST", "DANA PIKE, BYLINE"]
    assert not any("Download" in s.text or "iframe" in s.text for s in out.segmented.segments)


def test_head_title_line_names_program_and_date() -> None:
    out = run_text(PLAYER.format(first="Pier Day : October 5, 2024 : Morning Edition Two winters of storms.",
                                 title="Pier Day : October 5, 2024"))
    assert (out.program, out.year) == ("Morning Edition", 2024)


def test_head_copyright_far_below_is_no_anchor() -> None:
    """An article's copyright line at its end does not make the article a head."""
    texts = ["A Title", "First paragraph of the story, long enough to be prose.", "Copyright 2020 NPR"]
    assert read_head(texts) is None


def test_head_teaser_above_copyright_is_not_a_turn() -> None:
    page = ("Tell Me More\n\nWhen The Bakery Closes\n\nA town loses its only bakery and its mornings change.\n\n"
            "Copyright © 2012 NPR. For personal, noncommercial use only.\n\n"
            "MICHEL MARTIN, host: I'm Michel Martin, and this is TELL ME MORE from NPR News.\n\n"
            "OTTO BRAND: Thanks for having me.\n")
    out = run_text(page)
    assert out.segmented.cleaned.title == "When The Bakery Closes"
    assert out.program == "Tell Me More"
    labels = [s.speaker_label for s in out.segmented.segments if s.kind == "turn"]
    assert labels == ["MICHEL MARTIN, host", "OTTO BRAND"]


def test_head_heard_on_under_the_player_is_no_turn() -> None:
    page = PLAYER.format(first="The Pier Reopens : NPR Two winters of storms.", title="The Pier Reopens").replace(
        "KAI ROWAN, HOST:", "Heard on Morning Edition\n\nKAI ROWAN, HOST:")
    out = run_text(page)
    assert [s.speaker_label for s in out.segmented.segments if s.kind == "turn"] == ["KAI ROWAN, HOST",
                                                                                      "DANA PIKE, BYLINE"]
    assert out.program == "Morning Edition"


def test_a_page_without_a_headline_has_no_title_not_its_date_or_teaser() -> None:
    out = run_text("Mar 3, 2016\nOriginally published on March 4, 2016 9:12 am\n\n"
                   "It's a game where every answer lives underwater. Listen as host Ruth Okonkwo asks our contestants "
                   "to name the sea creatures hiding inside ordinary phrases. But watch out for\n\n"
                   "From NPR and KBAY, this is TIDE POOL TRIVIA. I'm Ruth Okonkwo, your host.\n\n"
                   "OKONKWO: Let's meet our first contestant.\n\nDEV TAMURA: Hi, Ruth.\n")
    assert out.segmented.cleaned.title is None
    assert [s.text.split(".")[0] for s in out.segmented.segments if s.kind == "turn"] == [
        "From NPR and KBAY, this is TIDE POOL TRIVIA", "Let's meet our first contestant", "Hi, Ruth"]


@pytest.mark.parametrize("line", ["![](https://cdn.example.org/img/2023/11/pier-wide.jpg)",
                                  "Radio Website Header-Dunes 2 1.0.jpg"])
def test_an_image_line_is_never_the_title(line: str) -> None:
    out = run_text(f"{line}\n\nThe Pier Reopens\n\nKAI ROWAN, HOST: Good morning.\n\nDANA PIKE, BYLINE: Hi, Kai.\n")
    assert out.segmented.cleaned.title == "The Pier Reopens"


def test_a_rundown_of_segments_gives_no_title() -> None:
    # show notes above the transcript: segment names with their blurbs, no story headline and date
    out = run_text("This week's show was taped at the Lakeshore Theater in Chicago, with host Peter Sagal, judge and "
                   "scorekeeper Bill Kurtis and panelists Dana Whitfield, Omar Reyes and Tess Yoon. Our guest is the "
                   "pastry chef June Alder.\n\n"
                   "Panel Questions\nA Robot Butler; A Very Tall Cake\n\n"
                   "Lightning Round Of Questions\nAll the news we could not fit anywhere else\n\n"
                   "BILL KURTIS: From NPR and WBEZ Chicago, this is WAIT WAIT... DON'T TELL ME. I'm Bill Kurtis.\n\n"
                   "PETER SAGAL, HOST: Thank you, Bill.\n")
    assert out.segmented.cleaned.title is None
