"""The label step: speakers resolved within a page, their roles and descriptions, and end-to-end on the seeds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.model import Cleaned, Labeled, Mention, Quote, Segment, Segmented, Source, count_words
from transcripts.steps.label import label_page

Part = tuple[str, str | None, str]  # (kind, label, text); text paragraphs separated by a blank line


def page_from(parts: list[Part], notes: dict[str, list[str]] | None = None, doc_type: str | None = None,
              title: str = "A title", doc_id: str = "doc") -> Segmented:
    """A segmented page built by hand: each part becomes a segment, the source text is their concatenation
    (a turn printed as 'LABEL: text'), offsets computed from it."""
    chunks: list[str] = [title]
    pos = len(title) + 2
    segments = []
    for kind, label, text in parts:
        start = pos
        head = f"{label}: " if label else ""
        body_start = pos + len(head)
        paragraphs = []
        p = body_start
        for piece in text.split("\n\n"):
            paragraphs.append((p, p + len(piece)))
            p += len(piece) + 2
        chunks.append(head + text)
        pos = start + len(head) + len(text) + 2
        segments.append(Segment(kind, start, start + len(head) + len(text), text, label, paragraphs,
                                n_words=count_words(text)))  # as the segment step counts them
    extra = [line for lines in (notes or {}).values() for line in lines]
    source_text = "\n\n".join(chunks + extra) + "\n"
    src = Source(doc_id, f"{doc_id}.txt", "0" * 64, len(source_text.encode()), source_text, "utf-8")
    cleaned = Cleaned(src, title, [], [], notes=dict(notes or {}))
    kind = doc_type or ("transcript" if any(k == "turn" for k, _, _ in parts) else "article")
    return Segmented(cleaned, kind, segments, [])


def assert_spans_inside_their_segments(page: Labeled, spans: Sequence[Quote | Mention]) -> None:
    """Each span's offsets give back its text from the source, inside the segment it names."""
    assert spans
    for span in spans:
        assert page.source.text[span.char_start:span.char_end] == span.text
        seg = page.segmented.segments[span.seg_idx]
        assert seg.char_start <= span.char_start < span.char_end <= seg.char_end


def speakers(page: Labeled) -> dict[str, tuple[str, str | None]]:
    return {a.name: (a.role, a.description) for a in page.appearances}


def turn_names(page: Labeled) -> list[str]:
    names = {a.speaker_id: a.name for a in page.appearances}
    return [names[s.speaker_id] for s in page.segmented.segments if s.kind == "turn" and s.speaker_id]


TWO_WAY: list[Part] = [
    ("turn", None, "Leaders gathered in France this week. NPR's Lucian Kim is on the line from Moscow. Hi, Lucian."),
    ("turn", "LUCIAN KIM, BYLINE", "Good morning, Rachel."),
    ("turn", "MARTIN", "What have these meetings been like?"),
    ("turn", "KIM", "Well, by all appearances, it is going well. Putin's spokesman, Dmitry Peskov, gave a view."),
    ("turn", "DMITRY PESKOV", "China is not partner No. 1 for us yet."),
    ("turn", "KIM", "So this week there will be deals."),
    ("turn", "MARTIN", "All right. NPR's Lucian Kim from Moscow. Thanks, Lucian."),
    ("turn", "KIM", "Thank you."),
]


def test_label_greeting_names_the_unlabeled_host_and_surnames_resolve() -> None:
    page = label_page(page_from(TWO_WAY, {"bio": ["Lucian Kim is NPR's international correspondent based in "
                                                  "Moscow. He has been reporting for two decades."]}))
    assert turn_names(page) == ["Rachel Martin", "Lucian Kim", "Rachel Martin", "Lucian Kim", "Dmitry Peskov",
                                "Lucian Kim", "Rachel Martin", "Lucian Kim"]
    assert speakers(page) == {
        "Rachel Martin": ("host", None),
        "Lucian Kim": ("correspondent", "NPR's international correspondent based in Moscow"),
        "Dmitry Peskov": ("guest", "Putin's spokesman"),
    }
    assert page.bylines == ["Lucian Kim"]


def test_label_appearances_count_turns_words_and_labels() -> None:
    page = label_page(page_from(TWO_WAY))
    kim = next(a for a in page.appearances if a.name == "Lucian Kim")
    assert kim.labels == ["LUCIAN KIM, BYLINE", "KIM"]
    assert kim.n_turns == 4
    assert kim.n_words == sum(count_words(t) for k, lab, t in TWO_WAY if lab and "KIM" in lab)
    assert all(s.speaker_id for s in page.segmented.segments if s.kind == "turn")


