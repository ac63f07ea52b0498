"""One document as a person reads it: a header (title, program, year), then the turns as
`Speaker (role): text`, with paragraphs, headings, captions and markers, in reading order."""

from __future__ import annotations

import difflib
import json
import textwrap
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

SHOW_FORMATS = ("text", "md", "json")
INDENT = "    "  # continuation lines and later paragraphs of a turn


class UnknownDocument(LookupError):
    """No document with that doc_id in the version read."""


@dataclass(frozen=True)
class Passage:
    seg_idx: int
    kind: str
    text: str
    speaker: str | None = None  # resolved name, for turns
    role: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Transcript:
    doc_id: str
    title: str | None
    program: str | None
    year: int | None
    doc_type: str
    dateline: str | None
    bylines: list[str]
    n_turns: int
    n_words: int
    passages: list[Passage]


_DOCUMENT_SQL = """SELECT doc_id, title, program, year, doc_type, dateline, bylines, n_turns, n_words
FROM documents WHERE doc_id = ?"""
_PASSAGES_SQL = """SELECT s.seg_idx, s.kind, s.text,
       coalesce(a.name, CASE WHEN s.kind = 'turn' THEN coalesce(s.speaker_label, 'Unidentified') END),
       a.role, a.description
FROM segments s LEFT JOIN appearances a ON a.doc_id = s.doc_id AND a.speaker_id = s.speaker_id
WHERE s.doc_id = ? ORDER BY s.seg_idx"""


def load_transcript(con: duckdb.DuckDBPyConnection, doc_id: str) -> Transcript:
    """The document `doc_id` from a reader connection; UnknownDocument (with close doc_ids) if absent."""
    row = con.execute(_DOCUMENT_SQL, [doc_id]).fetchone()
    if row is None:
        raise UnknownDocument(_unknown_message(con, doc_id))
    passages = [Passage(*r) for r in con.execute(_PASSAGES_SQL, [doc_id]).fetchall()]
    doc_id, title, program, year, doc_type, dateline, bylines, n_turns, n_words = row
    return Transcript(doc_id, title, program, year, doc_type, dateline, list(bylines or []), n_turns, n_words,
                      passages)


def _unknown_message(con: duckdb.DuckDBPyConnection, doc_id: str) -> str:
    known = [r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()]
    close = difflib.get_close_matches(doc_id, known, n=3, cutoff=0.5)
    if not close:  # a prefix, such as the number a seed file starts with
        close = [k for k in known if k.startswith(doc_id)][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else f" ({len(known)} documents in this version)"
    return f"no document {doc_id!r}{hint}"


def _header(t: Transcript) -> list[str]:
    facts = [t.program or "program not stated", str(t.year) if t.year else "year not stated", t.doc_type,
             f"{t.n_turns} turns, {t.n_words} words"]
    lines = [t.title or t.doc_id, " · ".join(facts)]
    if t.dateline:
        lines.append(f"Dateline: {t.dateline}")
    if t.bylines:
        lines.append("By " + ", ".join(t.bylines))
    return lines


def _who(p: Passage) -> str:
    return f"{p.speaker} ({p.role})" if p.role else str(p.speaker)


def render_text(t: Transcript, width: int = 80) -> str:
    """Plain text wrapped to `width` columns."""
    width = max(width, 30)
    title, *facts = (textwrap.fill(line, width, subsequent_indent=INDENT) for line in _header(t))
    out = [title, "=" * min(max(map(len, title.splitlines())), width), *facts, ""]
    for p in t.passages:
        paragraphs = [x for x in p.text.split("\n\n") if x.strip()] or [""]
        if p.kind == "turn":
            first = f"{_who(p)}: {paragraphs[0]}"
            out.append(textwrap.fill(first, width, subsequent_indent=INDENT))
            out += [textwrap.fill(x, width, initial_indent=INDENT, subsequent_indent=INDENT) for x in paragraphs[1:]]
        elif p.kind == "heading":
            out += [p.text, "-" * min(len(p.text), width)]
        elif p.kind == "caption":
            out.append(textwrap.fill(f"[Caption] {p.text}", width, subsequent_indent=INDENT))
        elif p.kind == "marker":
            out.append(textwrap.fill(p.text, width))
        else:
            out += [textwrap.fill(x, width) for x in paragraphs]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_markdown(t: Transcript) -> str:
    """Markdown: the title as a heading, speakers in bold, markers in italics."""
    head = _header(t)
    out = [f"# {head[0]}", "", *(f"{line}  " for line in head[1:]), ""]
    for p in t.passages:
        if p.kind == "turn":
            role = f" ({p.role})" if p.role else ""
            out.append(f"**{p.speaker}**{role}: {p.text}")
        elif p.kind == "heading":
            out.append(f"## {p.text}")
        elif p.kind in ("marker", "caption"):
            out.append(f"*{p.text}*")
        else:
            out.append(p.text)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_json(t: Transcript) -> str:
    data: dict[str, Any] = asdict(t)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(t: Transcript, fmt: str, width: int) -> str:
    if fmt == "json":
        return render_json(t)
    if fmt == "md":
        return render_markdown(t)
    return render_text(t, width)
