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
ROW_GROUP_SIZE = 2048  # rows per row group of the index (DuckDB's default, 122,880, made every fetch slow)
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

# The query's terms as the index knows them: tokenized and stemmed like the indexed text (stop words and
# words never indexed are simply absent from the dictionary).
_TERMS_SQL = """
SELECT list(termid), list(df), list(term) FROM fts_main_passages.dict
WHERE term IN (SELECT DISTINCT stem(unnest(fts_main_passages.tokenize($words)), 'porter'))
"""

# BM25 exactly as the extension's match_bm25 scores it (k1 = 1.2, b = 0.75, log10 idf), over `postings`
# (term frequency per term and passage, sorted by term) rather than over every token of `terms`: only the
# postings of the query's terms are read, and only the passages that have one are scored.
_SEARCH_SQL = """
WITH q AS (SELECT unnest($termids) AS termid, unnest($dfs) AS df),
scored AS (
    SELECT p.docid, sum(log((st.num_docs - q.df + 0.5) / (q.df + 0.5) + 1)
                        * p.tf * (1.2 + 1) / (p.tf + 1.2 * (1 - 0.75 + 0.75 * d.len / st.avgdl))) AS score
    FROM postings p JOIN q USING (termid) JOIN fts_main_passages.docs d USING (docid),
         fts_main_passages.stats st
    WHERE p.termid IN (SELECT termid FROM q)
    GROUP BY p.docid
)
SELECT s.score, x.id
FROM scored s JOIN fts_main_passages.docs d USING (docid) JOIN passages x ON x.id = d.name
WHERE ($role IS NULL OR x.role = $role)
  AND ($year IS NULL OR x.year = $year)
  AND ($program IS NULL OR x.program ILIKE '%' || $program || '%')
  AND ($speaker IS NULL OR x.speaker ILIKE '%' || $speaker || '%' OR x.speaker_id = $speaker)
ORDER BY s.score DESC, x.doc_id, x.seg_idx LIMIT $limit
"""
# The hits' rows, fetched apart: ranking reads only the small columns, and a literal list of ids lets DuckDB
# skip the row groups of `passages` (sorted by id) that hold none of them, text included.
_HITS_SQL = "SELECT id, doc_id, seg_idx, speaker, role, year, program, text FROM passages WHERE id IN ({ids})"


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
        con = connect(extensions=("fts",))
        try:
            # Small row groups: fetching a hit's text then reads a few kilobytes, not the whole column.
            con.execute(f"ATTACH '{tmp}' AS search_index (ROW_GROUP_SIZE {ROW_GROUP_SIZE}); USE search_index")
            passages = reader.execute(_PASSAGES_SQL).fetch_record_batch()  # streamed, not held whole
            con.register("_passages", passages)
            con.execute("CREATE TABLE passages AS SELECT * FROM _passages")
            con.unregister("_passages")
            con.execute("PRAGMA create_fts_index('passages', 'id', 'text', stemmer = 'porter', "
                        "stopwords = 'english', overwrite = 1)")
            con.execute("CREATE TABLE postings AS SELECT termid, docid, CAST(count(*) AS INTEGER) AS tf "
                        "FROM fts_main_passages.terms GROUP BY ALL ORDER BY termid, docid")
            con.execute("USE memory; DETACH search_index")
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
        row = con.execute(_TERMS_SQL, {"words": words}).fetchone()
        termids, dfs, terms = row if row and row[0] else ([], [], [])
        ranked = con.execute(_SEARCH_SQL, {"termids": termids, "dfs": dfs, "limit": limit, "role": filters.role,
                                           "year": filters.year, "program": filters.program,
                                           "speaker": filters.speaker}).fetchall() if termids else []
        ids = ", ".join(str(int(passage_id)) for _, passage_id in ranked)
        rows = {r[0]: r[1:] for r in con.execute(_HITS_SQL.format(ids=ids)).fetchall()} if ranked else {}
    finally:
        con.close()
    stems = snippet_prefixes(terms)
    return [(round(float(score), 3), *rows[passage_id][:-1], snippet(rows[passage_id][-1], stems))
            for score, passage_id in ranked]


def snippet_prefixes(stems: Iterable[str]) -> list[str]:
    """Word beginnings to mark in a snippet for the index's stems: Porter turns a final y into i
    ('economy' -> 'economi'), so the prefix stops before it. Longest first, so the regex prefers them."""
    prefixes = {stem[:-1] if stem.endswith("i") and len(stem) > 3 else stem for stem in stems if stem}
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
