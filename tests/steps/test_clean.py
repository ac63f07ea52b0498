"""clean_page: what is removed, why, what is kept, and the in-line repairs."""

from __future__ import annotations

import pytest

from schemas.removed import REMOVED_REASONS
from transcripts.model import Cleaned, Source
from transcripts.rules.words import english_words, repair_glued
from transcripts.steps.clean import clean_page


def clean(text: str) -> Cleaned:
    return clean_page(Source(doc_id="d", source_path="d.txt", sha256="0", n_bytes=len(text), text=text,
                             encoding="utf-8"))


def removed(c: Cleaned) -> list[tuple[str, str]]:
    text = c.source.text
    return [(r.reason, text[r.char_start:r.char_end]) for r in c.removed]


def kept(c: Cleaned) -> list[str]:
    return [ln.text for ln in c.lines]


HEADER = "News and Music Discovery\nPlay Live Radio\nNext Up:\n0:00 0:00\nAvailable On Air Stations\n"


def test_clean_header_chrome_notice_and_title() -> None:
    notice = ("Our Redding transmitter is offline due to an internet outage at our Shasta Bally site. "
              "We appreciate your patience.")
    c = clean(HEADER + notice + "\n\nThe Title Line\n\n\nKIM: Hello.\n")
    assert removed(c) == [("page_chrome", "News and Music Discovery"), ("page_chrome", "Play Live Radio"),
                          ("page_chrome", "Next Up:"), ("page_chrome", "0:00 0:00"),
                          ("page_chrome", "Available On Air Stations"), ("station_notice", notice),
                          ("title", "The Title Line")]
    assert c.title == "The Title Line"
    assert kept(c) == ["KIM: Hello."]
    assert c.lines[0].blank_before == 2


def test_clean_cookie_banner() -> None:
    c = clean("We use cookies to personalize content. Accept all cookies?\n\nTitle\n\nKIM: Hi.\n")
    assert removed(c)[0][0] == "cookie_banner"
    assert c.title == "Title"


def test_clean_glued_end_marker_cut_from_last_turn() -> None:
    c = clean("Title\n\nKIM: Thank you. Transcript provided by NPR, Copyright NPR.\n")
    assert kept(c) == ["KIM: Thank you."]
    assert removed(c)[-1] == ("end_marker", "Transcript provided by NPR, Copyright NPR.")
    assert c.notes["copyright"] == ["Transcript provided by NPR, Copyright NPR."]
    line = c.lines[0]
    assert c.source.text[line.char_start:line.char_end] == "KIM: Thank you."


def test_clean_tail_bio_related_sponsor_copyright() -> None:
    tail = ("KIM: Thank you.\n\nCopyright © 2015 NPR. All rights reserved. Visit our website terms of use.\n\n"
            "Lucian Kim\nLucian Kim is NPR's international correspondent based in Moscow. He has reported for "
            "decades.\nSteve Inskeep is a host of NPR's Morning Edition.\n\nRelated Stories\nPutin Meets Xi\n"
            "Sponsor Message\n")
    c = clean("Title\n\n" + tail)
    reasons = [r for r, _ in removed(c)]
    assert reasons == ["title", "copyright", "bio", "bio", "bio", "related", "related", "sponsor"]
    assert kept(c) == ["KIM: Thank you."]
    assert c.notes["bio"][0].startswith("Lucian Kim is NPR's international correspondent")
    assert c.notes["copyright"][0].startswith("Copyright © 2015 NPR.")


def test_clean_bio_sentence_in_body_is_kept() -> None:
    c = clean("Title\n\nKIM: Hello.\n\nJakub Jakobowski is a senior fellow at a think tank.\n\nMARTIN: Go on.\n")
    assert "bio" not in [r for r, _ in removed(c)]


def test_clean_disclaimer() -> None:
    c = clean("Title\n\nKIM: Hi.\n\nNPR transcripts are created on a rush deadline by an NPR contractor. "
              "This text may not be in its final form.\n")
    assert removed(c)[-1][0] == "disclaimer"


