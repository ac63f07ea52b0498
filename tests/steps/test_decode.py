"""decode_page: encodings, repairs and rejects."""

from __future__ import annotations

import hashlib
import random

import pytest

from transcripts.model import Reject, Source
from transcripts.steps.decode import decode_page

PAGE = "Play Live Radio\n\nA Café Reopens — Finally\n\nKIM: It’s open again. Señora Núñez is back.\n"


def ok(data: bytes, path: str = "dir/page.txt") -> Source:
    out = decode_page(data, path)
    assert isinstance(out, Source), out
    return out


def rejected(data: bytes, **kw: int) -> Reject:
    out = decode_page(data, "bad.txt", **kw)
    assert isinstance(out, Reject), out
    return out


def test_decode_utf8_plain() -> None:
    src = ok(PAGE.encode("utf-8"))
    assert src.text == PAGE
    assert src.encoding == "utf-8"
    assert src.repairs == []
    assert src.doc_id == "dir/page"
    assert src.sha256 == hashlib.sha256(PAGE.encode("utf-8")).hexdigest()
    assert src.n_bytes == len(PAGE.encode("utf-8"))


def test_decode_doc_id_is_posix_path_without_extension() -> None:
    assert ok(b"Hello there.", "a\\b\\c.txt").doc_id == "a/b/c"
    assert ok(b"Hello there.", "noext").doc_id == "noext"


def test_decode_utf8_bom() -> None:
    src = ok(b"\xef\xbb\xbf" + PAGE.encode("utf-8"))
    assert src.text == PAGE
    assert "bom" in src.repairs


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec: str) -> None:
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    src = ok(bom + PAGE.encode(codec))
    assert src.text == PAGE
    assert "bom" in src.repairs


def test_decode_utf16_without_bom_by_nul_pattern() -> None:
    src = ok(PAGE.encode("utf-16-le"))
    assert src.text == PAGE
    assert src.encoding == "utf-16-le"


def test_decode_latin1_and_cp1252() -> None:
    text = "A Café Reopens\n\nKIM: Señora Núñez is back \u2013 finally.\n"
    src = ok(text.encode("cp1252"))
    assert src.text == text
    assert src.encoding in ("cp1252", "windows-1252")
    latin = "Björn Müller sagte: «Ja».\n".encode("latin-1")
    assert ok(latin).text == "Björn Müller sagte: «Ja».\n"


def test_decode_line_endings_repaired() -> None:
    src = ok(PAGE.replace("\n", "\r\n").encode("utf-8"))
    assert src.text == PAGE
    assert "crlf" in src.repairs
    assert ok(b"One\rTwo\r").text == "One\nTwo\n"


def test_decode_nbsp_and_control_chars() -> None:
    src = ok("KIM:\u00a0Hello\x07 there.\x0c\n".encode())
    assert src.text == "KIM: Hello there.\n"
    assert {"nbsp", "control_chars"} <= set(src.repairs)


@pytest.mark.parametrize(("data", "repaired"), [
    (b"\xef\xbb\xbfKIM:\xc2\xa0Hello there, it is late.\x07\r\n", True),
    (b"KIM: Hello there, it is late.\r\n\x00", False), (b"KIM: Hello there, it is late.\r\n", False)])
def test_decode_repairs_read_in_the_bytes_alike_after_a_bom_nuls_or_crs(data: bytes, repaired: bool) -> None:
    # the repair pretest reads the page's UTF-8 bytes as they came, before those were dropped
    src = ok(data)
    assert src.text == "KIM: Hello there, it is late.\n"
    assert ("nbsp" in src.repairs, "control_chars" in src.repairs) == (repaired, repaired)


@pytest.mark.parametrize("space", ["\u2007", "\u202f"])
def test_decode_wide_nbsp_among_curly_quotes_repaired(space: str) -> None:
    src = ok(f"KIM: It’s late,{space}she said.\n".encode())
    assert src.text == "KIM: It’s late, she said.\n"
    assert "nbsp" in src.repairs