def test_label_bio_line_names_surname_host_and_gives_descriptions() -> None:
    parts: list[Part] = [
        ("turn", None, "The leader of China is preparing a trip."),
        ("turn", "INSKEEP", "NPR's Emily Feng covers China. Good morning, Emily."),
        ("turn", "EMILY FENG, BYLINE", "Good morning, Steve."),
        ("turn", "FENG", "Jakub Jakobowski is a senior fellow on China at the Centre for Eastern Studies, a Polish "
                         "state think tank. And I asked him, why Kazakhstan?"),
        ("turn", "JAKUB JAKOBOWSKI", "I think Kazakhstan basically wants to maintain the status quo."),
        ("turn", "INSKEEP", "Emily, thanks so much."),
    ]
    notes = {"bio": ["Steve Inskeep is a host of NPR's Morning Edition, as well as NPR's morning news podcast "
                     "Up First.", "Emily Feng is NPR's Beijing correspondent."]}
    page = label_page(page_from(parts, notes))
    assert speakers(page) == {
        "Steve Inskeep": ("host", "a host of NPR's Morning Edition, as well as NPR's morning news podcast Up First"),
        "Emily Feng": ("correspondent", "NPR's Beijing correspondent"),
        "Jakub Jakobowski": ("guest", "a senior fellow on China at the Centre for Eastern Studies, a Polish state "
                                      "think tank"),
    }
    assert turn_names(page)[0] == "Steve Inskeep"
    assert page.program == "Morning Edition"


def test_label_self_introduction_names_the_host() -> None:
    parts: list[Part] = [
        ("turn", "SIMON", "This is WEEKEND EDITION from NPR News. I'm Scott Simon. Lawmakers approved the bill."),
        ("turn", "SIMON", "NPR's Ana de la Cruz reports."),
        ("turn", "ANA DE LA CRUZ, BYLINE", "The bill passed late last night."),
        ("turn", "DE LA CRUZ", "For NPR News, I'm Ana de la Cruz in Phoenix."),
    ]
    page = label_page(page_from(parts))
    assert speakers(page) == {"Scott Simon": ("host", None), "Ana de la Cruz": ("correspondent", None)}
    assert page.program == "Weekend Edition"


def test_label_shared_surname_kept_apart_by_context() -> None:
    parts: list[Part] = [
        ("turn", None, "This is ALL THINGS CONSIDERED. I'm Katarzyna Mansour. The Fed raised rates. NPR's Amara "
                       "Howard reports."),
        ("turn", "AMARA HOWARD, BYLINE", "Shoppers are nervous."),
        ("turn", "YASMIN MANSOUR", "We just want answers."),
        ("turn", "HOWARD", "That's Yasmin Mansour, a shop owner in Tulsa."),
        ("turn", "MANSOUR", "Amara, thanks."),
    ]
    page = label_page(page_from(parts))
    assert turn_names(page) == ["Katarzyna Mansour", "Amara Howard", "Yasmin Mansour", "Amara Howard",
                                "Katarzyna Mansour"]
    assert speakers(page)["Katarzyna Mansour"][0] == "host"
    assert speakers(page)["Yasmin Mansour"] == ("guest", "a shop owner in Tulsa")


def test_label_old_era_honorific_labels_and_unidentified_voices() -> None:
    parts: list[Part] = [
        ("turn", "MELISSA BLOCK, host", "From NPR News, this is ALL THINGS CONSIDERED. I'm Melissa Block."),
        ("turn", "Mr. JOHN O'BRIEN-NAKAMURA (Economist, Pacific Policy Forum)", "Prices are up."),
        ("turn", "Unidentified Man #1", "We will not wait."),
        ("turn", "UNIDENTIFIED CROWD", "(Chanting)"),
        ("turn", "Mr. O'BRIEN-NAKAMURA", "And they will stay up."),
        ("turn", "HÉCTOR MOORE reporting", "The vote was 7-2."),
    ]
    page = label_page(page_from(parts))
    got = {a.name: (a.kind, a.role, a.description) for a in page.appearances}
    assert got == {
        "Melissa Block": ("person", "host", None),
        "John O'Brien-Nakamura": ("person", "guest", "Economist, Pacific Policy Forum"),
        "Unidentified Man #1": ("unidentified", "unidentified", None),
        "Unidentified Crowd": ("group", "unidentified", None),
        "Héctor Moore": ("person", "correspondent", None),
    }
    ids = {a.name: a.speaker_id for a in page.appearances}
    assert ids["Unidentified Man #1"].startswith("doc#")  # unidentified voices exist only within their page
    assert ids["John O'Brien-Nakamura"] == "john-o-brien-nakamura"