def test_clean_photo_caption_block() -> None:
    cap = "Russian President Vladimir Putin, right, and Chinese President Xi Jinping shake hands on Tuesday."
    c = clean(f"Title\n\n{cap}\nMikhail Tereshchenko\nSputnik, Kremlin Pool Photo via AP\n{cap}\n\nBody text.\n")
    assert removed(c)[1:] == [("photo_credit", "Mikhail Tereshchenko"),
                              ("photo_credit", "Sputnik, Kremlin Pool Photo via AP"), ("duplicate_caption", cap)]
    assert kept(c) == [cap, "Body text."]
    assert c.notes["photo_credit"] == ["Mikhail Tereshchenko", "Sputnik, Kremlin Pool Photo via AP"]


def test_clean_duplicate_title_and_heard_on() -> None:
    c = clean("Title Here\n\nHeard on Weekend Edition Sunday\n\nKIM: Hi.\n\nTitle Here\n")
    assert removed(c) == [("title", "Title Here"), ("page_chrome", "Heard on Weekend Edition Sunday"),
                          ("duplicate_title", "Title Here")]
    assert c.notes["heard_on"] == ["Heard on Weekend Edition Sunday"]


def test_clean_duplicate_body() -> None:
    body = "KIM: One two.\n\nMARTIN: Three four.\n"
    c = clean("Title\n\n" + body + "\n" + body)
    assert c.duplicated_body
    assert kept(c) == ["KIM: One two.", "MARTIN: Three four."]
    assert [r for r, _ in removed(c)].count("duplicate_body") == 2


def test_clean_reasons_are_declared() -> None:
    c = clean(HEADER + "\nTitle\n\nKIM: Hi. Transcript provided by NPR, Copyright NPR.\n\nSponsor Message\n"
              "Related Stories\n")
    assert c.removed and all(r.reason in REMOVED_REASONS for r in c.removed)


def test_clean_page_of_chrome_only_keeps_nothing() -> None:
    c = clean(HEADER + "\nRelated Stories\nSponsor Message\n")
    assert kept(c) == [] and c.title is None


@pytest.mark.parametrize(("line", "fixed"), [
    ("Xi called forexpanding cooperation.", "Xi called for expanding cooperation."),
    ("a 12-point position paperaimed at ending", "a 12-point position paper aimed at ending"),
    ("diplomacy andcollectively hit back", "diplomacy and collectively hit back"),
    ("by the endof the year", "by the end of the year"),
])
def test_clean_repairs_run_together_words(line: str, fixed: str) -> None:
    page = {"paper": 2, "position": 1}
    out, notes = repair_glued(line, page, english_words())
    assert out == fixed
    assert len(notes) == 1 and notes[0].startswith("split:")


@pytest.mark.parametrize("line", [
    "Putin said the plan dovetailed with Russian views.",  # a real compound the vocabulary may lack
    "He went globetrotting. Another island, forever asking.",
    "Fed Chair Michelle Jensenmay defend it.",  # capitalised: names are never touched
    "The U.S.-led order and a well-known cooperation.",
])
def test_clean_repair_leaves_real_words(line: str) -> None:
    assert repair_glued(line, {}, english_words()) == (line, [])


def test_clean_repairs_recorded_and_source_untouched() -> None:
    c = clean("Title\n\nXi called forexpanding cooperation with partners.\n")
    assert c.repairs == ["split:forexpanding"]
    assert kept(c) == ["Xi called for expanding cooperation with partners."]
    assert "forexpanding" in c.source.text


def test_clean_cookie_buttons_in_header() -> None:
    c = clean("This site uses cookies to improve your experience. See our privacy policy.\nAccept all\n"
              "Manage preferences\n\nTitle\n\nKIM: Hi.\n")
    assert [r for r, _ in removed(c)] == ["cookie_banner"] * 3 + ["title"]


