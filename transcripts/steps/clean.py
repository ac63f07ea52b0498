"""clean: Source -> Cleaned.

Works line by line over `source.text`: every non-blank line is either kept (a `Line`, possibly with in-line
repairs) or removed with a reason (a `Removed` stretch). Page furniture is recognised by what it is (player
chrome, notices, copyright, end markers, bios, photo credits), never by position alone, so the rules hold for
pages the seeds do not show. The page is read in small passes, in order: header, title block, body furniture,
tail, photo captions, duplicates, then the kept lines are assembled with their in-line repairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from schemas.removed import RemovedReason as R
from transcripts.model import Cleaned, Line, Removed, Source, new_line, new_removed
from transcripts.rules.chrome import (
    BYLINE_LINE,
    COOKIE_BUTTON,
    END_MARKER,
    GLUED_TAIL_NOTICE,
    NAME_LINE,
    PHOTO_AGENCY,
    STATION_NAME,
    STATION_NOTICE,
    bio_name,
    first_of,
    furniture_reason,
    headline_like,
    is_credit,
)
from transcripts.rules.dates import DATE_LINE
from transcripts.rules.head import HEAD_CHROME, ORIGINALLY_PUBLISHED, SPEECH_OPENING, title_like
from transcripts.rules.labels import is_marker_line, match_label
from transcripts.rules.language import detect_language
from transcripts.rules.programs import HEARD_ON
from transcripts.rules.words import PageWords, apply_splits, count_words, english_words, page_splits, unknown_tokens
from transcripts.rules.wrapping import join_wrapped
from transcripts.steps.head import (
    first_label,
    head_line_reason,
    lines_before_opening,
    program_line,
    read_head,
    site_block_end,
    story_heads,
)

# ------------------------------------------------------------------------------------------- the step


@dataclass(slots=True)
class _Ln:
    start: int
    end: int
    text: str
    blank_before: int
    reason: R | None = None
    cut: int | None = None  # where a glued end marker or notice starts (the line is kept up to here)
    cut_reason: R = R.END_MARKER


def _lines(text: str) -> list[_Ln]:
    out: list[_Ln] = []
    blanks = 0
    pos = 0
    for raw in text.split("\n"):
        core = raw.strip()
        if core:
            # a line that starts with its first character has no indent to measure
            a = pos if raw[0] == core[0] else pos + len(raw) - len(raw.lstrip())
            out.append(_Ln(a, a + len(core), core, blanks))
            blanks = 0
        else:
            blanks += 1
        pos += len(raw) + 1
    return out


@dataclass(slots=True)
class _Notes:
    """Side material for the label step, by kind (see Cleaned.notes)."""

    by_kind: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, value: str) -> None:
        self.by_kind.setdefault(kind, []).append(value)


def _header(lines: list[_Ln], notes: _Notes, label_at: int) -> int:
    """Player chrome, cookie banners and station notices above the title; the index of the first other line
    (`label_at`: the first labeled line's, head.first_label)."""
    i = site_block_end([ln.text for ln in lines], label_at)
    for ln in lines[:i]:
        ln.reason = furniture_reason(ln.text) or R.PAGE_CHROME
    while i < len(lines):
        ln = lines[i]
        reason = furniture_reason(ln.text)
        if reason is None and (STATION_NOTICE.search(ln.text) and count_words(ln.text) >= 6):
            reason = R.STATION_NOTICE
        if reason is None and COOKIE_BUTTON.match(ln.text):
            reason = R.COOKIE_BANNER  # the consent banner's buttons, above the title
        if reason is None and len(ln.text) <= 40 and STATION_NAME.match(ln.text):
            reason = R.PAGE_CHROME  # the station's masthead; in the body "WOW" is a word
        if reason is None and (DATE_LINE.match(ln.text) or ORIGINALLY_PUBLISHED.match(ln.text)):
            notes.add("date", ln.text)  # a date above the title is the page's date, not its title
            reason = R.PAGE_CHROME
        if reason is None and (program_line(ln.text) or HEAD_CHROME.match(ln.text)):
            if program_line(ln.text):
                notes.add("program", ln.text)  # the program's name above the title ("Tell Me More")
            reason = R.PAGE_CHROME
        if reason is None:
            break
        ln.reason = reason
        i += 1
    return i


def _title_block(lines: list[_Ln], i: int, notes: _Notes) -> tuple[str | None, int]:
    """The title, then the lines that describe the page rather than tell the story; (title, body start)."""
    n = len(lines)
    if not (i < n and title_like(lines[i].text) and (i > 0 or lines[i].text[-1:] not in ".?!\"”"
                                                      or count_words(lines[i].text) <= 25)):
        return None, i
    if _section_name(lines, i):
        lines[i].reason = R.PAGE_CHROME  # "SC News" above "TRANSCRIPT: SC Public Radio's Interview with ..."
        i += 1
    title, title_at = lines[i].text, i
    lines[i].reason = R.TITLE
    i += 1
    while i < n:
        ln = lines[i]
        if HEARD_ON.match(ln.text):
            notes.add("heard_on", ln.text)
        elif DATE_LINE.match(ln.text):
            notes.add("date", ln.text)
        elif (found := head_line_reason(ln.text)) is not None:
            for kind, value in found[1]:
                notes.add(kind, value)  # "Originally published on ...", "DATE ...", "PROGRAM Fresh Air"
        elif BYLINE_LINE.match(ln.text) and count_words(ln.text) <= 12:
            notes.add("byline", ln.text)
        elif NAME_LINE.match(ln.text) and any(
                o.text.startswith(ln.text + " ") and bio_name(o.text) for o in lines[i + 1:]):
            notes.add("byline", ln.text)  # the author's name under the title, as the bio at the bottom confirms
        elif furniture_reason(ln.text) is None:
            break
        ln.reason = furniture_reason(ln.text) or R.PAGE_CHROME
        i += 1
    first_turn = next((k for k in range(i, min(n, i + 5)) if match_label(lines[k].text)), None)
    # furniture under the title (a date, "Download Audio") or a photo credit marks a web story's head
    furnished = i > title_at + 1 or (first_turn is not None and any(
        is_credit(ln.text) and PHOTO_AGENCY.search(ln.text) for ln in lines[i:first_turn]))
    if furnished and first_turn is not None and not any(
            SPEECH_OPENING.match(ln.text) or is_marker_line(ln.text) for ln in lines[i:first_turn]):
        for ln in lines[i:first_turn]:
            ln.reason = R.TEASER  # the web teaser (and its photo) between the head's furniture and the first turn
        i = first_turn
    return title, i


MAX_SECTION_WORDS = 3


def _section_name(lines: list[_Ln], i: int) -> bool:
    """A site's section name printed above the headline: a few words, then a longer headline-like line."""
    if count_words(lines[i].text) > MAX_SECTION_WORDS or i + 1 >= len(lines):
        return False
    nxt = lines[i + 1].text
    return (count_words(nxt) > MAX_SECTION_WORDS and title_like(nxt) and headline_like(nxt.replace(":", " "))
            and head_line_reason(nxt) is None and not BYLINE_LINE.match(nxt)
            and not NAME_LINE.match(nxt))


def _body_furniture(lines: list[_Ln], body_start: int, title: str | None) -> None:
    """Furniture anywhere in the body, a repeated title, and where a glued end marker starts."""
    folded_title = title.casefold() if title else None
    for ln in lines[body_start:]:
        reason = furniture_reason(ln.text)
        # (casefolding never shortens a text: a longer line is no copy of the title)
        if reason is None and folded_title is not None and len(ln.text) <= len(folded_title) \
                and ln.text.casefold() == folded_title:
            reason = R.DUPLICATE_TITLE
        if reason is None and ("ranscript provided" in ln.text or "noncommercial" in ln.text):
            _find_cut(ln)  # (most lines hold neither)
        if reason is not None:
            ln.reason = reason  # a line the head pass removed keeps its reason


def _author_line(lines: list[_Ln], i: int) -> bool:
    """A name alone on its line that a bio further down opens with, not the bio's own header: the author."""
    if NAME_LINE.match(lines[i].text) is None or i + 1 >= len(lines):
        return False
    name = lines[i].text + " "
    return not lines[i + 1].text.startswith(name) and any(o.text.startswith(name) and bio_name(o.text)
                                                          for o in lines[i + 2:])


# one match per body line where most match neither
_DATE_OR_NAME = first_of(date=DATE_LINE, name=NAME_LINE)


def _story_furniture(lines: list[_Ln], body_start: int, notes: _Notes) -> None:
    """A story's date line and author line where the page prints them below a photo rather than under the
    title: never story text."""
    for i in range(body_start, len(lines)):
        ln = lines[i]
        if ln.reason is not None or (m := _DATE_OR_NAME.match(ln.text)) is None:
            continue
        if m.lastgroup == "date":
            notes.add("date", ln.text)
            ln.reason = R.PAGE_CHROME
        elif _author_line(lines, i):
            notes.add("byline", ln.text)
            ln.reason = R.PAGE_CHROME


def _find_cut(ln: _Ln) -> None:
    """Where an end marker or usage notice run onto the end of a line of speech starts."""
    m = END_MARKER.search(ln.text) if "ranscript provided" in ln.text else None
    reason = R.END_MARKER
    if m is None and "noncommercial" in ln.text:
        m, reason = GLUED_TAIL_NOTICE.search(ln.text), R.COPYRIGHT
    if m and m.start() > 0:
        ln.cut, ln.cut_reason = ln.start + m.start("m"), reason


def _related_lists(lines: list[_Ln]) -> None:
    """The headlines listed right under a "Related stories" heading, wherever it stands (in the title block
    too)."""
    for k in range(len(lines)):
        if lines[k].reason != R.RELATED:
            continue
        for ln in lines[k + 1:]:
            # the head pass calls everything above the anchor a teaser; a listed headline is more precisely related
            if ln.reason not in (None, R.TEASER) or not headline_like(ln.text):
                break
            ln.reason = R.RELATED


def _related_tail(lines: list[_Ln], body_start: int) -> None:
    """After the last "Related stories" heading, short lines that are no speech and no bio are its list."""
    last_related = max((k for k in range(body_start, len(lines)) if lines[k].reason == R.RELATED), default=None)
    if last_related is None:
        return
    after = lines[last_related + 1:]
    if after and all(ln.reason is not None or (count_words(ln.text) <= 25 and match_label(ln.text) is None
                                               and bio_name(ln.text) is None) or bio_name(ln.text)
                     for ln in after):
        for ln in after:
            if ln.reason is None and bio_name(ln.text) is None:
                ln.reason = R.RELATED


def _bio_tail(lines: list[_Ln], body_start: int) -> None:
    """The tail read backwards: bios, with the name lines that head them."""
    n = len(lines)
    j = n - 1
    while j >= body_start:
        ln = lines[j]
        if ln.reason is not None and ln.reason != R.DUPLICATE_TITLE:
            j -= 1
            continue
        if ln.cut is not None:
            break
        if bio_name(ln.text):
            ln.reason = R.BIO
            j -= 1
            continue
        nxt = next((lines[k] for k in range(j + 1, n) if lines[k].reason == R.BIO), None)
        if NAME_LINE.match(ln.text) and nxt is not None and nxt.text.startswith(ln.text + " "):
            ln.reason = R.BIO
            j -= 1
            continue
        break


def _caption_block(block: list[_Ln], notes: _Notes) -> str | None:
    """A "caption / photographer / credit / caption" block: marks its credits and copies, returns the caption."""
    while block and block[0].reason == R.PAGE_CHROME:  # "Enlarge this image" above the caption
        block.pop(0)
    if len(block) < 2 or block[0].reason is not None:
        return None
    cap, rest = block[0], block[1:]
    credits = [ln for ln in rest if ln.reason is None and ln.text != cap.text and is_credit(ln.text)]
    ok = (cap.text[-1:] in ".\"”'’)" and count_words(cap.text) >= 4 and credits
          and all(ln.reason == R.PAGE_CHROME or ln.text == cap.text or ln in credits for ln in rest)
          and (len(block) >= 3 or any(PHOTO_AGENCY.search(c.text) for c in credits)))
    if not ok:
        return None
    for ln in rest:
        if ln.reason is not None:
            continue
        if ln.text == cap.text:
            ln.reason = R.DUPLICATE_CAPTION
        else:
            ln.reason = R.PHOTO_CREDIT
            notes.add("photo_credit", ln.text)
    return cap.text


def _captions(lines: list[_Ln], body_start: int, notes: _Notes) -> None:
    """Photo captions block by block (blocks are runs of lines without a blank line), then a caption printed
    twice across blocks."""
    captions: set[str] = set()
    k, n = body_start, len(lines)
    while k < n:
        e = k + 1
        while e < n and lines[e].blank_before == 0:
            e += 1
        if e - k >= 2:  # a caption block holds the caption and its credit
            cap = _caption_block([ln for ln in lines[k:e] if ln.reason is None or ln.reason == R.PAGE_CHROME], notes)
            if cap is not None:
                captions.add(cap)
        k = e
    seen: set[str] = set()
    for ln in lines:
        if captions and ln.reason is None and ln.text in captions:
            if ln.text in seen:
                ln.reason = R.DUPLICATE_CAPTION
            seen.add(ln.text)


def _before_opening(lines: list[_Ln], body_start: int, notes: _Notes) -> None:
    """Above a transcript's first label, what comes before the show's opening is a teaser (steps/head.py)."""
    kept = [k for k in range(body_start, len(lines)) if lines[k].reason is None]
    texts = [lines[k].text for k in kept]
    for j in range(lines_before_opening(texts)):
        lines[kept[j]].reason = R.TEASER
        notes.add("teaser", texts[j])


def _listed_headline(lines: list[_Ln]) -> str | None:
    """On a program's listing, the headline of the story that holds the transcript: the last headline among the
    lines above its opening (removed as teaser) that a date line follows, as a story's head prints it."""
    heads = [ln for ln, nxt in pairwise(lines) if ln.reason == R.TEASER and count_words(ln.text) > MAX_SECTION_WORDS
             and headline_like(ln.text.replace(":", " "))
             and (DATE_LINE.match(nxt.text) or ORIGINALLY_PUBLISHED.match(nxt.text))]
    if not heads:
        return None
    heads[-1].reason = R.TITLE
    return heads[-1].text


def _duplicated_body(lines: list[_Ln]) -> bool:
    """A body printed twice in a row: the second copy is removed."""
    kept = [ln for ln in lines if ln.reason is None]
    m_kept = len(kept)
    if m_kept < 2:
        return False
    first = kept[0].text
    for h in range(1, m_kept // 2 + 1):
        if kept[h].text != first or m_kept - h != h:
            continue
        if all(kept[x].text == kept[h + x].text for x in range(h)):
            for ln in kept[h:]:
                ln.reason = R.DUPLICATE_BODY
            return True
    return False


FEW_UNKNOWN_WORDS = 10  # English pages lack fewer words than this (names, typos); pages in other languages more
_NOTED_REMOVALS = {R.COPYRIGHT: "copyright", R.END_MARKER: "copyright", R.DISCLAIMER: "disclaimer"}


def _assemble(text: str, lines: list[_Ln], notes: _Notes) -> tuple[list[Removed], list[Line], list[str]]:
    """Removals, kept lines with their in-line repairs (run-together words split), and the repair notes."""
    kept_text = "\n".join(ln.text for ln in lines if ln.reason is None)
    # the lexicon is English: on a page in another language every word looks like two English ones (most pages
    # have no token it lacks, and so nothing to split in any language). The language is read only when it
    # decides: after the splits when the page lacks a few words (most such pages have nothing to split), before
    # them when it lacks many (a page in another language, whose splits would cost most)
    lexicon = english_words()
    unknown = unknown_tokens(kept_text, lexicon)
    splits: dict[str, tuple[str, str]] = {}
    few = len(unknown) <= FEW_UNKNOWN_WORDS
    if unknown and (few or detect_language(kept_text) == "en"):
        splits = page_splits(kept_text, PageWords(text), lexicon, unknown)
        if splits and few and detect_language(kept_text) != "en":
            splits = {}
    removed: list[Removed] = []
    kept_lines: list[Line] = []
    repairs: list[str] = []
    for ln in lines:
        if ln.reason is not None:
            removed.append(new_removed(ln.start, ln.end, ln.reason))
            if ln.reason in _NOTED_REMOVALS:
                notes.add(_NOTED_REMOVALS[ln.reason], ln.text)
            elif ln.reason == R.BIO and bio_name(ln.text):
                notes.add("bio", ln.text)
            continue
        end, body = ln.end, ln.text
        if ln.cut is not None:
            removed.append(new_removed(ln.cut, ln.end, ln.cut_reason))
            notes.add("copyright", text[ln.cut:ln.end])
            end = ln.cut
            while end > ln.start and text[end - 1].isspace():
                end -= 1
            body = text[ln.start:end]
        fixed = body
        if splits:
            fixed, notes_here = apply_splits(body, splits)
            if notes_here and (lab := match_label(body)) is not None:
                # a speaker label is printed as is: repair only the speech after it
                speech, notes_here = apply_splits(body[lab[1]:], splits)
                fixed = body[:lab[1]] + speech
            repairs.extend(notes_here)
        kept_lines.append(new_line(ln.start, end, fixed, ln.blank_before))
    removed.sort(key=lambda r: r.char_start)
    return removed, _join_wrapped(kept_lines, lines), repairs


def _join_wrapped(kept: list[Line], lines: list[_Ln]) -> list[Line]:
    """On a hard-wrapped page, the lines of one paragraph joined into one (see rules/wrapping.py)."""
    # kept lines directly followed by the next kept line: no blank line, no removed line, no cut-off end between
    adjacent = {ln.start for a, ln in pairwise(lines) if a.reason is None and ln.reason is None
                and ln.blank_before == 0 and a.cut is None}
    return join_wrapped(kept, adjacent)


def clean_page(source: Source) -> Cleaned:
    lines = _lines(source.text)
    notes = _Notes()
    texts = [ln.text for ln in lines]
    label_at = first_label(texts)  # read by the head pass and the header alike
    head = read_head(texts, label_at)
    if head is None:
        title, body_start = _title_block(lines, _header(lines, notes, label_at), notes)
    else:
        title, body_start = head.title, head.body_start
        for i, reason in head.reasons.items():
            lines[i].reason = reason
        for kind, value in head.notes:
            notes.add(kind, value)
        notes.add("transcript_anchor", lines[body_start - 1].text)
    for i, reason in story_heads(texts, body_start).items():
        lines[i].reason = reason
    _body_furniture(lines, body_start, title)
    _story_furniture(lines, body_start, notes)
    _related_lists(lines)
    _related_tail(lines, body_start)
    _bio_tail(lines, body_start)
    _captions(lines, body_start, notes)
    _before_opening(lines, body_start, notes)
    if title is None:
        title = _listed_headline(lines)
    duplicated_body = _duplicated_body(lines)
    removed, kept_lines, repairs = _assemble(source.text, lines, notes)
    return Cleaned(source=source, title=title, lines=kept_lines, removed=removed, notes=notes.by_kind,
                   repairs=repairs, duplicated_body=duplicated_body)