def test_label_caller_known_by_first_name_keeps_it() -> None:
    parts: list[Part] = [
        ("turn", "NEAL CONAN, host", "Let's go to Nkechi, Nkechi with us from Tulsa."),
        ("turn", "NKECHI (Caller)", "Hi, Neal. Thanks for taking my call."),
        ("turn", "NEAL CONAN, host", "Nkechi, thanks very much for the call."),
    ]
    page = label_page(page_from(parts))
    assert speakers(page) == {"Neal Conan": ("host", None), "Nkechi": ("guest", None)}


def test_label_podcast_reporters_are_correspondents() -> None:
    parts: list[Part] = [
        ("turn", "ASMA KHALID, BYLINE", "Hey there. It's the NPR POLITICS PODCAST. I'm Asma Khalid. I cover the "
                                        "White House."),
        ("turn", "SCOTT DETROW, BYLINE", "And I'm Scott Detrow. I cover politics."),
        ("turn", "KHALID", "And today on the show, the budget."),
    ]
    page = label_page(page_from(parts))
    assert {a.name: a.role for a in page.appearances} == {"Asma Khalid": "correspondent",
                                                          "Scott Detrow": "correspondent"}
    assert page.program == "The NPR Politics Podcast"
    assert sorted(page.bylines) == ["Asma Khalid", "Scott Detrow"]


def test_label_page_spelling_wins_over_casing_rules() -> None:
    parts: list[Part] = [
        ("turn", "GUADALUPE STRAUSS, HOST", "Good morning."),
        ("turn", "SUSAN YILMAZ", "Hello."),
    ]
    notes = {"bio": ["Guadalupe Strauß is a host of NPR's Morning Edition."]}
    page = label_page(page_from(parts, notes))
    assert [a.name for a in page.appearances] == ["Guadalupe Strauß", "Susan Yilmaz"]


# ------------------------------------------------------------------------------------------- seeds, golden

def _labeled_seed(seeds_dir, name: str) -> Labeled:  # type: ignore[no-untyped-def]
    decode = pytest.importorskip("transcripts.steps.decode")
    clean = pytest.importorskip("transcripts.steps.clean")
    segment = pytest.importorskip("transcripts.steps.segment")
    source = decode.decode_page((seeds_dir / name).read_bytes(), name)
    return label_page(segment.segment_page(clean.clean_page(source)))


SEEDS = ["000_a2278f2a4c24a35c.txt", "001_00c285dc558d520c.txt", "002_a7df522fb442f5e4.txt"]


@pytest.mark.parametrize("name", SEEDS)
def test_label_seed_speakers_metadata_and_bylines_match_golden(seeds_dir, golden, name) -> None:  # type: ignore[no-untyped-def]
    gold = golden[name]
    page = _labeled_seed(seeds_dir, name)
    assert [(a.name, a.role, a.description) for a in page.appearances] == \
        [(s["name"], s["role"], s["description"]) for s in gold["speakers"]]
    assert (page.program, page.year, page.language) == (gold["program"], gold["year"], gold["language"])
    assert sorted(page.bylines) == sorted(gold["bylines"])
    by_id = {a.speaker_id: a for a in page.appearances}
    turns = [by_id[s.speaker_id or ""] for s in page.segmented.segments if s.kind == "turn"]
    assert [(a.name, a.role) for a in turns] == \
        [(t["speaker"], t["role"]) for t in gold["turns"]]


def test_label_seed_article_quotes_match_golden(seeds_dir, golden) -> None:  # type: ignore[no-untyped-def]
    name = "002_a7df522fb442f5e4.txt"
    page = _labeled_seed(seeds_dir, name)
    got = [(q.speaker_name, q.text) for q in page.quotes]
    found = [g for g in golden[name]["quotes"]
             if any(s == g["speaker"] and t.startswith(g["starts"]) for s, t in got)]
    assert len(found) / len(golden[name]["quotes"]) >= 0.9
    src = page.source.text
    assert all(src[q.char_start:q.char_end] == q.text for q in page.quotes if "forexpanding" not in q.text)
    assert (page.dateline, page.year_source) == ("TAIPEI and MOSCOW", "copyright")