def test_clean_caption_repeated_in_a_later_block() -> None:
    cap = "The mayor speaks to reporters in Tulsa on Monday."
    c = clean(f"Title\n\n{cap}\nJane Roe\nAP\n\nThe council met on Monday.\n\n{cap}\n\nMore prose.\n")
    assert ("duplicate_caption", cap) in removed(c)
    assert kept(c) == [cap, "The council met on Monday.", "More prose."]


def test_clean_member_station_name_is_chrome_not_the_title() -> None:
    c = clean("Skip to main content\nWBUR\nDonate\nCouncil Approves Housing Plan\nBy Jenna Russell\n"
              "The council voted on Wednesday.\n\nWOW\n\nWow\n")
    assert c.title == "Council Approves Housing Plan"
    assert ("page_chrome", "WBUR") in removed(c)
    assert kept(c)[-2:] == ["WOW", "Wow"]  # a short word in capitals is no station


def _page(name: str) -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[1] / "pages" / name).read_text(encoding="utf-8")


def test_clean_station_tail_furniture_is_removed_and_speech_kept() -> None:
    c = clean(_page("station_tail.txt"))
    gone = removed(c)
    for reason, line in [("copyright", "This segment aired on June 4, 2019."),
                         ("copyright", "All Things Considered is a production of NPR."),
                         ("page_chrome", "Download Audio"), ("page_chrome", "Resume"),
                         ("bio", "Clementine Rowe"), ("bio", "See stories by Clementine Rowe"),
                         ("related", "Why Island Schools Keep Closing"), ("related", "Island Mail Goes By Kayak"),
                         ("page_chrome", "Browse by date | Browse by show | Search the archive")]:
        assert (reason, line) in gone
    assert kept(c)[-1] == "ROWE: Thanks, Ari."  # the last turn ends with the speech, not the notices


def test_clean_glued_usage_notice_is_cut_off_the_last_line() -> None:
    c = clean("Falcons In The Orchard\n\nMONTAGNE: So long. For personal, noncommercial use only.\n\n"
              "DUVALL: For NPR News, I'm Corinne Duvall. For personal, noncommercial use only.\n")
    assert kept(c)[-1] == "DUVALL: For NPR News, I'm Corinne Duvall."
    assert ("copyright", "For personal, noncommercial use only.") in removed(c)


def test_clean_author_line_below_a_photo_is_a_byline_and_a_date_line_a_date() -> None:
    c = clean("A Dead Mall Grows Lettuce\n\nThe mall closed in 2019, and the food court is now a farm.\n\n"
              "November 12, 20215:00 AM ET\n\nJonas Whitcombe\n\nThe city bought it for a dollar, he said.\n\n"
              "Jonas Whitcombe is a freelance journalist based in Columbus, Ohio.\n")
    assert "Jonas Whitcombe" not in kept(c) and "November 12, 20215:00 AM ET" not in kept(c)
    assert c.notes["byline"] == ["Jonas Whitcombe"] and c.notes["date"] == ["November 12, 20215:00 AM ET"]


@pytest.mark.parametrize("more", ["", (" Mientras tanto, nuestras abuelas preparaban tamales para toda la comunidad y "
                                     "los vecinos llegaban temprano a la cocina para ayudarles con la masa.")])
def test_clean_never_splits_words_of_a_page_in_another_language(more: str) -> None:
    # "formatos", "andan", "incomodo", "incluso" would each be two English words to an English lexicon; with
    # `more` the page lacks many English words (its language is read before any split is looked for)
    text = ("Vuelve pronto\n\n[Daniel]: Todos tenemos los mejores formatos, y los que andan incomodo con la "
            f"carrera, incluso, quieren preguntarles por qué les gusta cantar con nosotros en el programa.{more}\n")
    c = clean(text)
    assert c.repairs == [] and kept(c)[-1] == text.split("\n\n")[1].strip()
