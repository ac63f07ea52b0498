"""The head pass of the clean step: on a page whose head is anchored (the npr.org player's bullet block, a
`Transcript` line, a member station's site block or a copyright line above the first turn), nothing above the
anchor is speech. Finds the title (the standalone line the player repeats, or the first headline line) and
says why every other head line is not segment text: chrome, dates and program lines (noted), teasers.

    read_head(texts) -> Head | None                       (pure; None: the page has no anchored head)
    lines_before_opening(texts) -> int                    (body lines above the show's opening: not speech)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from schemas.removed import RemovedReason as R
from transcripts.rules.chrome import COPYRIGHT, NAME_LINE, furniture_reason
from transcripts.rules.dates import DATE_LINE, DATE_YEAR
from transcripts.rules.head import (
    ARCHIVE_FIELD,
    BANNER_OWNER,
    BANNER_STATION,
    HEAD_CHROME,
    LISTING_START,
    ORIGINALLY_PUBLISHED,
    PHOTO_CHROME,
    PLAYER_BULLET,
    SPEECH_OPENING,
    STATION_BLOCK_END,
    STATION_COPYRIGHT,
    STORY_END,
    TITLE_SEP,
    TITLE_TAIL,
    TRANSCRIPT_ANCHOR,
)
from transcripts.rules.labels import cased_labels, is_marker_line, match_label
from transcripts.rules.programs import HEARD_ON, PROGRAM_RE
from transcripts.rules.speech import SELF_INTRO
from transcripts.rules.words import count_words

HEAD_LINES = 60  # an anchor further down is in the story, not its head
_MIN_TEASER_CHARS = 40


@dataclass(slots=True)
class Head:
    title: str | None
    body_start: int  # the first line below the anchor
    reasons: dict[int, R] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)


def program_line(text: str) -> bool:
    """A line that is only a program's name ("Tell Me More", "Weekend Edition Saturday"), or the banner of a
    station's page for the program ("Weekend Edition Saturday on 90.5 WKAR", "NPR's Weekend Edition Saturday")."""
    if PROGRAM_RE.fullmatch(text.rstrip("!")):
        return True
    owner = BANNER_OWNER.match(text)
    start = owner.end() if owner else 0
    m = PROGRAM_RE.match(text, start)
    if m is None:
        return False
    rest = text[m.end():]
    return BANNER_STATION.match(rest) is not None or (owner is not None and not rest.rstrip("!"))


Notes = tuple[tuple[str, str], ...]


def head_line_reason(text: str) -> tuple[R, Notes] | None:
    """Why a head line is not the title nor speech, with what it tells about the page; None for other lines."""
    program = PROGRAM_RE.match(text)
    dated = DATE_LINE.match(text[program.end():].lstrip(" ,")) if program else None  # "Morning Edition, May 2, 2006"
    if dated and program:
        return R.PAGE_CHROME, (("date", text), ("program", program.group(1)))
    if DATE_LINE.match(text) or ORIGINALLY_PUBLISHED.match(text):
        return R.PAGE_CHROME, (("date", text),)
    field_m = ARCHIVE_FIELD.match(text)
    if field_m:
        name = field_m.group("field")
        note = {"DATE": "date", "PROGRAM": "program"}.get(name)
        return R.PAGE_CHROME, ((note, field_m.group("value")),) if note else ()
    if HEARD_ON.match(text):
        return R.PAGE_CHROME, (("heard_on", text),)
    if program_line(text):
        return R.PAGE_CHROME, (("program", text),)
    if STATION_COPYRIGHT.match(text):
        return R.COPYRIGHT, ()
    reason = furniture_reason(text)
    if reason is not None:
        return reason, ()
    if PLAYER_BULLET.match(text) or HEAD_CHROME.match(text) or PHOTO_CHROME.match(text):
        return R.PAGE_CHROME, ()
    return None


def _anchor(texts: list[str], limit: int) -> int | None:
    """The last anchor line above the first turn, when some line above it is neither chrome nor a date."""
    found = None
    for i in range(min(limit, HEAD_LINES)):
        t = texts[i]
        if PLAYER_BULLET.match(t) or TRANSCRIPT_ANCHOR.match(t):
            found = i
        elif i + 1 == limit < len(texts) and (STATION_COPYRIGHT.match(t) or COPYRIGHT.match(t)):
            found = i  # a copyright line right above the first turn ends the head; further down, a story's tail
    return found


