"""clean: Source -> Cleaned.

Works line by line over `source.text`: every non-blank line is either kept (a `Line`, possibly with in-line
repairs) or removed with a reason (a `Removed` stretch). Page furniture is recognised by what it is (player
chrome, notices, copyright, end markers, bios, photo credits), never by position alone, so the rules hold for
pages the seeds do not show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transcripts.model import Cleaned, Line, Removed, Source
from transcripts.rules.text import PageWords, apply_splits, english_words, find_glued, is_marker_line, match_label

# ------------------------------------------------------------------------------------------- patterns

_CHROME_PHRASES = [
    "play live radio", "next up:", "next up", "available on air stations", "news and music discovery",
    "loading...", "loading", "download", "transcript", "text size", "embed", "hide caption", "toggle caption",
    "enlarge this image", "listen live", "live radio", "donate", "sign in", "npr shop", "skip to main content",
    "toggle more options", "about npr", "terms of use", "privacy policy", "privacy", "keep reading", "share",
    "facebook", "twitter", "flipboard", "email", "print", "menu", "search", "close", "npr", "all streams",
    "listen", "playlist", "open menu", "close menu", "stream", "on air now",
]
_CHROME_ALT = "|".join(re.escape(p) for p in sorted(_CHROME_PHRASES, key=len, reverse=True))
# a line made only of chrome phrases ("NPR Play Live Radio Next Up: Available On Air Stations" from a nav bar)
_CHROME_LINE = re.compile(rf"(?:{_CHROME_ALT})(?:[\s|·•,/]+(?:{_CHROME_ALT}))*[\s|·•,/.]*", re.IGNORECASE)
_CHROME_REGEXES = re.compile(
    r"""^(?:
        \d{1,2}:\d{2}(?::\d{2})?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)*        # 0:00 0:00
      | listen\s*[·•|-]\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[·•|]\s*\S.*)?  # Listen · 7:57
      | <\s*/?\s*(?:iframe|embed|audio|video|script|div|span|a)\b.*      # an embedded player's markup
      | (?:image|photo|illustration)\s+credit.*
    )$""",
    re.IGNORECASE | re.VERBOSE)
# A member station's name alone on its line: "WBUR", "KQED", "WAMU 88.5", "KUOW-FM", "WNYC Public Radio"
_STATION_NAME = re.compile(r"^[KW][A-Z]{2,3}(?:-(?:FM|AM|TV))?(?: (?:\d{2,3}\.\d|FM|AM|News|Radio|Public Radio"
                           r"|Public Media|Public Broadcasting))*$")
_EMBED_SRC = re.compile(r"\bsrc=[\"']https?://\S*(?:player|embed)", re.IGNORECASE)
_SPONSOR = re.compile(r"^(?:sponsor message|become an npr sponsor|support comes from\b.*|npr thanks our sponsors"
                      r"|sponsored by\b.{0,80})$", re.IGNORECASE)
_RELATED = re.compile(r"^(?:related stories|more stories from npr|related|more from npr|you may also like"
                      r"|more stories|related story|read more|see also|related topics|popular on npr\.org"
                      r"|npr editors'? picks)\s*:?$", re.IGNORECASE)
_COOKIE = re.compile(r"\bcookies?\b.*\b(?:accept|consent|privacy|we use|this (?:site|website) uses|browsing|"
                     r"preferences|settings)\b|\b(?:accept|reject|manage)\s+(?:all\s+)?cookies\b", re.IGNORECASE)
_COOKIE_BUTTON = re.compile(r"^(?:accept(?: all)?(?: cookies)?|reject(?: all)?(?: cookies)?|(?:manage|customi[sz]e) "
                            r"(?:preferences|cookies|settings|choices)|cookie (?:settings|preferences|policy)"
                            r"|(?:ok, )?got it|i agree|agree and (?:close|continue))[.!]?$", re.IGNORECASE)
_NOTICE = re.compile(r"\b(?:transmitter|translators?|reduced power|off the air|outage|signal is|streaming is "
                     r"unaffected|technical difficulties|fiber cut|tower|back on the air|we are experiencing)\b",
                     re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s*\d{4})", re.IGNORECASE)
_END_MARKER = re.compile(r"\s*(?P<m>Transcript provided by NPR,? Copyright NPR\.?)\s*$", re.IGNORECASE)
_DISCLAIMER = re.compile(r"^NPR transcripts are created on a rush deadline|rush deadline by an? (?:NPR )?"
                         r"contractor|authoritative record of NPR.s programming is the audio record"
                         r"|^THIS IS A RUSH TRANSCRIPT|MAY NOT BE IN ITS FINAL FORM", re.IGNORECASE)
_HEARD_ON = re.compile(r"^Heard on [A-Z][\w&'’.]*(?: (?:[A-Z&][\w&'’.]*|of|the|and|to|on|at|in|for|with)){0,8}$")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "March 3, 2011", "Updated May 5, 2020 at 9:00 AM ET", "Aired March 3, 2011 - 10:00 ET" (CNN), "Sunday, May 5, 2019"
_DATE_LINE = re.compile(rf"^(?:(?:Updated|Published|Posted|Aired|Broadcast|Air [Dd]ate):?\s+)?"
                        rf"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?{_MONTH}\s+\d{{1,2}},\s+\d{{4}}"
                        r"(?:\s*(?:at\s+|-\s*|,\s*)?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,3})?)?"
                        r"(?:\s*[·|]\s*.{0,40})?$")
_BYLINE_LINE = re.compile(r"^By\s+[A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){0,3}"
                          r"(?:\s*(?:,|and|&)\s*[A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){0,3})*$")
_NAME = r"[A-ZÀ-ÖØ-ÞĀ-Ž?][\w'’.\-]+(?: (?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.\-]+|de|la|del|van|von|der|da|di|St\.)){1,4}"
_NAME_LINE = re.compile(rf"^{_NAME}$")
_BIO = re.compile(rf"^(?P<name>{_NAME}) (?:is|was|has been|covers|reports)\b(?P<rest>.*)$")
_BIO_WORDS = re.compile(r"\b(?:NPR|host|correspondent|reporter|critic|editor|producer|journalist|contributor|"
                        r"anchor|writer|podcast|Fresh Air|Desk|member station|bureau)\b")
_AGENCY = re.compile(r"/|\b(?:AP|AFP|Getty|Reuters|Images|Photo|Pool|NPR|Bloomberg|EPA|Shutterstock|Courtesy)\b")
_WORD = re.compile(r"\w+")


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _is_chrome(line: str) -> bool:
    if len(line) <= 160 and _CHROME_LINE.fullmatch(line):
        return True
    if "src=" in line and _EMBED_SRC.search(line):
        return True
    return _CHROME_REGEXES.match(line) is not None


def _general_reason(line: str) -> str | None:
    """Furniture that is recognisable wherever it stands on the page."""
    short = len(line) <= 160
    if short:
        if _SPONSOR.match(line):
            return "sponsor"
        if _RELATED.match(line):
            return "related"
    if _is_chrome(line):
        return "page_chrome"
    # cheap substring tests first: most lines are prose and match none of these
    if "ookie" in line and len(line) < 1200 and _COOKIE.search(line):
        return "cookie_banner"
    if ("deadline" in line or "uthoritative record" in line or "TRANSCRIPT" in line.upper()) \
            and _DISCLAIMER.search(line):
        return "disclaimer"
    if _COPYRIGHT.match(line):
        return "copyright"
    if "ranscript provided" in line and _END_MARKER.match(line):
        return "end_marker"
    return None


def _bio_name(line: str) -> str | None:
    m = _BIO.match(line)
    if m and _BIO_WORDS.search(m.group("rest")) and _words(line) <= 120:
        return m.group("name")
    return None


def _is_credit(line: str) -> bool:
    """A photographer or agency line: short, no sentence punctuation, no label."""
    return (_words(line) <= 12 and line[-1] not in ".?!:;\"”" and match_label(line) is None
            and not is_marker_line(line))


# ------------------------------------------------------------------------------------------- the step


@dataclass(slots=True)
class _Ln:
    start: int
    end: int
    text: str
    blank_before: int
    reason: str | None = None
    cut: int | None = None  # where a glued end marker starts (the line is kept up to here)


def _lines(text: str) -> list[_Ln]:
    out: list[_Ln] = []
    blanks = 0
    pos = 0
    for raw in text.split("\n"):
        core = raw.strip()
        if core:
            a = pos + len(raw) - len(raw.lstrip())
            out.append(_Ln(a, a + len(core), core, blanks))
            blanks = 0
        else:
            blanks += 1
        pos += len(raw) + 1
    return out


def _title_like(line: str) -> bool:
    return (len(line) <= 300 and match_label(line) is None and not is_marker_line(line)
            and _words(line) >= 1 and not _BIO.match(line))


def clean_page(source: Source) -> Cleaned:
    text = source.text
    lines = _lines(text)
    notes: dict[str, list[str]] = {}

    def note(kind: str, value: str) -> None:
        notes.setdefault(kind, []).append(value)

    n = len(lines)
    # 1. the header: player chrome, cookie banners and station notices above the title
    i = 0
    while i < n:
        ln = lines[i]
        reason = _general_reason(ln.text)
        if reason is None and (_NOTICE.search(ln.text) and _words(ln.text) >= 6):
            reason = "station_notice"
        if reason is None and _COOKIE_BUTTON.match(ln.text):
            reason = "cookie_banner"  # the consent banner's buttons, above the title
        if reason is None and len(ln.text) <= 40 and _STATION_NAME.match(ln.text):
            reason = "page_chrome"  # the station's masthead; in the body "WOW" is a word
        if reason is None and _DATE_LINE.match(ln.text):
            note("date", ln.text)  # a date above the title is the page's date, not its title
            reason = "page_chrome"
        if reason is None:
            break
        ln.reason = reason
        i += 1
    # 2. the title, then the lines that describe the page rather than tell the story
    title: str | None = None
    if i < n and _title_like(lines[i].text) and (i > 0 or lines[i].text[-1:] not in ".?!\"”"
                                                  or _words(lines[i].text) <= 25):
        title = lines[i].text
        lines[i].reason = "title"
        i += 1
        while i < n:
            ln = lines[i]
            if _HEARD_ON.match(ln.text):
                note("heard_on", ln.text)
            elif _DATE_LINE.match(ln.text):
                note("date", ln.text)
            elif _BYLINE_LINE.match(ln.text) and _words(ln.text) <= 12:
                note("byline", ln.text)
            elif _NAME_LINE.match(ln.text) and any(
                    o.text.startswith(ln.text + " ") and _bio_name(o.text) for o in lines[i + 1:]):
                note("byline", ln.text)  # the author's name under the title, as the bio at the bottom confirms
            elif _general_reason(ln.text) is None:
                break
            ln.reason = _general_reason(ln.text) or "page_chrome"
            i += 1
    body_start = i
    # 3. furniture anywhere in the body; a repeated title; glued end markers
    folded_title = title.casefold() if title else None
    for ln in lines[body_start:]:
        reason = _general_reason(ln.text)
        if reason is None and folded_title is not None and ln.text.casefold() == folded_title:
            reason = "duplicate_title"
        if reason is None:
            m = _END_MARKER.search(ln.text) if "ranscript provided" in ln.text else None
            if m and m.start() > 0:
                ln.cut = ln.start + m.start("m")
        ln.reason = reason
    # 4. the tail, read backwards: bios (with their name header lines), related lists, copyright
    j = n - 1
    last_related = max((k for k in range(body_start, n) if lines[k].reason == "related"), default=None)
    if last_related is not None:
        after = lines[last_related + 1:]
        if after and all(ln.reason is not None or (_words(ln.text) <= 25 and match_label(ln.text) is None
                                                   and _bio_name(ln.text) is None) or _bio_name(ln.text)
                         for ln in after):
            for ln in after:
                if ln.reason is None and _bio_name(ln.text) is None:
                    ln.reason = "related"
    while j >= body_start:
        ln = lines[j]
        if ln.reason is not None and ln.reason != "duplicate_title":
            j -= 1
            continue
        if ln.cut is not None:
            break
        if _bio_name(ln.text):
            ln.reason = "bio"
            j -= 1
            continue
        nxt = next((lines[k] for k in range(j + 1, n) if lines[k].reason == "bio"), None)
        if _NAME_LINE.match(ln.text) and nxt is not None and nxt.text.startswith(ln.text + " "):
            ln.reason = "bio"
            j -= 1
            continue
        break
    captions: set[str] = set()
    # 5. photo captions: "caption / photographer / credit / caption" blocks, and "hide caption" variants
    k = body_start
    while k < n:
        e = k + 1
        while e < n and lines[e].blank_before == 0:
            e += 1
        block = [ln for ln in lines[k:e] if ln.reason is None or ln.reason == "page_chrome"]
        while block and block[0].reason == "page_chrome":  # "Enlarge this image" above the caption
            block.pop(0)
        if len(block) >= 2 and block[0].reason is None:
            cap = block[0]
            rest = block[1:]
            credits = [ln for ln in rest if ln.reason is None and ln.text != cap.text and _is_credit(ln.text)]
            ok = (cap.text[-1:] in ".\"”'’)" and _words(cap.text) >= 4 and credits
                  and all(ln.reason == "page_chrome" or ln.text == cap.text or ln in credits for ln in rest)
                  and (len(block) >= 3 or any(_AGENCY.search(c.text) for c in credits)))
            if ok:
                captions.add(cap.text)
                for ln in rest:
                    if ln.reason is not None:
                        continue
                    if ln.text == cap.text:
                        ln.reason = "duplicate_caption"
                    else:
                        ln.reason = "photo_credit"
                        note("photo_credit", ln.text)
        k = e
    # 6. a caption printed twice across blocks, a body printed twice
    if captions:
        seen: set[str] = set()
        for ln in lines:
            if ln.reason is None and ln.text in captions:
                if ln.text in seen:
                    ln.reason = "duplicate_caption"
                seen.add(ln.text)
    kept = [ln for ln in lines if ln.reason is None]
    duplicated_body = False
    m_kept = len(kept)
    if m_kept >= 2:
        first = kept[0].text
        for h in range(1, m_kept // 2 + 1):
            if kept[h].text != first or m_kept - h != h:
                continue
            if all(kept[x].text == kept[h + x].text for x in range(h)):
                for ln in kept[h:]:
                    ln.reason = "duplicate_body"
                duplicated_body = True
                break
    # 7. notes for the label step, removals, kept lines with in-line repairs
    lexicon = english_words()
    kept_text = "\n".join(ln.text for ln in lines if ln.reason is None)
    splits = find_glued(kept_text, PageWords(text), lexicon)
    removed: list[Removed] = []
    kept_lines: list[Line] = []
    repairs: list[str] = []
    for ln in lines:
        if ln.reason is not None:
            removed.append(Removed(ln.start, ln.end, ln.reason))
            if ln.reason in ("copyright", "end_marker"):
                note("copyright", ln.text)
            elif ln.reason == "bio" and _bio_name(ln.text):
                note("bio", ln.text)
            elif ln.reason == "disclaimer":
                note("disclaimer", ln.text)
            continue
        end, body = ln.end, ln.text
        if ln.cut is not None:
            marker = text[ln.cut:ln.end]
            removed.append(Removed(ln.cut, ln.end, "end_marker"))
            note("copyright", marker)
            end = ln.cut
            while end > ln.start and text[end - 1].isspace():
                end -= 1
            body = text[ln.start:end]
        fixed, notes_here = apply_splits(body, splits)
        if notes_here and (lab := match_label(body)) is not None:
            # a speaker label is printed as is: repair only the speech after it
            speech, notes_here = apply_splits(body[lab[1]:], splits)
            fixed = body[:lab[1]] + speech
        repairs.extend(notes_here)
        kept_lines.append(Line(ln.start, end, fixed, ln.blank_before))
    removed.sort(key=lambda r: r.char_start)
    return Cleaned(source=source, title=title, lines=kept_lines, removed=removed, notes=notes, repairs=repairs,
                   duplicated_body=duplicated_body)
