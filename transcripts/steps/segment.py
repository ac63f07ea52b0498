"""segment: Cleaned -> Segmented.

Cuts the kept lines into segments in reading order (speech turns, paragraphs, headings, captions, markers)
and every segment into sentences, all with offsets into `source.text`.

Turn conventions (shared/golden/README.md): unlabeled paragraphs before the first label are one turn (the
host's intro, speaker_label None); an unlabeled paragraph after a turn continues it; a label alone on its line
owns the paragraphs after it; a standalone marker line ends a turn.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right

from schemas.documents import DocType
from schemas.segments import SegmentKind as K
from transcripts.model import Cleaned, Line, Removed, Segment, Segmented, Sentence, fast_constructor
from transcripts.rules.dates import find_dateline
from transcripts.rules.head import SPEECH_OPENING
from transcripts.rules.labels import (
    CLIP_END,
    TIME_CODE_LABEL,
    cased_labels,
    is_marker_line,
    label_is_strong,
    match_label,
)
from transcripts.rules.sentences import split_sentences
from transcripts.rules.speech import (
    SELF_INTRO,
    SELF_INTRO_IN,
    SELF_INTRO_IN_MAX_WORDS,
    SELF_INTRO_LINE,
    SELF_INTRO_LINE_MAX_WORDS,
)
from transcripts.rules.words import count_words

# A page without turns whose prose is shorter than this is a teaser of an audio-only story, not an article.
MIN_ARTICLE_WORDS = 50
_CAPTION_FOLLOWERS = {"photo_credit", "duplicate_caption"}
# The kinds, looked up once: reading an enum member off its class costs a metaclass call, per line and segment.
_TURN, _PARAGRAPH, _HEADING, _CAPTION, _MARKER = K.TURN, K.PARAGRAPH, K.HEADING, K.CAPTION, K.MARKER
_HEADING_END = tuple(".?!:;,\"”'’)…-—")


# Sentence and Segment built by setting their slots (model.fast_constructor): a page's ~130 sentences and ~50
# segments took a quarter of this step through the frozen dataclasses' __init__.
_new_sentence = fast_constructor(Sentence)
_new_segment = fast_constructor(Segment)


# A paragraph: (start, end) in source.text of its text, and the cleaned text (may differ from the source slice
# by repairs). A plain tuple: a page builds ~50, and a dataclass's __init__ cost fifteen times a tuple's.
_Para = tuple[int, int, str]


@dataclasses.dataclass(slots=True)
class _Seg:
    kind: str
    start: int
    paras: list[_Para]
    label: str | None = None
    label_end: int = 0


def _is_heading(text: str) -> bool:
    """Short, title-like line without final punctuation: a section heading of a web story."""
    return (count_words(text) <= 20 and not text.endswith(_HEADING_END) and text[:1].isupper()
            and not text.startswith(("\"", "“", "'", "‘")))


def _caption_lines(cleaned: Cleaned) -> set[int]:
    """Kept lines directly followed by a photo credit or a second copy of themselves: photo captions."""
    removed = cleaned.removed
    out: set[int] = set()
    if _CAPTION_FOLLOWERS.isdisjoint([r.reason for r in removed]):  # most pages: no credit, no second copy
        return out
    text = cleaned.source.text
    starts = [r.char_start for r in removed]
    for idx, line in enumerate(cleaned.lines):
        k = bisect_right(starts, line.char_end - 1)
        if k < len(starts) and removed[k].reason in _CAPTION_FOLLOWERS:
            gap = text[line.char_end:starts[k]]
            if not gap.strip() and gap.count("\n") <= 1:
                out.add(idx)
    return out


def _para_of(line: Line, skip: int) -> _Para | None:
    """The paragraph of a line past its first `skip` characters (the label), whitespace trimmed."""
    body = line.text[skip:] if skip else line.text
    stripped = body.strip()
    if not stripped:
        return None
    lead = 0 if len(stripped) == len(body) else len(body) - len(body.lstrip())  # most lines are trimmed already
    return line.char_start + skip + lead, line.char_end, stripped


def _offset_map(clean: str, src: str) -> list[int] | None:
    """Position in src of each character of clean, when clean is src with spaces inserted and line breaks
    turned into spaces; else None."""
    out: list[int] = []
    j = 0
    for ch in clean:
        if j < len(src) and src[j] == ch:
            out.append(j)
            j += 1
        elif ch == " " and j < len(src) and src[j].isspace():
            out.append(j)  # a line break of a hard-wrapped paragraph, joined with a space
            while j < len(src) and src[j].isspace():
                j += 1
        elif ch == " ":
            out.append(j)  # an inserted space maps to where it was inserted
        else:
            return None
    return out if j == len(src) else None


def _sentences(seg_idx: int, paras: list[_Para], text: str, out: list[Sentence]) -> None:
    """The sentences of a segment's paragraphs, appended to `out`."""
    n = 0  # sentences of the segment so far
    for start, end, ptext in paras:
        if end - start == len(ptext) and text.startswith(ptext, start):
            # the paragraph as printed (nearly all): offsets shift by its start
            spans = split_sentences(ptext)
            out.extend([_new_sentence(seg_idx, k, start + a, start + b, ptext[a:b])
                        for k, (a, b) in enumerate(spans, n)])
            n += len(spans)
            continue
        src = text[start:end]
        mapping = _offset_map(ptext, src)
        if mapping is None:
            # unexpected difference: fall back to the source text itself so offsets stay exact
            spans = split_sentences(src)
            out += [Sentence(seg_idx, k, start + a, start + b, src[a:b]) for k, (a, b) in enumerate(spans, n)]
        else:
            spans = split_sentences(ptext)
            out += [Sentence(seg_idx, k, start + mapping[a], start + mapping[b - 1] + 1, ptext[a:b])
                    for k, (a, b) in enumerate(spans, n)]
        n += len(spans)


