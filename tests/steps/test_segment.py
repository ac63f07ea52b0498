"""segment_page on small hand-written pages: one per label style, era and chrome kind."""

from __future__ import annotations

from pathlib import Path

from transcripts.model import Segmented, Source
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.segment import invariant_violations, segment_page

PAGES = Path(__file__).resolve().parents[1] / "pages"


def run_text(text: str, name: str = "page.txt") -> Segmented:
    src = decode_page(text.encode("utf-8"), name)
    assert isinstance(src, Source), src
    out = segment_page(clean_page(src))
    assert invariant_violations(out) == []
    return out


def run_page(name: str) -> Segmented:
    return run_text((PAGES / name).read_text("utf-8"), name)


def turn_labels(seg: Segmented) -> list[str | None]:
    return [s.speaker_label for s in seg.segments if s.kind == "turn"]


def test_segment_old_era_labels() -> None:
    seg = run_page("old_era.txt")
    assert seg.doc_type == "transcript"
    assert turn_labels(seg) == ["MELISSA BLOCK, host", "ANNE-MARIE WOOD reporting",
                                "Mr. JOHN DOE (Economist, Acme Corp)", "WOOD", "Unidentified Man #1",
                                "Ms. RENÉE KOVAČEVIĆ (Nurse)", "WOOD"]
    first = seg.segments[0]
    # a label alone on its line owns the paragraphs after it
    assert first.text.startswith("From NPR News, this is ALL THINGS CONSIDERED.")
    assert first.text.endswith("NPR's Anne-Marie Wood reports.")
    assert len(first.paragraphs) == 2
    assert [s.text for s in seg.segments if s.kind == "marker"] == ["(Soundbite of tractor)"]


def test_segment_cnn_videotape_markers_end_turns() -> None:
    seg = run_page("cnn.txt")
    kinds = [s.kind for s in seg.segments]
    assert kinds == ["turn", "marker", "turn", "turn", "turn", "marker", "turn", "marker", "turn"]
    assert turn_labels(seg)[1] == "GARY TUCHMAN, CNN CORRESPONDENT (voice-over)"
    assert turn_labels(seg)[-2:] == ["COOPER", "COOPER"]  # same speaker after a marker: a new turn


def test_segment_cnn_rush_transcript_header_and_titled_guest() -> None:
    seg = run_page("cnn_rush.txt")
    removed = {r.reason: seg.cleaned.source.text[r.char_start:r.char_end] for r in seg.cleaned.removed}
    assert removed["disclaimer"].startswith("THIS IS A RUSH TRANSCRIPT")
    assert seg.cleaned.notes["date"] == ["Aired March 3, 2011 - 10:00 ET"]  # not an unlabeled intro turn
    assert turn_labels(seg)[0] == "KYRA PHILLIPS, CNN ANCHOR"
    assert "SEN. JOHN MCCAIN (R), ARIZONA" in turn_labels(seg)
    assert not any("MCCAIN" in s.text for s in seg.segments)  # his words are his own turn, not Phillips'


def test_segment_old_era_titled_guests_open_their_own_turns() -> None:
    seg = run_page("titled_guests.txt")
    assert turn_labels(seg) == ["MELISSA BLOCK, host", "DAVID WELNA reporting", "President GEORGE W. BUSH", "WELNA",
                                "Senator HARRY REID (Democrat, Nevada)",
                                "Mr. ROBERT BIXBY (Executive Director, Concord Coalition)", "WELNA", "BLOCK"]


def test_segment_modern_page_turns_and_inline_cues() -> None:
    seg = run_page("modern.txt")
    assert turn_labels(seg) == [None, "SEAN O'BRIEN, BYLINE", "NÚÑEZ", "O'BRIEN", "O'BRIEN", "CARYS LLOYD-JONES",
                                "UNIDENTIFIED PERSON #2", "MARIA", "O'BRIEN"]
    intro = seg.segments[0]
    assert intro.text.startswith("Good morning. This is MORNING EDITION.")  # a program name is not a label
    obrien = seg.segments[3]
    assert "(laughter)" in obrien.text  # an inline cue stays in the turn
    assert obrien.text.endswith("And the city only found it last spring.")  # chrome inside a turn is skipped
    assert seg.segments[-2].text.startswith("And this is ALL THINGS CONSIDERED: we hear")
    assert seg.segments[-1].text == "Thank you."  # the glued end marker is cut off