def _player_title(texts: list[str], first: int, end: int) -> str | None:
    """The standalone line the player repeats (or prints right above its bullets) that the first line opens
    with; the longest such line; else the most repeated one."""
    counts = Counter(texts[first + 1:end + 1])
    above_bullet = {texts[i - 1] for i in range(first + 1, end + 1) if PLAYER_BULLET.match(texts[i])}
    lines = [t for t in counts if not PLAYER_BULLET.match(t) and not TRANSCRIPT_ANCHOR.match(t)
             and not HEAD_CHROME.match(t)]
    candidates = [t for t in lines if counts[t] >= 2 or t in above_bullet]
    opening = texts[first]
    prefixes = [t for t in lines if opening.startswith(t) and TITLE_TAIL.match(opening[len(t):])
                and len(opening) > len(t)]
    if prefixes:
        return max(prefixes, key=len)
    return max(candidates, key=lambda t: counts[t], default=None)


def _first_title(texts: list[str], start: int, end: int) -> str | None:
    """The first headline-like line: not chrome, not a date, not a program or section name."""
    for i in range(start, end):
        t = texts[i]
        if head_line_reason(t) is not None or match_label(t) or is_marker_line(t):
            continue
        nxt = texts[i + 1] if i + 1 < end else ""
        if count_words(t) <= 2 and nxt and count_words(nxt) > count_words(t) and not nxt.endswith("."):
            continue  # a section name above the headline ("Environment", "SC News")
        return t if count_words(t) <= 30 else None
    return None


def first_label(texts: list[str]) -> int:
    """The index of the first line that opens with a speaker label, else len(texts): the head is above it."""
    return next((i for i, t in enumerate(texts) if match_label(t) is not None), len(texts))


def read_head(texts: list[str], limit: int | None = None) -> Head | None:
    """`limit`: first_label(texts), when the caller has it."""
    if limit is None:
        limit = first_label(texts)
    end = _anchor(texts, limit)
    start = site_block_end(texts, limit)
    if end is None or end < start:
        return None  # no anchor: the classic header rules read the page (below a station's site block)
    first = next((i for i in range(start, end + 1) if head_line_reason(texts[i]) is None), None)
    if first is None:
        return None  # only chrome above the anchor: the classic header rules read this page
    player = any(PLAYER_BULLET.match(texts[i]) for i in range(start, end + 1))
    title = _player_title(texts, first, end) if player else None
    if title is None:
        listing = max((i for i in range(start, end + 1) if LISTING_START.match(texts[i])), default=start - 1)
        # a listing of several stories: the one holding the anchor starts after the last date line above it
        story = max((i for i in range(listing + 1, end + 1) if DATE_LINE.match(texts[i])), default=listing) \
            if listing >= start else listing
        title = _first_title(texts, story + 1, end + 1) or _first_title(texts, listing + 1, end + 1)
    head = Head(title=title, body_start=end + 1)
    head.notes += _title_notes(title, texts[first] if player else "")
    for i in range(0, end + 1):
        _mark(head, i, texts[i], before_block=i < start)
    _after_anchor(head, texts, texts[first])
    return head


def _title_notes(title: str | None, opening: str) -> list[tuple[str, str]]:
    """A date printed in the title ("Bluff The Listener : October 5, 2024"), and the program the player's first
    line names after the title ("<title> : Code Switch <teaser>")."""
    if not title:
        return []
    out = [("date", title)] if DATE_YEAR.search(title) else []
    sep = TITLE_SEP.match(opening, len(title)) if opening.startswith(title) else None
    program = PROGRAM_RE.match(opening, sep.end()) if sep else None
    if program:
        out.append(("program", program.group(1)))
    return out


def _mark(head: Head, i: int, text: str, before_block: bool) -> None:
    if before_block:
        # the station site's block: slogans, addresses, banners
        head.reasons[i] = furniture_reason(text) or R.PAGE_CHROME
        return
    if text == head.title:
        head.reasons[i] = R.DUPLICATE_TITLE if R.TITLE in head.reasons.values() else R.TITLE
        return
    found = head_line_reason(text)
    if found is not None:
        head.reasons[i] = found[0]
        head.notes += found[1]
        return
    head.reasons[i] = R.TEASER  # a teaser, show notes, a rundown, a caption: above the anchor, never speech