def _self_intro(para: _Para) -> str | None:
    """The name of a paragraph that is only a short self-introduction ("And I'm B.A. Parker.")."""
    m = SELF_INTRO_LINE.match(para[2])
    return m.group("name") if m and count_words(para[2]) <= SELF_INTRO_LINE_MAX_WORDS else None


def _new_voice(turn: _Seg, para: _Para, text: str) -> bool:
    """Whether an unlabeled paragraph after a blank line shows a speaker other than the open turn's: it is a
    self-introduction and the turn is itself one (co-hosts introducing themselves) or is labeled with another
    name. A plain paragraph continues the turn (the convention): only positive evidence splits."""
    name = _self_intro(para)
    if name is None or not turn.paras or "\n\n" not in text[turn.paras[-1][1]:para[0]]:
        return False
    if turn.label is None:
        last = turn.paras[-1][2]
        said = SELF_INTRO_IN.search(last) if count_words(last) <= SELF_INTRO_IN_MAX_WORDS else None
        return said is not None and said.group("name") != name
    surname = name.split()[-1].casefold()
    return surname not in turn.label.casefold()


def _is_transcript(lines: list[Line], labels: list[tuple[str, int] | None]) -> bool:
    """One bare capitalised word before a colon could be a stray heading; a second label, a role or honorific,
    or a production marker makes the page a transcript."""
    n_labels = sum(1 for lab in labels if lab is not None)
    return (n_labels >= 2 or any(lab is not None and label_is_strong(lab[0]) for lab in labels)
            or (n_labels == 1 and any(is_marker_line(ln.text) for ln in lines)))


def _host_opening(cleaned: Cleaned) -> bool:
    """Below a transcript anchor (the player's `• Transcript`), a first paragraph that is a station ID with a
    self-introduction ("This is TALK OF THE NATION. I'm Neal Conan.") opens a transcript, labels or not."""
    first = cleaned.lines[0].text if cleaned.lines else ""
    return "transcript_anchor" in cleaned.notes and bool(SPEECH_OPENING.match(first) and SELF_INTRO.search(first))


