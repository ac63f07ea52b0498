"""Document metadata: program, year and its source, dateline, bylines, language."""

from __future__ import annotations

import pytest
from test_label import Part, page_from

from transcripts.model import Source
from transcripts.rules.dates import find_dateline
from transcripts.rules.language import detect_language
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.label import label_page
from transcripts.steps.metadata import find_program, find_year
from transcripts.steps.segment import segment_page


def labeled(parts: list[Part], notes: dict[str, list[str]] | None = None, doc_type: str | None = None):  # type: ignore[no-untyped-def]
    return label_page(page_from(parts, notes, doc_type))


@pytest.mark.parametrize("spoken, heard, bios, expected", [
    (["This is MORNING EDITION from NPR News. I'm Jane Doe."], [], [], "Morning Edition"),
    (["I'm Jane Doe, and this is ALL THINGS CONSIDERED."], [], [], "All Things Considered"),
    (["Hey there. It's the NPR POLITICS PODCAST. I'm Jane Doe."], [], [], "The NPR Politics Podcast"),
    (["Tomorrow on FRESH AIR, a new album."], [], [], "Fresh Air"),
    (["Prices rose."], ["Heard on Here & Now"], [], "Here & Now"),
    (["Prices rose."], [], ["Steve Inskeep is a host of NPR's Morning Edition, as well as NPR's morning news "
                           "podcast Up First."], "Morning Edition"),
    (["We live in the here and now, and the morning edition of the paper is late."], [], [], None),
    (["World leaders gathered in France this week."], [], [], None),
    # a station's interview about a program, in quotation marks: the program is its topic, not the page's
    (['Thank you so much for bringing "On Point" back to Charlotte.'], [], [], None),
    # a cold open's mention in mixed case loses to the program the host says in capitals
    (["Next, Morning Edition host Steve Inskeep.", "From NPR, I'm Sam Sanders. IT'S BEEN A MINUTE here."], [], [],
     "It's Been a Minute"),
    # the name printed with one ellipsis character, or with a look-alike capital (Turkish dotted I)
    (["This is WAIT WAIT… DON'T TELL ME!, the NPR news quiz."], [], [], "Wait Wait... Don't Tell Me!"),
    (["This is WAİT WAIT DON'T TELL ME!"], [], [], "Wait Wait... Don't Tell Me!"),
])
def test_metadata_program_only_when_the_page_names_it(spoken, heard, bios, expected) -> None:  # type: ignore[no-untyped-def]
    assert find_program(spoken, heard, bios) == expected


@pytest.mark.parametrize("copyright, dates, spoken, expected", [
    (["Copyright 2023 NPR. To see more, visit"], [], [], (2023, "copyright")),
    (["Copyright © 2011 National Public Radio. All rights reserved."], [], [], (2011, "copyright")),
    (["Transcript provided by NPR, Copyright NPR."], ["Updated March 3, 2020 at 10:15 AM ET"], [],
     (2020, "dateline")),
    ([], [], ["You know, and here we are in 2019, and Xi is getting all the love."], (2019, "text")),
    ([], [], ["This podcast was recorded at 3:03 p.m. Eastern on Monday, June 10, 2024."], (2024, "text")),
    ([], [], ["Good morning. It's Tuesday, May 7, 2019. I'm Jane Doe."], (2019, "text")),
    ([], [], ["It's the first time since 2002 that they met.", "By 2023, the governor will sign it.",
              "He first approved it in 2005, a move voters still talk about."], (None, None)),
])
def test_metadata_year_from_copyright_dateline_or_present_tense_only(copyright, dates, spoken, expected) -> None:  # type: ignore[no-untyped-def]
    assert find_year(copyright, dates, spoken) == expected


def test_metadata_year_ignores_future_and_historical_years_in_a_page() -> None:
    parts: list[Part] = [("paragraph", None, "Since 2002, the council has met. By 2031, the governor will retire. "
                                             "Putin encouraged Russians to reelect him in 2024.")]
    page = labeled(parts, {"copyright": ["Copyright NPR."]})
    assert (page.year, page.year_source) == (None, None)


def test_metadata_year_from_a_date_line_above_the_title() -> None:
    text = "News and Music Discovery\nUpdated May 5, 2021 at 9:01 AM ET\nCouncil Meets On Housing\n" \
           "The council met on Monday. It voted on a plan.\n"
    src = decode_page(text.encode(), "d.txt")
    assert isinstance(src, Source)
    page = label_page(segment_page(clean_page(src)))
    assert page.segmented.cleaned.title == "Council Meets On Housing"  # the date is not the title
    assert (page.year, page.year_source) == (2021, "dateline")


@pytest.mark.parametrize("first, expected", [
    ("TAIPEI and MOSCOW — China's top leader has wrapped up a visit.", "TAIPEI and MOSCOW"),
    ("PHOENIX, Ariz. — The city council voted.", "PHOENIX, Ariz."),
    ("SÃO PAULO — Prices rose.", "SÃO PAULO"),
    ("China's top leader has wrapped up a visit — and more.", None),
    ("NASA said on Monday that the launch slipped.", None),
])
def test_metadata_dateline_opens_an_article(first: str, expected: str | None) -> None:
    assert find_dateline(first) == expected


def test_metadata_article_bylines_from_bios_and_by_lines_not_photographers() -> None:
    parts: list[Part] = [("caption", None, "Leaders shake hands in Moscow."),
                         ("paragraph", None, "The two leaders met in Moscow on Tuesday for talks.")]
    notes = {"bio": ["Emily Feng is NPR's Beijing correspondent."], "byline": ["By Lucian Kim"],
             "photo_credit": ["Mikhail Tereshchenko", "Sputnik, Kremlin Pool Photo via AP"]}
    page = labeled(parts, notes, "article")
    assert sorted(page.bylines) == ["Emily Feng", "Lucian Kim"]


def test_metadata_transcript_bylines_are_correspondents_not_hosts() -> None:
    parts: list[Part] = [("turn", "JANE DOE, HOST", "NPR's Ari Shapiro reports."),
                         ("turn", "ARI SHAPIRO, BYLINE", "The vote was 7-2."),
                         ("turn", "JOHN ROE", "We just want answers.")]
    assert labeled(parts).bylines == ["Ari Shapiro"]


@pytest.mark.parametrize("text, code", [
    ("The council voted on Monday to approve the budget, and the mayor said it was a step in the right "
     "direction for the city.", "en"),
    ("El gobierno aprobó el presupuesto y los ciudadanos dijeron que es un paso en la dirección correcta para "
     "la ciudad.", "es"),
    ("Le gouvernement a approuvé le budget et les habitants disent que c'est un pas dans la bonne direction pour "
     "la ville.", "fr"),
    ("Die Regierung hat den Haushalt beschlossen und die Bürger sagen, dass es ein Schritt in die richtige "
     "Richtung für die Stadt ist.", "de"),
    # stopwords written with letters outside ASCII ("não", "é", "è"), words with curly apostrophes
    ("O governo não aprovou o orçamento e é uma decisão que os cidadãos criticam para a cidade.", "pt"),
    ("Il governo non ha approvato il bilancio: è una decisione che i cittadini della città criticano da mesi.", "it"),
    ("It’s the council’s plan, and they’re voting on it in the morning — that is what it is.", "en"),
    ("Short.", "en"),
])
def test_metadata_language_of_the_body(text: str, code: str) -> None:
    assert detect_language(text) == code