def test_decode_c1_control_char_removed() -> None:
    src = ok("KIM: Hello\x85 there.\n".encode())
    assert src.text == "KIM: Hello there.\n"
    assert "control_chars" in src.repairs


def test_decode_mojibake_repaired() -> None:
    damaged = PAGE.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    src = ok(damaged)
    assert src.text == PAGE
    assert "mojibake" in src.repairs


def test_decode_repairs_found_among_accented_letters() -> None:
    # "é" and "°" share their first UTF-8 byte with "Ã" and the no-break space: neither hides a repair
    src = ok("JOSÉ: Café at 20°,\u00a0she said.\n".encode())
    assert src.text == "JOSÉ: Café at 20°, she said.\n" and "nbsp" in src.repairs
    damaged = "JOSÉ: It’s late — café.\n".encode().decode("cp1252").encode()
    assert ok(damaged).text == "JOSÉ: It’s late — café.\n"
    assert "nbsp" not in ok("JOSÉ: Café at 20°.\n".encode()).repairs


def test_decode_mojibake_not_invented_for_clean_text() -> None:
    assert "mojibake" not in ok("TAIPEI and MOSCOW — China’s leader.\n".encode()).repairs


def test_decode_nul_bytes_stripped_not_rejected() -> None:
    data = PAGE.encode("utf-8").replace(b"KIM", b"\x00\x00\x00KIM") + b"\x00" * 3000
    src = ok(data)
    assert src.text == PAGE
    assert "nul_bytes" in src.repairs


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "\u00a0 \n\u00a0".encode()])
def test_decode_empty_and_whitespace(data: bytes) -> None:
    assert rejected(data).reason == "empty"


def test_decode_binary() -> None:
    rng = random.Random(1)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(5000)
    assert rejected(png).reason == "binary"
    noise = bytes(rng.randrange(256) for _ in range(4000))
    assert rejected(noise).reason == "binary"


def test_decode_too_large() -> None:
    r = rejected(b"a" * 101, max_bytes=100)
    assert r.reason == "too_large"
    assert r.source_bytes == 101 and r.source_sha256


def test_decode_single_giant_line_rejected() -> None:
    assert rejected(("word " * 60_000).encode()).reason == "too_large"


def test_decode_html_stripped_to_text() -> None:
    html = ("<!DOCTYPE html>\n<html><head><title>T : NPR</title><script>var x = 1;</script></head><body>"
            "<nav><span>Play Live Radio</span></nav><h1>The Title</h1><p>KIM: Hello &amp; welcome.</p>"
            "<p>Second para.</p></body></html>")
    src = ok(html.encode())
    assert "html" in src.repairs
    assert "<" not in src.text and "var x" not in src.text
    assert "The Title\n\nKIM: Hello & welcome.\n\nSecond para." in src.text


def test_decode_html_character_references_are_decoded_once() -> None:
    src = ok(b"<html><body><h1>Title</h1><p>AT&amp;amp;T wrote &amp;lt;b&amp;gt; in a post.</p></body></html>")
    assert "AT&amp;T wrote &lt;b&gt; in a post." in src.text  # what the page shows, escaped once


def test_decode_html_no_break_space_references_are_repaired() -> None:
    """A page of plain ASCII whose markup names no-break spaces: they are repaired like printed ones."""
    src = ok(b"<html><body><p>KIM:&nbsp;Hello&#8239;there.</p></body></html>")
    assert "KIM: Hello there." in src.text
    assert {"html", "nbsp"} <= set(src.repairs)


def test_decode_replacement_chars_are_kept_and_counted() -> None:
    data = "SIMON: It\ufffds a long way to Tipperary \ufffd and back.\nCruz\ufffd\n".encode()
    src = decode_page(data, "p.txt")
    assert isinstance(src, Source)
    assert src.text.count("\ufffd") == 3 and "replacement_char:3" in src.repairs
    clean_src = decode_page(b"SIMON: Fine.\n", "q.txt")
    assert isinstance(clean_src, Source) and not any(r.startswith("replacement_char") for r in clean_src.repairs)
