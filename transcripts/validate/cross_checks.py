"""Cross-table SQL checks: over a whole version (`sql_checks`), over what a run's publish changed inside the
publishing transaction (`publish_checks`), or over a run's own frames before anything is published
(`frame_checks`)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas import TABLES
from transcripts.store.publish import PER_DOCUMENT, Written
from transcripts.store.sql import literal, quote
from transcripts.validate.results import SAMPLE_SIZE, CheckResult

# Blank as Python's str.isspace() sees it (RE2's \s alone misses NBSP, U+2028, \x1c-\x1f, \x85, ...).
_BLANK_RE = r"[\s\v\x{85}\x{1c}-\x{1f}\p{Z}]"

_OFFSET_TABLES = ("segments", "sentences", "quotes", "mentions", "removed")
_SPEAKER_TABLES = ("appearances", "segments", "quotes", "mentions")
_CHILD_TABLES = ("sources", "segments", "sentences", "appearances", "quotes", "mentions", "removed")


@dataclass(frozen=True)
class _Check:
    name: str
    description: str
    tables: tuple[str, ...]
    # over {c}.<table>; returns (doc_id, detail): one row per failure, doc_id NULL if unattributable (or the rows
    # its judge reads)
    sql: str
    complete_only: bool = False  # needs the whole dataset (not just the run's documents) to be meaningful
    # Never blocks: a fault the run cannot repair, e.g. duplicate_of naming a page since removed from the input
    # (the duplicate itself is unchanged, so it is not reprocessed): blocking would block every later run.
    warn_only: bool = False
    # The name of a function in _JUDGES that turns the rows of `sql` into the failing (doc_id, detail) rows.
    judge: str | None = None


def _union(tables: Iterable[str], select: str, where: str = "") -> str:
    return "\nUNION ALL\n".join(f"SELECT '{t}' AS tbl, {select} FROM {{c}}.{t} {where}" for t in tables)


_CHECKS: tuple[_Check, ...] = (
    # Contiguous: min 0, max n-1 and n distinct values among the n rows. Rows are first counted per value (k.n),
    # then per group: sum(n) rows, count(idx) distinct values (NULL not counted), a third less CPU than
    # count(DISTINCT) over 130,000 sentences.
    _Check("seg_idx_contiguous", "segments.seg_idx runs 0..n-1 per document", ("segments",), """
        WITH k AS (SELECT doc_id, seg_idx, count(*) AS n FROM {c}.segments GROUP BY doc_id, seg_idx)
        SELECT doc_id, 'n=' || sum(n)::BIGINT || ' min=' || min(seg_idx) || ' max=' || max(seg_idx) AS detail
        FROM k GROUP BY doc_id
        HAVING min(seg_idx) <> 0 OR max(seg_idx) <> sum(n) - 1 OR count(seg_idx) <> sum(n)"""),
    _Check("sent_idx_contiguous", "sentences.sent_idx runs 0..n-1 per segment", ("sentences",), """
        WITH k AS (SELECT doc_id, seg_idx, sent_idx, count(*) AS n FROM {c}.sentences
                   GROUP BY doc_id, seg_idx, sent_idx)
        SELECT doc_id, 'seg ' || seg_idx || ': n=' || sum(n)::BIGINT || ' max=' || max(sent_idx) AS detail
        FROM k GROUP BY doc_id, seg_idx
        HAVING min(sent_idx) <> 0 OR max(sent_idx) <> sum(n) - 1 OR count(sent_idx) <> sum(n)"""),
    _Check("offsets_within_source", "0 <= char_start < char_end <= length(sources.text)",
           ("sources", *_OFFSET_TABLES), """
        WITH o AS (""" + _union(_OFFSET_TABLES, "doc_id, char_start, char_end") + """),
             s AS (SELECT doc_id, length(text) AS n FROM {c}.sources)
        SELECT o.doc_id, o.tbl || ' [' || o.char_start || ',' || o.char_end || ') in ' || s.n AS detail
        FROM o JOIN s ON o.doc_id = s.doc_id
        WHERE o.char_start < 0 OR o.char_end <= o.char_start OR o.char_end > s.n"""),
    _Check("within_parent_segment",
           "sentences, quotes, mentions and removed stretches with a seg_idx lie inside that segment",
           ("segments", "sentences", "quotes", "mentions", "removed"), """
        WITH o AS (""" + _union(("sentences", "quotes", "mentions", "removed"),
                                "doc_id, seg_idx, char_start, char_end", "WHERE seg_idx IS NOT NULL") + """)
        SELECT o.doc_id, o.tbl || ' seg ' || o.seg_idx || ' [' || o.char_start || ',' || o.char_end || ')'
               || coalesce(' outside [' || g.char_start || ',' || g.char_end || ')', ': no such segment') AS detail
        FROM o LEFT JOIN {c}.segments g ON g.doc_id = o.doc_id AND g.seg_idx = o.seg_idx
        WHERE g.doc_id IS NULL OR o.char_start < g.char_start OR o.char_end > g.char_end"""),
    # Exact coverage, without scanning whole pages: walking each page's stretches (segments, and removed
    # outside segments) in order, every gap before a stretch, every overlap with earlier stretches (measured
    # against the furthest end so far, to catch nested stretches) and the tail after the last stretch must be
    # blank. Gaps and overlaps are short, so this reads a sliver of the text (5x faster than counting). SQL
    # finds the pieces, listed per document beside each of its sources rows, and `_nonblank_pieces` reads
    # them: DuckDB's substring counts characters from the start of the page for every piece (it was 90% of
    # the check's time; 3x faster this way).
    _Check("exact_coverage",
           "segments and removed cover every non-blank character of sources.text exactly once",
           ("sources", "segments", "removed"), """
        WITH st AS (
            SELECT doc_id, char_start, char_end FROM {c}.segments
            UNION ALL SELECT doc_id, char_start, char_end FROM {c}.removed WHERE seg_idx IS NULL),
        w AS (
            SELECT doc_id, char_start, char_end,
                   coalesce(max(char_end) OVER (PARTITION BY doc_id ORDER BY char_start, char_end
                                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS prev_end
            FROM st),
        ends AS (SELECT doc_id, max(char_end) AS last_end FROM st GROUP BY doc_id),
        pieces AS (
            SELECT doc_id, prev_end AS a, char_start AS b, 'gap' AS what FROM w WHERE char_start > prev_end
            UNION ALL
            SELECT doc_id, char_start, least(prev_end, char_end), 'overlap' FROM w WHERE prev_end > char_start
            UNION ALL
            SELECT s.doc_id, coalesce(e.last_end, 0), length(s.text), 'tail'
            FROM {c}.sources s LEFT JOIN ends e ON e.doc_id = s.doc_id
            WHERE length(s.text) > coalesce(e.last_end, 0)),
        per_doc AS (SELECT doc_id, list({'a': a, 'b': b, 'what': what}) AS pieces FROM pieces GROUP BY doc_id)
        SELECT s.doc_id, s.text, g.pieces FROM {c}.sources s JOIN per_doc g ON g.doc_id = s.doc_id""",
           judge="nonblank_pieces"),
    _Check("child_doc_exists", "every row's doc_id is in documents", ("documents", *_CHILD_TABLES), """
        WITH o AS (""" + _union(_CHILD_TABLES, "doc_id") + """)
        SELECT DISTINCT o.doc_id, o.tbl || ' row of unknown document' AS detail FROM o
        WHERE NOT EXISTS (SELECT 1 FROM {c}.documents d WHERE d.doc_id = o.doc_id)"""),
    _Check("document_has_source", "each document has a sources row", ("documents", "sources"), """
        SELECT d.doc_id, 'no sources row' AS detail FROM {c}.documents d
        WHERE NOT EXISTS (SELECT 1 FROM {c}.sources s WHERE s.doc_id = d.doc_id)"""),
    _Check("document_counts", "documents.n_turns and n_words equal the counts over segments",
           ("documents", "segments"), """
        WITH g AS (SELECT doc_id, count(*) FILTER (WHERE kind = 'turn') AS n_turns, sum(n_words) AS n_words
                   FROM {c}.segments GROUP BY doc_id)
        SELECT d.doc_id, 'n_turns ' || d.n_turns || ' vs ' || coalesce(g.n_turns, 0)
               || ', n_words ' || d.n_words || ' vs ' || coalesce(g.n_words, 0) AS detail
        FROM {c}.documents d LEFT JOIN g ON g.doc_id = d.doc_id
        WHERE d.n_turns IS DISTINCT FROM coalesce(g.n_turns, 0)
           OR d.n_words IS DISTINCT FROM coalesce(g.n_words, 0)"""),
    _Check("appearances_match_turns", "each turn's speaker has an appearance whose n_turns counts its turns",
           ("segments", "appearances"), """
        WITH t AS (SELECT doc_id, speaker_id, count(*) AS n FROM {c}.segments
                   WHERE kind = 'turn' AND speaker_id IS NOT NULL GROUP BY doc_id, speaker_id)
        SELECT coalesce(a.doc_id, t.doc_id) AS doc_id,
               coalesce(a.speaker_id, t.speaker_id) || ': appearance n_turns '
               || coalesce(a.n_turns::VARCHAR, 'missing') || ' vs ' || coalesce(t.n, 0) || ' turns' AS detail
        FROM {c}.appearances a FULL JOIN t ON a.doc_id = t.doc_id AND a.speaker_id = t.speaker_id
        WHERE a.n_turns IS DISTINCT FROM coalesce(t.n, 0)"""),
    _Check("speaker_exists", "every speaker_id in appearances, segments, quotes, mentions is in speakers",
           ("speakers", *_SPEAKER_TABLES), """
        WITH o AS (""" + _union(_SPEAKER_TABLES, "doc_id, speaker_id", "WHERE speaker_id IS NOT NULL") + """)
        SELECT DISTINCT o.doc_id, o.tbl || ': unknown speaker ' || o.speaker_id AS detail FROM o
        WHERE NOT EXISTS (SELECT 1 FROM {c}.speakers s WHERE s.speaker_id = o.speaker_id)""",
           complete_only=True),
    _Check("duplicate_of_exists", "documents.duplicate_of names another existing document", ("documents",), """
        SELECT d.doc_id, 'duplicate_of ' || d.duplicate_of AS detail FROM {c}.documents d
        WHERE d.duplicate_of IS NOT NULL AND (d.duplicate_of = d.doc_id OR NOT EXISTS (
            SELECT 1 FROM {c}.documents e WHERE e.doc_id = d.duplicate_of))""", complete_only=True, warn_only=True),
    _Check("orphan_doc_scoped_speakers", "an unidentified/group speaker belongs to an existing document",
           ("speakers", "documents"), """
        SELECT NULL AS doc_id, s.speaker_id AS detail FROM {c}.speakers s
        WHERE s.kind <> 'person' AND NOT EXISTS (
            SELECT 1 FROM {c}.documents d WHERE d.doc_id = split_part(s.speaker_id, '#', 1))""",
           complete_only=True),
)

CHECK_NAMES: tuple[str, ...] = tuple(c.name for c in _CHECKS)


def _nonblank_pieces(con: duckdb.DuckDBPyConnection, rows: pa.RecordBatchReader) -> list[tuple[Any, str]]:
    """(doc_id, detail) of every piece that is not blank, in order: `rows` hold (doc_id, text, pieces
    [{a, b, what}]) per sources row.

    A piece is text[a:b] counted in characters, as DuckDB's substring(text, a + 1, b - a) counts them; blank is
    str.isspace() (the same characters as _BLANK_RE). A piece with a negative start or its end before its start
    (offsets the other checks reject) is read by DuckDB itself, whose substring treats those differently."""
    failing: list[tuple[Any, int, int, str]] = []
    odd: list[tuple[Any, str, int, int, str]] = []
    for batch in rows:
        # The pieces as flat columns beside each piece's row (one dict per piece costs more than the reading).
        pieces = batch.column(2)
        flat = pieces.flatten()
        row_of = pc.list_parent_indices(pieces).to_pylist()
        doc_ids, texts = batch.column(0).to_pylist(), batch.column(1).to_pylist()
        for i, a, b, what in zip(row_of, *(flat.field(f).to_pylist() for f in ("a", "b", "what")), strict=True):
            text = texts[i]
            if text is None or a is None or b is None:
                continue  # as in SQL: a NULL piece fails nothing
            if a < 0 or b < a:
                odd.append((doc_ids[i], text, a, b, what))
            elif (span := text[a:b]) and not span.isspace():
                failing.append((doc_ids[i], a, b, what))
    for doc_id, text, a, b, what in odd:  # once `rows` is read: a query on `con` would end its stream
        blank = con.execute(f"SELECT regexp_full_match(substring(?, ?, ?), '{_BLANK_RE}*')",
                            [text, a + 1, b - a]).fetchone()
        if blank is not None and blank[0] is False:
            failing.append((doc_id, a, b, what))
    return [(doc_id, f"{what} [{a},{b}) is not blank") for doc_id, a, b, what in sorted(failing)]


_JUDGES = {"nonblank_pieces": _nonblank_pieces}


def sql_checks(con: duckdb.DuckDBPyConnection, catalog: str, *, names: Iterable[str] | None = None,
               complete: bool = True, quarantinable: bool = False, scope: str = "version") -> list[CheckResult]:
    """Cross-table checks over `{catalog}.<table>`: by default every check over a whole version (e.g. the
    candidate inside the publishing transaction, where nothing can be quarantined any more, so every failure is
    `blocking` except warn-only checks). `doc_ids` names the documents to blame whenever the failing rows name
    them; `scope` (recorded with each result) says what `catalog` holds.

    quarantinable=True (before publishing, see frame_checks): a failure whose rows all name documents is not
    blocking; the caller quarantines `doc_ids`. complete=False skips the checks that need the whole dataset
    (speakers, duplicate_of, ...)."""
    wanted = set(names) if names is not None else None
    results = []
    for check in _CHECKS:
        if (wanted is not None and check.name not in wanted) or (check.complete_only and not complete):
            continue
        query = check.sql.replace("{c}", catalog)  # not format(): regex braces
        if check.judge is None:
            rows = con.execute(query).fetchall()
        else:  # streamed: over a whole lake the texts need not all be in memory at once
            rows = _JUDGES[check.judge](con, con.execute(query).to_arrow_reader(256))
        doc_ids = sorted({str(r[0]) for r in rows if r[0] is not None})
        unattributable = any(r[0] is None for r in rows)
        results.append(CheckResult(
            name=check.name, description=check.description, passed=not rows, n_failing=len(rows),
            sample=[f"{r[0]}: {r[1]}" if r[0] is not None else str(r[1]) for r in rows[:SAMPLE_SIZE]],
            blocking=bool(rows) and not check.warn_only and (unattributable or not quarantinable),
            doc_ids=doc_ids, warning=check.warn_only, scope=scope))
    return results


# Checks that relate tables by doc_id: at publish over the whole candidate (reading doc_id columns only), since
# scanning a DuckLake table through a doc_id filter costs more than the whole column (0.17 against 0.10 s at
# 10,000 documents).
_RELATING = ("child_doc_exists", "document_has_source")


def publish_checks(con: duckdb.DuckDBPyConnection, catalog: str, written: Written) -> list[CheckResult]:
    """The checks of a run's publish, over the candidate version, costing in proportion to what it changed.

    Every row a run inserts passed the per-document checks over its chunk (frame_checks over the same Arrow
    tables) and each of those judges a document by its own rows only. So over the candidate they can only fail
    where the write did not put exactly those rows, or touched other documents: a chunk inserted twice or in
    part, a replaced document's old rows left behind, an unchanged document's rows deleted or added to.
    `write_reconciles` proves it from counts, per per-document table: the touched documents (those this
    version deleted or inserted rows of) hold exactly the rows inserted, the others exactly the rows they held
    in the previous version (which passed its own publish), and no document was inserted twice. Two faults
    whose counts cancel out exactly would pass it, and so would a replace's DELETE removing other documents'
    rows (the replaced rows are as the DELETEs counted them). What the chunks could not see runs over the whole
    candidate: child_doc_exists and document_has_source (a quarantined document's rows written under a replaced
    doc_id) and the checks that need the whole dataset (speakers, duplicate_of). The other per-document checks
    are recorded with scope "chunks". `transcripts validate --version` still runs every check over the whole
    version (sql_checks)."""
    results = [_write_reconciles(con, catalog, written)]
    results += [_held(c, "chunks") for c in _CHECKS if not c.complete_only and c.name not in _RELATING]
    results += sql_checks(con, catalog, names=[c.name for c in _CHECKS if c.complete_only or c.name in _RELATING])
    order = {name: i for i, name in enumerate(("write_reconciles", *CHECK_NAMES))}
    return sorted(results, key=lambda r: order[r.name])


def _held(check: _Check, scope: str) -> CheckResult:
    """A check that passed without running at publish: over `scope`, which says why."""
    return CheckResult(name=check.name, description=check.description, passed=True, n_failing=0, sample=[],
                       blocking=False, scope=scope)


def _write_reconciles(con: duckdb.DuckDBPyConnection, catalog: str, written: Written) -> CheckResult:
    """The candidate holds exactly the previous version's rows minus the replaced documents' plus those inserted,
    per per-document table (see publish_checks)."""
    con.register("_touched", pa.table({"doc_id": pa.array(sorted(written.touched), pa.string())}))
    try:
        counts = con.execute(" UNION ALL ".join(
            f"SELECT {literal(t)}, count(*) FILTER (WHERE doc_id IN (SELECT doc_id FROM _touched)), count(*) "
            f"FROM {catalog}.{quote(t)}" for t in PER_DOCUMENT)).fetchall()
    finally:
        con.unregister("_touched")
    failures = [f"{d}: inserted in more than one chunk" for d in sorted(written.repeated)]
    for table, touched, total in counts:
        inserted = written.inserted.get(table, 0)
        kept = written.before.get(table, 0) - written.before_replaced.get(table, 0)
        if touched != inserted:
            failures.append(f"{table}: {touched} rows of the touched documents, {inserted} inserted")
        if total - touched != kept:
            failures.append(f"{table}: {total - touched} rows of the other documents, {kept} before")
    return CheckResult(
        name="write_reconciles", description="each per-document table holds the previous version's rows minus "
        "the replaced documents' plus the rows inserted, no document twice", passed=not failures,
        n_failing=len(failures), sample=failures[:SAMPLE_SIZE], blocking=bool(failures),
        doc_ids=sorted(written.repeated))


def frame_checks(frames: Mapping[str, pd.DataFrame | pa.Table]) -> list[CheckResult]:
    """The per-document SQL checks over the run's own tables (Arrow, or pandas frames), before anything is
    published. Checks needing a table the run did not pass, or the whole dataset, are skipped."""
    names = [c.name for c in _CHECKS if not c.complete_only and all(t in frames for t in c.tables)]
    if not names:
        return []
    con = _frame_connection()
    registered = []
    try:
        con.execute("ATTACH ':memory:' AS cand")
        for name, frame in frames.items():
            if len(frame) == 0:  # an empty frame has no types to infer: use the declared ones
                con.execute(TABLES[name].ddl(f"cand.{name}"))
            else:
                # via Arrow: DuckDB scans pandas' Arrow-backed string columns slowly, an Arrow table directly
                con.register(f"frame_{name}", frame if isinstance(frame, pa.Table)
                             else pa.Table.from_pandas(frame, preserve_index=False))
                registered.append(f"frame_{name}")
                con.execute(f"CREATE VIEW cand.{name} AS SELECT * FROM frame_{name}")
        return sql_checks(con, "cand", names=names, complete=False, quarantinable=True, scope="chunk")
    except BaseException:  # a failed or interrupted query may leave it unusable: the next chunk opens another
        _local.con = None
        con.close()
        raise
    finally:  # keep nothing of this chunk
        if getattr(_local, "con", None) is con:
            con.execute("DETACH cand")
            for view in registered:
                con.unregister(view)


_local = threading.local()


def _frame_connection() -> duckdb.DuckDBPyConnection:
    """This thread's DuckDB connection for frame_checks, opened once (opening one costs ~25 ms of CPU, a tenth of
    a chunk's checks). One thread: a run validates beside its page workers, which keep the cores busy; a second
    thread costs a third more CPU for the same answer."""
    con: duckdb.DuckDBPyConnection | None = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
        con.execute("SET threads = 1")
    return con