# ------------------------------------------------------------------------------------------- properties

_LABELS = st.sampled_from([None, "MARTIN", "LUCIAN KIM, BYLINE", "KIM", "Mr. JOHN DOE (Economist, X)", "Mr. DOE",
                           "UNIDENTIFIED CROWD", "Unidentified Man #1", "ANA DE LA CRUZ, HOST", "DE LA CRUZ",
                           "NKECHI (Caller)", "O'BRIEN-NAKAMURA"])
_SENTENCES = st.sampled_from(["Good morning, Rachel.", "Hi, Lucian.", "I'm Ana de la Cruz.", "Thanks, Steve.",
                              "NPR's Lucian Kim is on the line.", '"We will not wait here," says John Doe.',
                              "Prices rose 3% since 2002.", "Here we are in 2019.", "Emily, thanks so much.",
                              "(LAUGHTER)", "Putin's spokesman, Dmitry Peskov, spoke."])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["turn", "turn", "paragraph", "marker"]), _LABELS,
                          st.lists(_SENTENCES, min_size=1, max_size=4)), min_size=1, max_size=12))
def test_label_any_page_gets_a_speaker_for_every_turn(raw) -> None:  # type: ignore[no-untyped-def]
    parts: list[Part] = [(k, lab if k == "turn" else None, " ".join(s)) for k, lab, s in raw]
    page = label_page(page_from(parts))
    ids = {a.speaker_id for a in page.appearances}
    turns = [s for s in page.segmented.segments if s.kind == "turn"]
    assert all(s.speaker_id in ids for s in turns)
    assert sum(a.n_turns for a in page.appearances) == len(turns)
    assert len(ids) == len(page.appearances)
    src = page.source.text
    assert all(src[q.char_start:q.char_end] == q.text for q in page.quotes)


def test_label_honorific_surname_label_completed_from_the_intro() -> None:
    parts: list[Part] = [
        ("turn", "NEAL CONAN, host", "Joining us now is Jane Tibbetts, an economist at the Urban Institute."),
        ("turn", "Ms. TIBBETTS", "Thanks for having me."),
    ]
    page = label_page(page_from(parts))
    assert speakers(page)["Jane Tibbetts"] == ("guest", "an economist at the Urban Institute")


def test_label_cnn_page_titled_guest_and_aired_date() -> None:
    from transcripts.steps.clean import clean_page
    from transcripts.steps.decode import decode_page
    from transcripts.steps.segment import segment_page

    path = Path(__file__).resolve().parents[1] / "pages" / "cnn_rush.txt"
    src = decode_page(path.read_bytes(), path.name)
    assert isinstance(src, Source)
    page = label_page(segment_page(clean_page(src)))
    people = {a.speaker_id: (a.name, a.role, a.description) for a in page.appearances}
    assert people["john-mccain"] == ("John McCain", "guest", "Senator (R), Arizona")  # MCCAIN: resolved too
    assert people["kyra-phillips"][1] == "host" and people["arwa-damon"][1] == "correspondent"
    assert (page.year, page.year_source) == (2011, "dateline")


def test_label_voicemail_opener_does_not_inherit_the_unlabeled_opening() -> None:
    page = label_page(page_from([
        ("turn", None, "Subscribe to the show wherever you get your podcasts. Email the show with questions."),
        ("turn", "TONY", "Hello, NPR. This is Tony. I'm starting a long drive to see my mother."),
        ("turn", "ASMA KHALID, BYLINE", "I cover the campaign."),
        ("turn", "TONY", "Things may have changed by the time you hear this."),
    ]))
    assert speakers(page)["Tony"][0] == "guest"


def test_label_description_found_where_the_prose_curls_the_apostrophe() -> None:
    parts: list[Part] = [
        ("turn", "STEVE INSKEEP, HOST", "D’Arcy Smith is a senior fellow at the Brookings Institution. Welcome."),
        ("turn", "D'ARCY SMITH", "Thanks for having me."),
    ]
    assert speakers(label_page(page_from(parts)))["D'Arcy Smith"] == (
        "guest", "a senior fellow at the Brookings Institution")
