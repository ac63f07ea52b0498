"""The label step: who speaks each turn, quotations in prose, and what the page says about itself.

    label_page(Segmented) -> Labeled     (pure: no I/O, no NLP model)
"""

from __future__ import annotations

import dataclasses

from schemas.appearances import Role
from schemas.documents import DocType
from schemas.segments import SegmentKind as K
from schemas.speakers import SpeakerKind
from transcripts.model import Labeled, Quote, Segment, Segmented, fast_constructor
from transcripts.rules.dates import find_dateline
from transcripts.rules.language import detect_language
from transcripts.rules.names import NameBook, find_names, fold
from transcripts.rules.programs import HEARD_ON
from transcripts.rules.words import APOSTROPHES
from transcripts.steps.metadata import byline_names, find_program, find_year
from transcripts.steps.quotes import extract_quotes
from transcripts.steps.speakers import HOST_DESC, resolve

# Segment(...) and Quote(...) by setting their slots: a frozen dataclass's __init__ costs twice as much, and
# dataclasses.replace several times
_new_segment = fast_constructor(Segment)
_new_quote = fast_constructor(Quote)


def _with_speakers(segs: list[Segment], by_turn: dict[int, str]) -> list[Segment]:
    """The segments with each turn's speaker_id set (`by_turn` holds every turn and only turns)."""
    out = list(segs)
    for i, sid in by_turn.items():
        seg = out[i]
        if sid != seg.speaker_id:
            out[i] = _new_segment(seg.kind, seg.char_start, seg.char_end, seg.text, seg.speaker_label,
                                  seg.paragraphs, sid, seg.n_words)
    return out


def label_page(page: Segmented) -> Labeled:
    cleaned = page.cleaned
    src = cleaned.source
    segs = page.segments
    notes = cleaned.notes
    texts = [s.text for s in segs]
    bio_lines = list(notes.get("bio", []))
    book = NameBook([*texts, *bio_lines])

    cast = resolve(segs, src.doc_id, notes, book)
    page = dataclasses.replace(page, segments=_with_speakers(segs, cast.by_turn))

    removed_text = "\n".join(src.text[r.char_start:r.char_end] for r in cleaned.removed)
    page_lines = removed_text + "\n" + "\n".join(texts)
    # a line-anchored pattern has no literal prefix for the regex engine to skip ahead with: test the substring
    heard = [m.group() for m in HEARD_ON.finditer(page_lines)] if "Heard on " in page_lines else []
    spoken = [s.text for s in segs if s.kind in (K.TURN, K.PARAGRAPH)]
    program = find_program(spoken, heard, bio_lines, notes.get("program", []))
    year, year_source = find_year([*notes.get("copyright", []), removed_text, src.text], notes.get("date", []),
                                  spoken)

    first_para = next((s.text for s in segs if s.kind == K.PARAGRAPH), None)
    dateline = find_dateline(first_para) if page.doc_type == DocType.ARTICLE else None

    photographers = {fold(n) for line in notes.get("photo_credit", []) for _, _, n in find_names(line, 2)}
    bylines = [a.name for a in cast.appearances if a.role == Role.CORRESPONDENT and a.kind == SpeakerKind.PERSON
               and a.speaker_id not in cast.crew]
    bylines += byline_names(notes.get("byline", []))
    if page.doc_type != DocType.TRANSCRIPT:
        bylines += [name for name, desc in cast.bios.values() if not HOST_DESC.search(desc)]
    seen: set[str] = set()
    credited = []
    for name in bylines:
        key = fold(name.translate(APOSTROPHES))
        if key not in seen and key not in photographers:
            seen.add(key)
            credited.append(name)

    quotes = []
    if any(s.kind == K.PARAGRAPH for s in segs):
        quotes = extract_quotes(segs, src.text, [n for n, _ in cast.bios.values()], book)
        ids = {fold(a.name): a.speaker_id for a in cast.appearances if a.kind == SpeakerKind.PERSON}
        quotes = [_new_quote(q.seg_idx, q.char_start, q.char_end, q.text, q.speaker_name,
                             ids.get(fold(q.speaker_name)) if q.speaker_name else None, q.cue) for q in quotes]

    body = " ".join(texts) or (cleaned.title or "")
    return Labeled(
        segmented=page,
        language=detect_language(body),
        program=program,
        year=year,
        year_source=year_source,
        dateline=dateline,
        bylines=credited,
        appearances=cast.appearances,
        quotes=quotes,
    )