def _after_anchor(head: Head, texts: list[str], opening: str) -> None:
    """Below the anchor and above the first turn: title and teaser repeats, photo chrome, a date line and the
    author's name under it. Stops at a label or at the first line of prose."""
    after_date = False
    for i in range(head.body_start, min(len(texts), head.body_start + 20)):
        t = texts[i]
        if match_label(t) is not None or is_marker_line(t) or SPEECH_OPENING.match(t):
            return
        found = head_line_reason(t)
        if t == head.title:
            head.reasons[i] = R.DUPLICATE_TITLE
        elif len(t) >= _MIN_TEASER_CHARS and t in opening and t != opening:
            head.reasons[i] = R.TEASER  # the teaser printed again
        elif found is not None and all(kind in ("date", "heard_on") for kind, _ in found[1]):
            head.reasons[i] = found[0]
            head.notes += found[1]
            after_date = after_date or bool(found[1])
            continue
        elif after_date and NAME_LINE.match(t):
            head.reasons[i] = R.PAGE_CHROME
            head.notes.append(("byline", t))
        elif count_words(t) > 20:
            return
        after_date = False


def site_block_end(texts: list[str], limit: int) -> int:
    """Lines above a member station's `Available On Air Stations` (slogans, addresses, phone numbers, the
    station's footer) are its site's chrome: the index of the first line below the block, else 0. `limit`:
    first_label(texts), below which nothing is the site's."""
    return next((i + 1 for i in range(min(limit, HEAD_LINES)) if STATION_BLOCK_END.match(texts[i])), 0)


def story_heads(texts: list[str], body_start: int) -> dict[int, R]:
    """On a station's program page, the lines from a story's `Read more` to the next story's transcript anchor
    (section, air time, date, headline, `Originally published on`) are the next story's head, not speech; a
    next story without a transcript is related content to the page's end."""
    out: dict[int, R] = {}
    for i in range(body_start, len(texts)):
        if not STORY_END.match(texts[i]):
            continue
        nxt = next((k for k in range(i + 1, min(len(texts), i + 12)) if TRANSCRIPT_ANCHOR.match(texts[k])
                    or match_label(texts[k]) is not None), None)
        if nxt is not None:
            out.update({k: R.PAGE_CHROME for k in range(i + 1, nxt + (not match_label(texts[nxt])))})
        elif _story_without_transcript(texts, i):
            out.update({k: R.RELATED for k in range(i + 1, len(texts))})
            break
    return out


def _story_without_transcript(texts: list[str], end: int) -> bool:
    """After a story's `Read more`, the page lists a next story (its date line or `Originally published on`
    comes soon) and no label follows anywhere: that story is an article of the listing, not speech."""
    head = texts[end + 1:end + 12]
    return (any(DATE_LINE.match(t) or ORIGINALLY_PUBLISHED.match(t) for t in head)
            and not any(match_label(t) is not None or TRANSCRIPT_ANCHOR.match(t) for t in texts[end + 1:]))


def _opens_show(text: str) -> bool:
    """A station ID with a self-introduction: "This is TALK OF THE NATION. I'm Neal Conan." """
    return SPEECH_OPENING.match(text) is not None and SELF_INTRO.search(text) is not None


def lines_before_opening(texts: list[str]) -> int:
    """How many of the body's first lines, above a transcript's first label, come before the show's opening:
    a teaser, a blurb, an app promo or an interview's introduction, not speech. The opening is a later
    unlabeled paragraph that is a station ID, else the first labeled turn when it is one, or when the page's
    labels are print-interview names in title case (nobody speaks before the first question)."""
    # only the first label matters: the lines below it are labeled once, by the segment step
    first = next((j for j, t in enumerate(texts) if match_label(t) is not None), None)
    cased = first is None
    if first is None:
        labels = cased_labels(texts)
        first = next((j for j, lab in enumerate(labels) if lab), None)
    else:
        labels = [match_label(t) for t in texts[:first + 1]]
    if not first or any(is_marker_line(t) for t in texts[:first]):
        return 0  # no label, nothing above it, or a cold open of soundbites: speech
    label_end = labels[first][1]  # type: ignore[index]
    cut = next((j for j in range(first) if _opens_show(texts[j])), None)
    if cut is None and (cased or _opens_show(texts[first][label_end:].lstrip())):
        cut = first
    return cut or 0