def _cut(cleaned: Cleaned) -> list[_Seg]:
    """The kept lines cut into segments: markers, turns, captions, headings and paragraphs, in reading order."""
    text, lines = cleaned.source.text, cleaned.lines
    labels = [match_label(ln.text) for ln in lines]
    if not any(labels):
        removed = (cleaned.title or "", *cleaned.notes.get("teaser", ()))  # the interview's introduction
        labels = cased_labels([ln.text for ln in lines], removed)
    transcript = _is_transcript(lines, labels) or _host_opening(cleaned)
    if not transcript:
        labels = [None] * len(lines)
    captions = _caption_lines(cleaned)
    segs: list[_Seg] = []
    current: _Seg | None = None  # the open turn, if any
    for idx, (line, lab) in enumerate(zip(lines, labels, strict=True)):
        if is_marker_line(line.text):
            current = None
            segs.append(_Seg(_MARKER, line.char_start, [(line.char_start, line.char_end, line.text.strip())]))
            continue
        if lab is not None:
            label, label_end = lab
            para = _para_of(line, label_end)
            current = _Seg(_TURN, line.char_start, [] if para is None else [para], label,
                           line.char_start + label_end)
            segs.append(current)
            if para is not None and TIME_CODE_LABEL.match(label) and CLIP_END.search(para[2]):
                current = None  # "[00:33] (Daniel) ... [00:44]": a timed clip, closed by its end time
            continue
        para = _para_of(line, 0)
        if para is None:
            continue
        if idx in captions:
            current = None  # a caption ends the turn it interrupts: segments never overlap
            segs.append(_Seg(_CAPTION, line.char_start, [para]))
        elif transcript:
            if current is not None and _new_voice(current, para, text):
                current = None  # a self-introduction after a blank line: a lost label, a new speaker
            if current is None:
                # the unlabeled intro before the first label, or speech after a marker: an unlabeled turn
                current = _Seg(_TURN, line.char_start, [para])
                segs.append(current)
            else:
                current.paras.append(para)
        else:
            segs.append(_Seg(_HEADING if _is_heading(para[2]) else _PARAGRAPH, line.char_start, [para]))
    if not transcript:
        # a heading needs prose after it; a lone short line at the end is a paragraph
        last_prose = max((k for k, seg in enumerate(segs) if seg.kind == _PARAGRAPH), default=-1)
        for seg in segs[last_prose + 1:]:
            if seg.kind == _HEADING:
                seg.kind = _PARAGRAPH
    return segs


def _doc_type(segments: list[Segment]) -> DocType:
    if any(s.kind == _TURN for s in segments):
        return DocType.TRANSCRIPT
    prose = sum(s.n_words for s in segments if s.kind == _PARAGRAPH)
    story_marks = any(s.kind in (_HEADING, _CAPTION)
                      or (s.kind == _PARAGRAPH and find_dateline(s.text) is not None) for s in segments)
    is_article = prose >= MIN_ARTICLE_WORDS or (story_marks and prose >= 20)
    return DocType.ARTICLE if is_article else DocType.NO_CONTENT


def _in_segments(removed: list[Removed], segments: list[Segment]) -> list[Removed]:
    """Removals that fall inside a segment's stretch (chrome between two paragraphs of a turn) name it; the
    list itself when none changes."""
    seg_starts = [s.char_start for s in segments]
    out: list[Removed] = []
    changed = False
    for r in removed:
        k = bisect_right(seg_starts, r.char_start) - 1
        inside = k >= 0 and segments[k].char_start <= r.char_start and r.char_end <= segments[k].char_end
        seg_idx = k if inside else None
        # most removals lie outside every segment and keep their seg_idx None: no copy to make
        if r.seg_idx != seg_idx:
            r = dataclasses.replace(r, seg_idx=seg_idx)
            changed = True
        out.append(r)
    return out if changed else removed


