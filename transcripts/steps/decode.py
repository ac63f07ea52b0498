"""decode: raw bytes -> Source | Reject.

`Source.text` is the file decoded, with encoding damage and line endings repaired and nothing else changed:
every later offset points into it. Raw HTML pages are the one exception: their tags are stripped to plain
text (repair `html`), because the page inside is a real document a robust pipeline should still yield.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from html.parser import HTMLParser
from typing import NamedTuple

import charset_normalizer
import ftfy

from transcripts.model import Reject, Source, doc_id_of

MAX_BYTES = 5_000_000
# A page of text has line breaks; a multi-megabyte line is a flattened dump, not a page (and would make
# every line-based step work on one giant line).
MAX_LINE_CHARS = 200_000
# The repair note for U+FFFD characters the page holds, with their count ("replacement_char:3").
REPLACEMENT_CHAR_REPAIR = "replacement_char"

_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"BM", b"RIFF",
                 b"\x00\x00\x01\x00", b"OggS", b"ID3", b"\x7fELF")
# control bytes that never occur in text (tab, LF, VT, FF, CR and ESC aside)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_CONTROL_CHARS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
_CONTROL_CHARS_RE = re.compile(f"[{_CONTROL_CHARS}]")
_NBSP_CHARS = r"\u00a0\u2007\u202f"
_NBSP_RE = re.compile(f"[{_NBSP_CHARS}]")
# text damaged by decoding UTF-8 as cp1252/latin-1: "â€”", "Ã©", "Â "
_MOJIBAKE_LEAD = "ÂÃâÅÄ"
_MOJIBAKE_HINT = re.compile(f"[{_MOJIBAKE_LEAD}]"
                            r"[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                            r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
# any character the three repairs above act on: one scan of the page, where most pages end (they need none)
_REPAIRABLE_CHARS = f"{_CONTROL_CHARS}{_NBSP_CHARS}{_MOJIBAKE_LEAD}"
_REPAIRABLE = re.compile(f"[{_REPAIRABLE_CHARS}]")


# A lead byte that at most this many characters of a class share is followed up by looking for those characters
# themselves: "Ã" and "â" share their lead byte with "é" and "ñ", which most pages print
_FEW_BY_LEAD = 8


class _ClassTest(NamedTuple):
    """How to tell in C whether a text holds a character of a class of BMP characters (see _may_hold)."""

    others: bytes  # the deletion table for bytes.translate that keeps the class's one-byte characters and the
    # lead bytes of its two-byte ones
    by_lead: dict[int, str]  # a lead byte few characters of the class start: those characters
    wide: tuple[str, ...]  # its characters of three bytes and more (their lead bytes also start most pages' quotes)


def _class_test(cls: str) -> _ClassTest:
    chars = re.findall(f"[{cls}]", "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000))))
    short = [c for c in chars if len(c.encode()) <= 2]
    by_lead: dict[int, str] = {}
    for c in short:
        by_lead[c.encode()[0]] = by_lead.get(c.encode()[0], "") + c
    return _ClassTest(others=bytes(b for b in range(256) if b not in by_lead),
                      by_lead={b: cs for b, cs in by_lead.items() if b >= 0xC0 and len(cs) <= _FEW_BY_LEAD},
                      wide=tuple(c for c in chars if len(c.encode()) > 2))


def _may_hold(text: str, test: _ClassTest, utf8: bytes | None = None) -> bool:
    """False when the text holds no character of the class `test` was made for (_class_test); a regex scan for
    the class costs several times more than encoding and translating the text. `utf8`: the bytes the text was
    decoded from as UTF-8, when nothing but a BOM, NULs and CRs was dropped since (those only make the answer
    True more often: the scan decides), spares encoding it again."""
    raw = text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
    for lead in set(raw.translate(None, test.others)):
        chars = test.by_lead.get(lead)
        if chars is None or any(c in text for c in chars):
            return True
    return any(c in text for c in test.wide)


_REPAIRABLE_TEST = _class_test(_REPAIRABLE_CHARS)
_NBSP_TEST = _class_test(_NBSP_CHARS)
_CONTROL_TEST = _class_test(_CONTROL_CHARS)


def _has_mojibake_hint(text: str) -> bool:
    """_MOJIBAKE_HINT.search(text) is not None, tried only where a lead character stands."""
    for lead in _MOJIBAKE_LEAD:
        i = text.find(lead)
        while i >= 0:
            if _MOJIBAKE_HINT.match(text, i):
                return True
            i = text.find(lead, i + 1)
    return False


_HTML_HINT = re.compile(rb"^\s*(?:<!doctype html|<html\b|<head\b|<body\b)", re.IGNORECASE)
_BLANK_RUN = re.compile(r"\n{3,}")
_WESTERN = {"cp1252", "windows-1252", "latin_1", "iso8859_1", "iso-8859-1", "iso8859_15", "ascii", "utf_8"}


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: NULs on the odd (LE) or even (BE) bytes of ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _is_binary(data: bytes) -> bool:
    if data.startswith(_BINARY_MAGIC):
        return True
    sample = data[:65536]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # one pass, not one per control byte
    return controls > 0.05 * len(sample)


_BLOCK_TAGS = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "header", "footer",
                         "nav", "main", "article", "section", "aside", "figure", "figcaption", "blockquote", "tr",
                         "table", "title"))
_SKIP_TAGS = frozenset(("script", "style", "head", "noscript", "template", "svg"))


class _HtmlText(HTMLParser):
    """Tags to plain text: block elements end lines, paragraphs end with a blank line, scripts vanish."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag in _BLOCK_TAGS:
            self.out.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_to_text(markup: str) -> str:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.out)  # the parser decodes character references itself (convert_charrefs)
    lines = [ln.strip() for ln in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip() + "\n"


def _utf8_head(text: str, n: int) -> bytes:
    """The first n bytes of the text in UTF-8, without encoding the whole page."""
    head = text[:n].encode("utf-8", "ignore")
    return head[:n] if len(head) >= n or len(text) <= n else text.encode("utf-8", "ignore")[:n]


def _decode_bytes(data: bytes, repairs: list[str], utf16: str | None) -> tuple[str, str] | None:
    """(text, encoding) or None when no encoding fits; `utf16`: what _looks_utf16 reads in the bytes."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            repairs.append("bom")
            try:
                return data[len(bom):].decode(enc), enc
            except UnicodeDecodeError:
                return data[len(bom):].decode(enc, errors="replace"), enc
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    guess = best.encoding if best is not None else None
    # English news pages that are not UTF-8 are nearly always cp1252/latin-1; trust the detector only when it
    # agrees, or when cp1252 cannot decode the bytes at all.
    candidates = [e for e in (guess if guess in _WESTERN else None, "cp1252", guess, "latin-1") if e]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def decode_page(data: bytes, source_path: str, *, max_bytes: int = MAX_BYTES) -> Source | Reject:
    doc_id = doc_id_of(source_path)
    sha = hashlib.sha256(data).hexdigest()

    def reject(reason: str, detail: str) -> Reject:
        return Reject(source_path=source_path, doc_id=doc_id, reason=reason, detail=detail, source_sha256=sha,
                      source_bytes=len(data))

    if len(data) > max_bytes:
        return reject("too_large", f"{len(data)} bytes > {max_bytes}")
    if not data or data.isspace():  # (no stripped copy of the page: the test stops at its first other byte)
        return reject("empty", "no bytes" if not data else "only whitespace")
    repairs: list[str] = []
    bom16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    looks16 = None if bom16 else _looks_utf16(data)
    utf16 = bom16 or looks16 is not None
    if not utf16 and b"\x00" in data:
        # NULs sprinkled into an otherwise 8-bit text file: drop them before judging the rest
        data_clean = data.replace(b"\x00", b"")
        repairs.append("nul_bytes")
    else:
        data_clean = data
    if not utf16 and _is_binary(data_clean):
        return reject("binary", "mostly non-text bytes")
    # (NULs dropped: they were too few for UTF-16 in the bytes, and none are left)
    decoded = _decode_bytes(data_clean, repairs, looks16)
    if decoded is None:
        return reject("undecodable", "no encoding decodes the bytes")
    text, encoding = decoded
    if "\ufeff" in text[:1]:
        text = text[1:]
        if "bom" not in repairs:
            repairs.append("bom")
    if "\x00" in text:
        text = text.replace("\x00", "")
        repairs.append("nul_bytes")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        repairs.append("crlf")
    utf8 = data_clean if encoding == "utf-8" else None
    repairable = _may_hold(text, _REPAIRABLE_TEST, utf8) and _REPAIRABLE.search(text) is not None
    if repairable and _has_mojibake_hint(text):
        fixed = ftfy.fix_encoding(text)
        if fixed != text:
            text = fixed
            repairs.append("mojibake")
    if _HTML_HINT.match(_utf8_head(text, 512)):
        text = html_to_text(text)
        repairs.append("html")
        repairable = True  # a character reference may stand for any character
    if repairable and _may_hold(text, _NBSP_TEST) and _NBSP_RE.search(text):
        text = _NBSP_RE.sub(" ", text)
        repairs.append("nbsp")
    if repairable and _may_hold(text, _CONTROL_TEST) and _CONTROL_CHARS_RE.search(text):
        text = _CONTROL_CHARS_RE.sub("", text)
        repairs.append("control_chars")
    if not text or text.isspace():
        return reject("empty", "only whitespace after decoding")
    if "\ufffd" in text:
        # a character lost before the page reached us: kept as printed (no guess rewrites a word), and counted
        repairs.append(f"{REPLACEMENT_CHAR_REPAIR}:{text.count(chr(0xFFFD))}")
    longest = 0
    if len(text) > MAX_LINE_CHARS:  # only a long text can hold a too-long line
        longest = max(len(line) for line in text.split("\n"))
    if longest > MAX_LINE_CHARS:
        return reject("too_large", f"a line of {longest} characters: not a page of text")
    return Source(doc_id=doc_id, source_path=source_path, sha256=sha, n_bytes=len(data), text=text,
                  encoding=encoding, repairs=repairs)
