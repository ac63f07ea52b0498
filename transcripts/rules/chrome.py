"""Page chrome: everything a page prints around its story (player and navigation chrome, station notices,
cookie banners, sponsor and related-story lists, copyright lines and end markers, disclaimers, bylines, bios,
photo credits), as phrase lists and compiled patterns, and the judgments of one line the clean step makes
with them (`furniture_reason`, `bio_name`, `is_credit`, `headline_like`); the reasons it records are
`RemovedReason` (schemas/removed.py).
"""

from __future__ import annotations

import re

from schemas.removed import RemovedReason as R
from transcripts.rules.labels import is_marker_line, match_label
from transcripts.rules.names import PARTICLES
from transcripts.rules.words import APOS_CHARS, count_words, prefix_tree

CHROME_PHRASES = [
    "play live radio", "next up:", "next up", "available on air stations", "news and music discovery",
    "loading...", "loading", "download", "transcript", "text size", "embed", "hide caption", "toggle caption",
    "enlarge this image", "listen live", "live radio", "donate", "sign in", "npr shop", "skip to main content",
    "toggle more options", "about npr", "terms of use", "privacy policy", "privacy", "keep reading", "share",
    "facebook", "twitter", "flipboard", "email", "print", "menu", "search", "close", "npr", "all streams",
    "listen", "playlist", "open menu", "close menu", "stream", "on air now",
]


_CHROME_ALT = prefix_tree(CHROME_PHRASES)
# a line made only of chrome phrases ("NPR Play Live Radio Next Up: Available On Air Stations" from a nav bar)
CHROME_LINE = re.compile(rf"(?:{_CHROME_ALT})(?:[\s|·•,/]+(?:{_CHROME_ALT}))*[\s|·•,/.]*", re.IGNORECASE)
_PLAYER_MARKUP = re.compile(
    r"""^(?:
        \d{1,2}:\d{2}(?::\d{2})?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)*        # 0:00 0:00
      | listen\s*[·•|-]\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[·•|]\s*\S.*)?  # Listen · 7:57
      | <\s*/?\s*(?:iframe|embed|audio|video|script|div|span|a)\b.*      # an embedded player's markup
      | (?:image|photo|illustration)\s+credit.*
      | !\[[^\]]*\]\([^)\s]*\)                                       # a markdown image: ![](https://...)
    )$""",
    re.IGNORECASE | re.VERBOSE)
# an image's file name: up to 7 words, the last ending in .jpg (possessive, then the ending looked back at:
# backtracking through every prose line's first words cost more than all other chrome patterns together)
IMAGE_FILE = re.compile(r"^[^\s/]\S*+(?:\s\S++){0,6}+(?:(?<=\S\.(?:jpg|png|gif))|(?<=\S\.(?:jpeg|webp)))$",
                        re.IGNORECASE)
# what IMAGE_FILE can end with (any other character outside ASCII too: case-blind matching has its surprises);
# a line ending otherwise is not scanned for a file name
_IMAGE_FILE_LAST = frozenset("gGfFpP")
# A member station's name alone on its line: "WBUR", "KQED", "WAMU 88.5", "KUOW-FM", "WNYC Public Radio"
STATION_NAME = re.compile(r"^[KW][A-Z]{2,3}(?:-(?:FM|AM|TV))?(?: (?:\d{2,3}\.\d|FM|AM|News|Radio|Public Radio"
                           r"|Public Media|Public Broadcasting))*$")
EMBED_SRC = re.compile(r"\bsrc=[\"']https?://\S*(?:player|embed)", re.IGNORECASE)
SPONSOR = re.compile(r"^(?:sponsor message|become an npr sponsor|support comes from\b.*|npr thanks our sponsors"
                      r"|sponsored by\b.{0,80})$", re.IGNORECASE)
RELATED = re.compile(r"^(?:related stories|more stories from npr|related|more from npr|you may also like"
                      r"|more stories|related story|read more|see also|related topics|popular on npr\.org"
                      r"|npr editors'? picks)\s*:?$", re.IGNORECASE)
COOKIE = re.compile(r"\bcookies?\b.*\b(?:accept|consent|privacy|we use|this (?:site|website) uses|browsing|"
                     r"preferences|settings)\b|\b(?:accept|reject|manage)\s+(?:all\s+)?cookies\b", re.IGNORECASE)
COOKIE_BUTTON = re.compile(r"^(?:accept(?: all)?(?: cookies)?|reject(?: all)?(?: cookies)?|(?:manage|customi[sz]e) "
                            r"(?:preferences|cookies|settings|choices)|cookie (?:settings|preferences|policy)"
                            r"|(?:ok, )?got it|i agree|agree and (?:close|continue))[.!]?$", re.IGNORECASE)
