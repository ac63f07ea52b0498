"""Ranked full-text search (BM25, DuckDB's `fts` extension) over the turns and paragraphs of a version.

The index is derived data, kept apart from the published tables: one DuckDB file per version under
`<lake>/search/v<N>.duckdb`, built on the first search of that version (a version never changes, so neither
does its index) and removed by `gc` with its version (`remove_stale_indexes`). A build writes a temporary
file and renames it into place, so concurrent searches see a whole index or none.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from schemas.appearances import ROLES
from transcripts.store.extensions import connect

INDEX_FOLDER = "search"
SEARCHED_KINDS = ("turn", "paragraph")
SNIPPET_CONTEXT = 70  # characters of context on each side of the first hit
HIT_COLUMNS = ["score", "doc_id", "seg_idx", "speaker", "role", "year", "program", "snippet"]
_STALE_TMP_SECONDS = 3600  # a build's temporary file older than this was left by a killed process

# One row per searchable passage: the text with who said it and where it comes from.
_PASSAGES_SQL = f"""
SELECT CAST(row_number() OVER (ORDER BY s.doc_id, s.seg_idx) AS INTEGER) AS id,
       s.doc_id, s.seg_idx, s.kind, s.speaker_id, a.name AS speaker, a.role,
       d.year, d.program, d.title, s.text
FROM segments s JOIN documents d USING (doc_id)
LEFT JOIN appearances a ON a.doc_id = s.doc_id AND a.speaker_id = s.speaker_id
WHERE s.kind IN ({", ".join(f"'{k}'" for k in SEARCHED_KINDS)})
"""

_SEARCH_SQL = """
SELECT score, doc_id, seg_idx, speaker, role, year, program, text FROM (
    SELECT *, fts_main_passages.match_bm25(id, $words) AS score FROM passages
    WHERE ($role IS NULL OR role = $role)
      AND ($year IS NULL OR year = $year)
      AND ($program IS NULL OR program ILIKE '%' || $program || '%')
      AND ($speaker IS NULL OR speaker ILIKE '%' || $speaker || '%' OR speaker_id = $speaker)
) WHERE score IS NOT NULL ORDER BY score DESC, doc_id, seg_idx LIMIT $limit
"""


class SearchError(ValueError):
    """Bad search arguments (empty query, unknown role)."""


@dataclass(frozen=True)
class Filters:
    speaker: str | None = None
    role: str | None = None
    program: str | None = None
    year: int | None = None


def index_path(lake_root: Path, version: int) -> Path:
    return Path(lake_root) / INDEX_FOLDER / f"v{int(version)}.duckdb"


def build_index(reader: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Write the index of the version `reader` reads to `path` (atomically); return `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        con = connect(str(tmp), extensions=("fts",))
        try:
            passages = reader.execute(_PASSAGES_SQL).fetch_record_batch()  # streamed, not held whole
            con.register("_passages", passages)
            con.execute("CREATE TABLE passages AS SELECT * FROM _passages")
            con.unregister("_passages")
            con.execute("PRAGMA create_fts_index('passages', 'id', 'text', stemmer = 'porter', "
                        "stopwords = 'english', overwrite = 1)")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return path


def search(path: Path, words: str, filters: Filters = Filters(), limit: int = 20) -> list[tuple[Any, ...]]:
    """Hits for `words` in the index at `path`, best first: rows of HIT_COLUMNS."""
    if not words.strip():
        raise SearchError("give some words to search for")
    if filters.role is not None and filters.role not in ROLES:
        raise SearchError(f"--role must be one of {', '.join(ROLES)}, not {filters.role!r}")
    con = connect(str(path), read_only=True, extensions=("fts",))
    try:
        rows = con.execute(_SEARCH_SQL, {"words": words, "limit": limit, "role": filters.role,
                                         "year": filters.year, "program": filters.program,
                                         "speaker": filters.speaker}).fetchall()
        stems = _stems(con, words)
    finally:
        con.close()
    return [(round(float(score), 3), *rest, snippet(text, stems)) for score, *rest, text in rows]


def _stems(con: duckdb.DuckDBPyConnection, words: str) -> list[str]:
    """The query's words as the index stems them (so 'economies' finds 'economy' in a snippet)."""
    tokens = sorted(set(re.findall(r"[a-z0-9]+", words.lower())))
    if not tokens:
        return []
    rows = con.execute("SELECT DISTINCT stem(t, 'porter') FROM unnest(?::VARCHAR[]) AS u(t)", [tokens]).fetchall()
    # Porter turns a final y into i ('economy' -> 'economi'): match the word's prefix before it.
    prefixes = {r[0][:-1] if r[0].endswith("i") and len(r[0]) > 3 else r[0] for r in rows if r[0]}
    return sorted(prefixes, key=len, reverse=True)


def snippet(text: str, stems: Iterable[str], context: int = SNIPPET_CONTEXT) -> str:
    """Keyword in context: the text around the first word that starts with one of `stems`, the hits
    marked «like this», cut at word boundaries with … where the text goes on."""
    flat = " ".join(text.split())
    stems = list(stems)
    word = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE) if stems else None
    first = word.search(flat) if word else None
    centre, hit_end = (first.start(), first.end()) if first else (0, 0)
    start = max(0, centre - context)
    if start > 0:  # begin at a word
        start = flat.find(" ", start, centre) + 1 or start
    end = min(len(flat), hit_end + context)
    if end < len(flat):  # end at a word
        end = cut if (cut := flat.rfind(" ", hit_end, end)) > 0 else end
    piece = flat[start:end]
    if word:
        piece = word.sub(lambda m: f"«{m.group(0)}»", piece)
    return ("…" if start > 0 else "") + piece + ("…" if end < len(flat) else "")


def remove_stale_indexes(lake_root: Path, kept_versions: Iterable[int]) -> list[Path]:
    """Delete the indexes of versions not in `kept_versions` (gc expired them) and temporary files that a
    killed build left; return what was deleted."""
    folder = Path(lake_root) / INDEX_FOLDER
    if not folder.is_dir():
        return []
    keep = {index_path(lake_root, v).name for v in kept_versions}
    deleted = []
    for path in folder.iterdir():
        stale_tmp = path.name.startswith(".") and time.time() - path.stat().st_mtime > _STALE_TMP_SECONDS
        if (path.suffix == ".duckdb" and path.name not in keep) or stale_tmp:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                deleted.append(path)
    return deleted