def segment_page(cleaned: Cleaned) -> Segmented:
    text = cleaned.source.text
    segments: list[Segment] = []
    sentences: list[Sentence] = []
    for seg_idx, s in enumerate(_cut(cleaned)):
        paras = s.paras
        _sentences(seg_idx, paras, text, sentences)
        if len(paras) == 1:  # most segments: one paragraph, its text as it is
            start, end, seg_text = paras[0]
            spans = [(start, end)]
        else:
            end = paras[-1][1] if paras else s.label_end
            seg_text = "\n\n".join([p[2] for p in paras])
            spans = [(a, b) for a, b, _ in paras]
        segments.append(_new_segment(s.kind, s.start, max(end, s.start + 1), seg_text, s.label, spans, None,
                                     count_words(seg_text)))
    removed = _in_segments(cleaned.removed, segments)
    # most pages have no removal inside a segment: the cleaned page goes on as it is (dataclasses.replace of it
    # cost as much as building ten sentences)
    out_cleaned = cleaned if removed is cleaned.removed else dataclasses.replace(cleaned, removed=removed)
    return Segmented(cleaned=out_cleaned, doc_type=_doc_type(segments), segments=segments, sentences=sentences)


def invariant_violations(segmented: Segmented) -> list[str]:
    """What is wrong with a segmentation, as messages (empty when it is sound). The properties every page must
    have: offsets in bounds, segments in order without overlap, removals without overlap, every non-blank
    character in exactly one segment or removal, sentences inside their segment, word counts of their texts."""
    text = segmented.source.text
    n = len(text)
    errors: list[str] = []
    segs = segmented.segments
    removed = segmented.cleaned.removed
    for k, s in enumerate(segs):
        if not 0 <= s.char_start < s.char_end <= n:
            errors.append(f"segment {k} out of bounds: {s.char_start}..{s.char_end}")
        if k and segs[k - 1].char_end > s.char_start:
            errors.append(f"segment {k} overlaps segment {k - 1}")
        for a, b in s.paragraphs:
            if not s.char_start <= a < b <= s.char_end:
                errors.append(f"segment {k}: paragraph {a}..{b} outside its stretch")
        if s.speaker_label and not text.startswith(s.speaker_label, s.char_start):
            errors.append(f"segment {k}: stretch does not open with its label")
        if s.paragraphs and s.text and text[s.paragraphs[0][0]] != s.text[0]:
            errors.append(f"segment {k}: text does not start where its first paragraph does")
        if s.n_words != count_words(s.text):
            errors.append(f"segment {k}: n_words {s.n_words} is not its text's {count_words(s.text)}")
    last_end = -1
    for r in sorted(removed, key=lambda r: r.char_start):
        if not 0 <= r.char_start < r.char_end <= n:
            errors.append(f"removed {r.char_start}..{r.char_end} out of bounds")
        if r.char_start < last_end:
            errors.append(f"removed {r.char_start}..{r.char_end} overlaps the previous removal")
        last_end = max(last_end, r.char_end)
        if r.seg_idx is not None:
            if not 0 <= r.seg_idx < len(segs):
                errors.append(f"removed {r.char_start}..{r.char_end}: no segment {r.seg_idx}")
            elif not segs[r.seg_idx].char_start <= r.char_start < r.char_end <= segs[r.seg_idx].char_end:
                errors.append(f"removed {r.char_start}..{r.char_end} is not inside segment {r.seg_idx}")
    # coverage: segments and the removals outside segments, each non-blank character exactly once
    depth = [0] * (n + 1)
    for a, b in [(s.char_start, s.char_end) for s in segs] + [
            (r.char_start, r.char_end) for r in removed if r.seg_idx is None]:
        if 0 <= a < b <= n:
            depth[a] += 1
            depth[b] -= 1
    level = 0
    for i in range(n):
        level += depth[i]
        if level != 1 and not text[i].isspace():
            errors.append(f"character {i} ({text[i]!r}) covered {level} times")
            break
    per_seg: dict[int, int] = {}
    for st in segmented.sentences:
        if not 0 <= st.seg_idx < len(segs):
            errors.append(f"sentence of missing segment {st.seg_idx}")
            continue
        seg = segs[st.seg_idx]
        if not seg.char_start <= st.char_start < st.char_end <= seg.char_end:
            errors.append(f"sentence {st.seg_idx}/{st.sent_idx} outside its segment")
        if st.sent_idx != per_seg.get(st.seg_idx, 0):
            errors.append(f"sentence numbering of segment {st.seg_idx} has a gap")
        per_seg[st.seg_idx] = st.sent_idx + 1
    return errors