STATION_NOTICE = re.compile(r"\b(?:transmitter|translators?|reduced power|off the air|outage|signal is|streaming is "
                     r"unaffected|technical difficulties|fiber cut|tower|back on the air|we are experiencing)\b",
                     re.IGNORECASE)
COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s*\d{4})", re.IGNORECASE)
# the characters COPYRIGHT can open on (no other character matches "c" case-blind): other lines skip the regex
_COPYRIGHT_FIRST = frozenset("cC©(")
END_MARKER = re.compile(r"\s*(?P<m>Transcript provided by NPR,? Copyright NPR\.?)\s*$", re.IGNORECASE)
DISCLAIMER = re.compile(r"^NPR transcripts are created on a rush deadline|rush deadline by an? (?:NPR )?"
                         r"contractor|authoritative record of NPR.s programming is the audio record"
                         r"|^THIS IS A RUSH TRANSCRIPT|MAY NOT BE IN ITS FINAL FORM", re.IGNORECASE)
_CAP_WORD = rf"[A-Z][\w{APOS_CHARS}.\-]+"
_CAP_WORDS = rf"{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,3}}"
BYLINE_LINE = re.compile(rf"^By\s+{_CAP_WORDS}(?:\s*(?:,|and|&)\s*{_CAP_WORDS})*$")  # "By Emily Feng and Lucian Kim"
# A person's name on a line of its own (a byline above a story, the header of a bio)
_PARTICLE = "|".join(sorted(PARTICLES, key=len, reverse=True))  # "de la", "van der": one home, names.PARTICLES
_NAME = (rf"[A-ZÀ-ÖØ-ÞĀ-Ž?][\w{APOS_CHARS}.\-]+"
         rf"(?: (?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w{APOS_CHARS}.\-]+|{_PARTICLE}|St\.)){{1,4}}")
NAME_LINE = re.compile(rf"^{_NAME}$")
BIO = re.compile(rf"^(?P<name>{_NAME}) (?:is|was|has been|covers|reports)\b(?P<rest>.*)$")
BIO_WORDS = re.compile(r"\b(?:NPR|host|correspondent|reporter|critic|editor|producer|journalist|contributor|"
                        r"anchor|writer|podcast|Fresh Air|Desk|member station|bureau)\b")
PHOTO_AGENCY = re.compile(r"/|\b(?:AP|AFP|Getty|Reuters|Images|Photo|Pool|NPR|Bloomberg|EPA|Shutterstock|Courtesy)\b")

# ------------------------------------------------------------------------------------------- the page tail
# What a page prints after its story: a bio's "See stories by NAME" link, the usage and production notices
# of archive and station copies (a production notice names its producers in capitals), a station's "This
# segment aired on ..." line, archive navigation, share and audio buttons (in English and Spanish).
SEE_STORIES = re.compile(r"^(?:See|More) (?:all )?stories by\s+\S.{0,80}$", re.IGNORECASE)
TAIL_NOTICE = re.compile(
    r"""^(?:for\ personal,?\ noncommercial\ use\ only\.?
      | all\ rights\ reserved\b.*
      | (?:archive\ )?transcripts?\ (?:are|is)\ provided\ for\ (?:research|personal|educational)\b.*
      | this\ (?:segment|episode|story|interview|program)\ (?:aired|was\ broadcast|originally\ aired)\b.{0,60}
      | (?-i:[A-Z])[\w&'’.!]*+(?:\ [\w&'’.!]++){0,5}\ is\ an?\ (?:production|co-production)\ of
        \ (?-i:[A-Z])[\w&'’.]*+(?:,?\ (?:and\ |&\ )?(?-i:[A-Z])[\w&'’.]*+){0,6}\.?
        # (possessive words: a space always follows, so giving a word's letters back can never help)
    )$""", re.IGNORECASE | re.VERBOSE)
# a usage notice run onto the last line of speech ("... New Hampshire. For personal, noncommercial use only.")
GLUED_TAIL_NOTICE = re.compile(r"\s*(?P<m>For personal,? noncommercial use only\.?)\s*$", re.IGNORECASE)
# navigation of an archive: short items separated by bars ("Browse by date | Browse by guest | Search ...")
NAV_BAR = re.compile(r"^[^|.?!:]{2,40}(?:\s+\|\s+[^|.?!:]{2,40}){2,}$")
BUTTON = re.compile(r"^(?:download audio|resume|pause|play audio|listen now|compartir|escuchar|descargar"
                    r"|share this|share on (?:facebook|twitter|x))$", re.IGNORECASE)