def test_segment_chrome_inside_turn_names_the_turn() -> None:
    seg = run_page("modern.txt")
    sponsor = [r for r in seg.cleaned.removed if r.reason == "sponsor"]
    assert len(sponsor) == 1 and sponsor[0].seg_idx == 3
    assert all(r.seg_idx is None for r in seg.cleaned.removed if r.reason != "sponsor")


def test_segment_turn_offsets_include_label() -> None:
    seg = run_page("old_era.txt")
    src = seg.source.text
    for s in seg.segments:
        if s.kind == "turn" and s.speaker_label:
            assert src[s.char_start:s.char_end].startswith(s.speaker_label + ":")
            a, b = s.paragraphs[0]
            assert s.text.startswith(src[a:b])


def test_segment_teaser_is_no_content() -> None:
    seg = run_page("teaser.txt")
    assert seg.doc_type == "no_content"
    assert [s.kind for s in seg.segments] == ["paragraph"]


def test_segment_article_caption_heading_dateline() -> None:
    seg = run_page("article_captions.txt")
    assert seg.doc_type == "article"
    assert [s.kind for s in seg.segments] == ["caption", "paragraph", "paragraph", "heading", "paragraph",
                                              "paragraph"]
    assert seg.segments[1].text.startswith("TULSA, Okla. — The city council")
    assert "for expanding the program" in seg.segments[4].text


def test_segment_duplicate_body_kept_once() -> None:
    seg = run_page("duplicate_body.txt")
    assert seg.cleaned.duplicated_body
    assert turn_labels(seg) == ["HOST", "REPORTER"]


def test_segment_unlabeled_paragraph_continues_turn() -> None:
    seg = run_text("Title\n\nKIM: One.\n\nTwo.\n\n\nThree.\n\nMARTIN: Four.\n")
    assert [s.text for s in seg.segments] == ["One.\n\nTwo.\n\nThree.", "Four."]


def test_segment_unlabeled_speech_after_marker_is_its_own_turn() -> None:
    seg = run_text("Title\n\nKIM: One.\n\nMARTIN: Two.\n\n(SOUNDBITE OF MUSIC)\n\nThree.\n")
    assert [(s.kind, s.speaker_label) for s in seg.segments] == [
        ("turn", "KIM"), ("turn", "MARTIN"), ("marker", None), ("turn", None)]


def test_segment_label_alone_then_marker() -> None:
    seg = run_text("Title\n\nKIM: One.\n\nMARTIN:\n\n(LAUGHTER)\n\nKIM: Two.\n")
    assert [(s.kind, s.text) for s in seg.segments] == [
        ("turn", "One."), ("turn", ""), ("marker", "(LAUGHTER)"), ("turn", "Two.")]


def test_segment_sentences_cover_segments_in_order() -> None:
    seg = run_page("old_era.txt")
    src = seg.source.text
    by_seg: dict[int, list[str]] = {}
    for st in seg.sentences:
        by_seg.setdefault(st.seg_idx, []).append(st.text)
        assert src[st.char_start:st.char_end] == st.text
    assert by_seg[1] == ["The wheat here should be knee-high by now.", "It is not."]


def test_segment_sentences_map_repaired_text_to_source() -> None:
    seg = run_page("article_captions.txt")
    src = seg.source.text
    st = next(s for s in seg.sentences if "for expanding" in s.text)
    assert src[st.char_start:st.char_end].replace("forexpanding", "for expanding") == st.text




def test_segment_npr_header_metadata_caption_and_nested_marker() -> None:
    seg = run_page("npr_header.txt")
    notes = seg.cleaned.notes
    assert notes["date"] == ["June 7, 20195:02 AM ET"]
    assert notes["heard_on"] == ["Heard on Morning Edition"]
    assert notes["byline"] == ["Lucian Kim"]  # the author line under the title, confirmed by the bio
    assert [s.kind for s in seg.segments] == ["caption", "turn", "turn", "marker", "turn", "turn"]
    assert seg.segments[3].text == '(SOUNDBITE OF SONG, "KALINKA (LIVE)")'
    assert turn_labels(seg)[0] == "RACHEL MARTIN, HOST"
    # closed compounds the vocabulary may lack are not "repaired"
    assert seg.segments[4].text == "A monthslong standoff and a phaseout for farmworkers, then."


def test_segment_caption_mid_article_after_enlarge_line() -> None:
    body = ("TULSA, Okla. — The council met for a long time on Monday and approved the new budget for the city. "
            "The vote was seven to two and the mayor said she would sign it this week.")
    page = (f"Title\n\n{body}\n\nEnlarge this image\nThe mayor speaks to reporters in Tulsa on Monday.\n"
            "Jane Roe/AP\nhide caption\ntoggle caption\nJane Roe/AP\n\nMore prose follows here.\n")
    seg = run_text(page)
    assert [s.kind for s in seg.segments] == ["paragraph", "caption", "paragraph"]


def test_segment_repairs_never_touch_a_label() -> None:
    seg = run_text("Title\n\nKIM (spokesmanfor the ministry): We called forexpanding it.\n\nLEE: And then?\n")
    first = seg.segments[0]
    assert first.speaker_label == "KIM (spokesmanfor the ministry)"
    assert first.text == "We called for expanding it."
    assert seg.cleaned.repairs == ["split:forexpanding"]


def test_segment_label_alone_on_its_line_with_a_space_before_the_colon_covers_the_colon() -> None:
    seg = run_text("Title\n\nKIM: Hi.\n\nLUCIAN KIM, BYLINE :\n\n(SOUNDBITE OF MUSIC)\n")  # asserts coverage
    assert [s.kind for s in seg.segments] == ["turn", "turn", "marker"]


def test_segment_hard_wrapped_paragraphs_are_joined() -> None:
    seg = run_page("hard_wrapped_archive.txt")
    assert invariant_violations(seg) == []
    turns = [s for s in seg.segments if s.kind == "turn"]
    assert [t.speaker_label for t in turns] == ["MELISSA BLOCK, host", "TOBIAS LINDQVIST reporting",
                                                 "Ms. ORLA BRENNAN (Beekeeper, Brennan Apiaries)", "LINDQVIST"]
    assert all(len(t.paragraphs) == 1 for t in turns)  # one paragraph each, not one per printed line
    assert turns[0].text.startswith("Every February, more than a million beehives ride flatbed trucks into")
    assert "ride\n" not in turns[0].text
    # a label the wrap left alone on its line owns what follows; the usage notice is not speech
    assert turns[2].text.startswith("They like the hum of the road.")
    assert turns[3].text.endswith("I'm Tobias Lindqvist in Bakersfield.")
    # sentences point into the source exactly, across the joined line breaks
    text = seg.source.text
    wrapped = next(s for s in seg.sentences if s.text.startswith("Without the bees"))
    assert " ".join(text[wrapped.char_start:wrapped.char_end].split()) == wrapped.text
    assert any(s.kind == "marker" and s.text == "(Soundbite of trucks idling)" for s in seg.segments)


def test_segment_paragraph_per_line_pages_are_not_joined() -> None:
    line = ("In Iowa today, presidential candidates of both parties are kicking off the New Year in full "
            "campaign mode, and the polls keep moving.")
    seg = run_text("NORRIS: From NPR News, this is ALL THINGS CONSIDERED.\n" + "\n".join([line] * 8)
                   + "\nGREENE: It does.\n")
    assert len(seg.segments[0].paragraphs) == 9


COHOSTS = """A Made-Up Episode

(SOUNDBITE OF MUSIC)

Hey, I'm Ada Quill.

And I'm T.J. Morrow.

QUILL: And this is a show about toast. Morrow, you brought bread.

MORROW: I did. Three loaves.

QUILL: Good.

And I'm also hungry, to be honest.

MORROW: Noted.

And I'm T.J. Morrow.
"""


def test_segment_cohost_self_introductions_are_two_turns() -> None:
    seg = run_text(COHOSTS)
    turns = [(s.speaker_label, s.text) for s in seg.segments if s.kind == "turn"]
    assert turns[:2] == [(None, "Hey, I'm Ada Quill."), (None, "And I'm T.J. Morrow.")]
    # a plain unlabeled paragraph continues its turn; a self-introduction under another's label starts one
    assert (("QUILL", "Good.\n\nAnd I'm also hungry, to be honest.") in turns)
    assert turns[-1] == ("MORROW", "Noted.\n\nAnd I'm T.J. Morrow.")  # the same person: one turn
    assert invariant_violations(seg) == []