RELATED_MORE = re.compile(r"^(?:related (?:segments|episodes|content|coverage|links)|more from this (?:show|program)"
                          r"|from the archive)\s*:?$", re.IGNORECASE)
# a call sign in a bio ("covers transportation for WBLQ")
STATION_CALL_SIGN = re.compile(r"\b[KW][A-Z]{2,3}\b")


# ------------------------------------------------------------------------------------------- one line


def first_of(**patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern trying the given ones in turn at the same place (each with its own flags); `lastgroup` names
    the one that matched. One call per line instead of one per pattern: most lines are prose matching none."""
    def scoped(p: re.Pattern[str]) -> str:
        assert not p.flags & ~(re.IGNORECASE | re.VERBOSE | re.UNICODE), p.pattern
        flags = "i" * bool(p.flags & re.IGNORECASE) + "x" * bool(p.flags & re.VERBOSE)
        return f"(?{flags}:{p.pattern})" if flags else f"(?:{p.pattern})"
    return re.compile("|".join(f"(?P<{name}>{scoped(p)})" for name, p in patterns.items()))


MAX_SHORT_CHARS = 160  # menus, buttons, headings and notices are short lines; a longer one is read as prose
# The short furniture in the order its reasons win (a line matching two patterns gets the earlier one's reason)
_SHORT_FURNITURE = first_of(
    sponsor=SPONSOR, related=RELATED, related_more=RELATED_MORE, button=BUTTON,
    nav_bar=re.compile(rf"(?=[^|]*+\|){NAV_BAR.pattern}"),  # a line without a bar is no menu: look no further
    see_stories=SEE_STORIES, chrome_line=re.compile(rf"(?:{CHROME_LINE.pattern})\Z", CHROME_LINE.flags),
    chrome_markup=_PLAYER_MARKUP)
_SHORT_REASONS = {"sponsor": R.SPONSOR, "related": R.RELATED, "related_more": R.RELATED, "see_stories": R.BIO}


def furniture_reason(line: str) -> R | None:
    """Why a line is furniture that is recognisable wherever it stands on the page; None for other lines."""
    short = len(line) <= MAX_SHORT_CHARS
    if short:
        m = _SHORT_FURNITURE.match(line)
        if m is not None:
            return _SHORT_REASONS.get(m.lastgroup or "", R.PAGE_CHROME)
    elif _PLAYER_MARKUP.match(line):
        return R.PAGE_CHROME
    if line and (line[-1] in _IMAGE_FILE_LAST or not line[-1].isascii()) and IMAGE_FILE.match(line):
        return R.PAGE_CHROME  # (the last of the short furniture: no other reason comes first)
    # cheap substring tests first: most lines are prose and match none of these
    if "src=" in line and EMBED_SRC.search(line):
        return R.PAGE_CHROME
    if "ookie" in line and len(line) < 1200 and COOKIE.search(line):
        return R.COOKIE_BANNER
    if ("deadline" in line or "uthoritative record" in line or "TRANSCRIPT" in (upper := line.upper())
            or "FINAL FORM" in upper) and DISCLAIMER.search(line):  # every alternative of DISCLAIMER
        return R.DISCLAIMER
    if line[:1] in _COPYRIGHT_FIRST and COPYRIGHT.match(line):
        return R.COPYRIGHT
    if "ranscript provided" in line and END_MARKER.match(line):
        return R.END_MARKER
    if short and TAIL_NOTICE.match(line):
        return R.COPYRIGHT  # a usage or production notice of the page's publisher
    return None


def bio_name(line: str) -> str | None:
    """The name a bio opens with ("Ari Shapiro is NPR's ..."), when the line is one."""
    m = BIO.match(line)
    if m and (BIO_WORDS.search(m.group("rest")) or STATION_CALL_SIGN.search(m.group("rest"))) \
            and count_words(line) <= 120:
        return m.group("name")
    return None


def is_credit(line: str) -> bool:
    """A photographer or agency line: short, no sentence punctuation, no label."""
    return (count_words(line) <= 12 and line[-1] not in ".?!:;\"”" and match_label(line) is None
            and not is_marker_line(line))


def headline_like(line: str) -> bool:
    """A line of a list of story headlines: short, capitalised, no final punctuation, no label."""
    words = line.split()
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return (len(words) <= 20 and not line.endswith(tuple(".?!:;,\"”")) and caps * 2 >= len(words)
            and match_label(line) is None and not is_marker_line(line) and bio_name(line) is None)
