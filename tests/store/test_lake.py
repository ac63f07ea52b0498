"""The versioned store (flows/lake.py): publishing, time travel, diff, export, the read-only guard,
the writer lock, and what readers and a killed writer see. The tests on the `lake`, `lake2` and `shared2`
fixtures run against a lake folder and against a remote lake (PostgreSQL catalog, data in S3)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from support.lakes import data_files, lake_code, new_lake

from schemas import TABLES
from transcripts.store.lake import (
    Changes,
    CheckOutcome,
    Lake,
    LakeBusy,
    UnknownVersion,
)

ROOT = Path(__file__).resolve().parents[2]

_DEFAULTS = {"VARCHAR": "x", "INTEGER": 0, "BIGINT": 0, "VARCHAR[]": []}
_ARROW = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "VARCHAR[]": pa.list_(pa.string())}


def make_rows(table: str, *rows: dict[str, Any]) -> pa.Table:
    """A pyarrow table with every declared column of `table`; unspecified values get a filler."""
    columns = TABLES[table].columns
    data = {c.name: [r.get(c.name, _DEFAULTS.get(c.type)) for r in rows] for c in columns}
    return pa.table({c.name: pa.array(data[c.name], _ARROW.get(c.type)) for c in columns})


def doc_rows(doc_id: str, sha: str = "s1", *, speakers: tuple[str, ...] = ("ann",), n_segments: int = 2,
             pv: str = "1") -> dict[str, pa.Table]:
    """Rows of one small document across several tables."""
    return {
        "documents": make_rows("documents", {"doc_id": doc_id, "source_path": f"{doc_id}.txt",
                                             "source_sha256": sha, "doc_type": "transcript", "language": "en",
                                             "bylines": ["Ann Lee"], "pipeline_version": pv,
                                             "body_sha256": f"body-{doc_id}-{sha}", "n_turns": n_segments}),
        "sources": make_rows("sources", {"doc_id": doc_id, "text": f"text of {doc_id}", "encoding": "utf-8",
                                         "repairs": ["crlf"]}),
        "segments": make_rows("segments", *({"doc_id": doc_id, "seg_idx": i, "kind": "turn",
                                             "speaker_id": speakers[i % len(speakers)], "text": f"{sha}-{i}",
                                             "char_start": i, "char_end": i + 1} for i in range(n_segments))),
        "appearances": make_rows("appearances", *({"doc_id": doc_id, "speaker_id": s, "name": s.title(),
                                                   "labels": [s.upper()], "role": "guest"} for s in speakers)),
        "speakers": make_rows("speakers", *({"speaker_id": s, "name": s.title(), "kind": "person"}
                                            for s in speakers)),
    }


def merge(*parts: dict[str, pa.Table]) -> dict[str, pa.Table]:
    out: dict[str, list[pa.Table]] = {}
    for part in parts:
        for name, table in part.items():
            out.setdefault(name, []).append(table)
    return {name: pa.concat_tables(tables) for name, tables in out.items()}


def version_row(message: str = "test run", **kw: Any) -> dict[str, Any]:
    row = {"pipeline_version": "1", "docs_added": 0, "docs_changed": 0, "docs_removed": 0,
           "input_sha256": "abc", "message": message}
    row.update(kw)
    return row


def passing(con: duckdb.DuckDBPyConnection, catalog: str) -> CheckOutcome:
    n = con.execute(f"SELECT count(*) FROM {catalog}.documents").fetchone()
    return CheckOutcome(passed=True, summary={"checks": 1, "documents": n[0] if n else None})


@pytest.fixture
def lake(make_lake: Any) -> Lake:
    lk: Lake = make_lake("lake")
    lk.init()
    return lk


def publish_two_versions(lake: Lake) -> Lake:
    """Version 1 (docs a, b), then version 2 (a changed, b removed, c added)."""
    v1 = lake.publish(Changes(rows=merge(doc_rows("a", speakers=("ann", "bob")), doc_rows("b", speakers=("cy",))),
                              version_row=version_row("first", docs_added=2)), check=passing).version
    v2 = lake.publish(Changes(replace_doc_ids={"a", "b"},
                              rows=merge(doc_rows("a", "s2", n_segments=3), doc_rows("c", speakers=("dee",))),
                              version_row=version_row("second", docs_added=1, docs_changed=1, docs_removed=1)),
                      check=passing).version
    assert (v1, v2) == (1, 2)
    return lake


@pytest.fixture
def lake2(lake: Lake) -> Lake:
    """A lake with two versions, for tests that publish more."""
    return publish_two_versions(lake)


@pytest.fixture(scope="module", params=["local", "remote"])
def shared2(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Lake:
    """The same two versions, shared by the tests that only read."""
    lk: Lake = new_lake(request, request.param, tmp_path_factory.mktemp("shared") / "lake")
    lk.init()
    return publish_two_versions(lk)


def _child(code: str) -> subprocess.Popen[str]:
    """A Python child process running `code` with this test module importable as `t`."""
    paths = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "store")]
    prelude = (f"import sys; sys.path[:0] = {paths!r}\n"
               "import test_lake as t\nfrom transcripts.store.lake import *\n")
    return subprocess.Popen([sys.executable, "-c", prelude + textwrap.dedent(code)], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"child exited early: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("child never reached the point")
        time.sleep(0.05)


# ------------------------------------------------------------------ init, publish, versions


def test_lake_init_creates_catalog_and_every_table(tmp_path: Path) -> None:
    lk = Lake(tmp_path / "new")
    assert not lk.exists()
    assert lk.current_version() is None
    assert lk.versions() == []
    lk.init()
    lk.init()  # idempotent
    assert lk.exists() and (lk.root / "data").is_dir()
    assert lk.current_version() is None
    con = lk.reader()
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert tables == set(TABLES)
    for name, table in TABLES.items():
        cols = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
        assert cols == table.column_names
    with contextlib.closing(sqlite3.connect(lk.catalog_path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert lk.read_state() == {"documents": {}, "rejects": {}, "bodies": {}}


def test_lakepublish_two_versions_and_time_travel(shared2: Lake) -> None:
    assert shared2.current_version() == 2
    vs = shared2.versions()
    assert [v["version"] for v in vs] == [1, 2]
    assert vs[0]["message"] == "first" and vs[1]["docs_changed"] == 1
    assert json.loads(vs[0]["validation"]) == {"sql_checks": {"checks": 1, "documents": 2}}
    assert vs[0]["rows"]["documents"] == 2 and vs[0]["rows"]["segments"] == 4 and vs[0]["rows"]["versions"] == 1
    assert vs[1]["rows"]["segments"] == 5 and vs[1]["rows"]["versions"] == 2
    # the row counts stored are those of the published version
    for v in (1, 2):
        con = shared2.reader(v)
        for name, n in vs[v - 1]["rows"].items():
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone() == (n,), (v, name)
    # time travel: version 1 still has b and a's old text
    _, old = shared2.query("SELECT doc_id, source_sha256 FROM documents ORDER BY doc_id", version=1)
    assert old == [("a", "s1"), ("b", "s1")]
    _, new = shared2.query("SELECT doc_id, source_sha256 FROM documents ORDER BY doc_id")
    assert new == [("a", "s2"), ("c", "s1")]
    assert shared2.query("SELECT text FROM segments WHERE doc_id = 'a' ORDER BY seg_idx", version=1)[1] == [
        ("s1-0",), ("s1-1",)]
    # snapshots carry the version in extra_info
    assert shared2.snapshot_of(2) > shared2.snapshot_of(1)
    # rows live in Parquet files under data/, not inlined in the catalog
    assert data_files(shared2, "documents")
    con = shared2.reader()
    msgs = con.execute("SELECT commit_message, commit_extra_info FROM lake.snapshots() "
                       "WHERE commit_extra_info LIKE '%\"version\"%' ORDER BY snapshot_id").fetchall()
    assert [json.loads(extra)["version"] for _, extra in msgs] == [1, 2]
    assert msgs[0][0] == "version 1: first"
    assert json.loads(msgs[1][1])["rows"]["documents"] == 2


def test_lake_unknown_version_lists_known(shared2: Lake) -> None:
    with pytest.raises(UnknownVersion, match=r"unknown version 7; known versions: \[1, 2\]"):
        shared2.snapshot_of(7)
    with pytest.raises(UnknownVersion):
        shared2.query("SELECT 1", version=7)


def test_lake_no_change_publishes_nothing(lake2: Lake) -> None:
    empty = {name: make_rows(name) for name in ("documents", "segments")}  # zero-row tables
    result = lake2.publish(Changes(rows=empty, version_row=version_row()), check=passing)
    assert result.version is None and not result.blocked and not result.published
    assert lake2.publish(Changes()).version is None
    assert lake2.current_version() == 2


def test_lake_a_speaker_written_twice_keeps_the_latest_row_every_time(lake: Lake) -> None:
    # one person, spelled two ways in one publication: the later row wins, in every run (not whichever row a
    # thread happened to read first)
    spellings = [{"speaker_id": "hye-jin-kim", "name": name, "kind": "person"} for name in
                 ["Hye-jin Kim"] * 500 + ["Hye-Jin Kim"]]
    rows = doc_rows("a", speakers=("hye-jin-kim",))
    rows["speakers"] = make_rows("speakers", *spellings)
    assert lake.publish(Changes(rows=rows, version_row=version_row()), check=passing).version == 1
    assert lake.query("SELECT name FROM speakers")[1] == [("Hye-Jin Kim",)]


def test_lake_inserts_on_one_thread_and_checks_the_version_on_every_core(lake: Lake) -> None:
    # a chunk's insert beside the page workers takes one core, not all (the same time, a quarter less CPU); the
    # publish checks that follow get DuckDB's threads back. A remote lake's uploads keep every thread.
    with lake.publication() as pub:
        cores = pub.con.execute("SELECT current_setting('threads')").fetchone()
        during: list[Any] = []
        insert_staged = pub._insert_staged

        def watched(table: Any, data: Any) -> None:
            during.append(pub.con.execute("SELECT current_setting('threads')").fetchone())
            insert_staged(table, data)

        pub._insert_staged = watched  # type: ignore[method-assign]
        pub.insert(doc_rows("a"))
        assert during and set(during) == {cores if lake.remote else (1,)}
        assert pub.con.execute("SELECT current_setting('threads')").fetchone() == cores


def test_lake_a_failed_insert_reports_its_own_error_and_publishes_nothing(lake: Lake) -> None:
    # the failed statement aborts the transaction: putting DuckDB's threads back must not hide why
    with pytest.raises(duckdb.ConversionException, match="xyz"), lake.publication() as pub:
        pub._insert_staged = lambda table, data: pub.con.execute("SELECT CAST('xyz' AS INTEGER)")  # type: ignore
        pub.insert(doc_rows("a"))
    assert lake.current_version() is None


def test_lake_replace_document_keeps_others(lake2: Lake) -> None:
    state = lake2.read_state()
    assert state["documents"] == {"a": ("s2", "1"), "c": ("s1", "1")}
    assert state["bodies"]["a"] == "body-a-s2"
    v3 = lake2.publish(Changes(replace_doc_ids={"c"}, rows=doc_rows("c", "s3", speakers=("eve",), n_segments=1),
                               version_row=version_row(docs_changed=1)))
    assert v3.version == 3 and v3.snapshot == lake2.snapshot_of(3) and v3.rows["documents"] == 2
    _, segs = lake2.query("SELECT doc_id, seg_idx, text, speaker_id FROM segments ORDER BY ALL")
    assert segs == [("a", 0, "s2-0", "ann"), ("a", 1, "s2-1", "ann"), ("a", 2, "s2-2", "ann"),
                    ("c", 0, "s3-0", "eve")]
    # speakers holds exactly the speakers appearances reference: dee is gone, eve is new
    assert lake2.query("SELECT speaker_id FROM speakers ORDER BY 1")[1] == [("ann",), ("eve",)]
    assert lake2.query("SELECT count(*) FROM sources")[1] == [(2,)]
    # a document whose page is gone: only deletions, no rows
    assert lake2.publish(Changes(replace_doc_ids={"a"}, version_row=version_row(docs_removed=1))).version == 4
    assert lake2.query("SELECT doc_id FROM documents")[1] == [("c",)]
    assert lake2.query("SELECT speaker_id FROM speakers")[1] == [("eve",)]
    assert json.loads(lake2.versions()[-1]["validation"]) == {}


def test_lake_rejects_replaced_by_path(lake: Lake) -> None:
    bad = make_rows("rejects", {"source_path": "x.txt", "doc_id": "x", "source_sha256": "h1", "source_bytes": 0,
                                "reason": "empty", "pipeline_version": "1"})
    assert lake.publish(Changes(rows={"rejects": bad}, version_row=version_row())).version == 1
    assert lake.read_state()["rejects"] == {"x.txt": ("h1", "1")}
    # the page got fixed: its reject goes, its document arrives
    assert lake.publish(Changes(replace_reject_paths={"x.txt"}, rows=doc_rows("x"),
                                version_row=version_row())).version == 2
    state = lake.read_state()
    assert state["rejects"] == {} and set(state["documents"]) == {"x"}


def test_lake_rows_must_match_schema(lake: Lake) -> None:
    rows = doc_rows("a")
    rows["documents"] = rows["documents"].drop_columns(["title"])
    with pytest.raises(ValueError, match=r"missing \['title'\]"):
        lake.publish(Changes(rows=rows, version_row=version_row()))
    with pytest.raises(ValueError, match="version_row"):
        lake.publish(Changes(rows=doc_rows("a"), version_row={"message": "m"}))
    assert lake.current_version() is None


def test_lake_publish_accepts_pandas(lake: Lake) -> None:
    rows: dict[str, Any] = {k: v.to_pandas() for k, v in doc_rows("p").items()}
    assert lake.publish(Changes(rows=rows, version_row=version_row())).version == 1
    assert lake.query("SELECT bylines, n_turns FROM documents")[1] == [(["Ann Lee"], 2)]


def test_lake_check_blocking_publishes_nothing(lake2: Lake) -> None:
    seen: list[int] = []

    def failing(con: duckdb.DuckDBPyConnection, catalog: str) -> CheckOutcome:
        # the check sees the candidate version, not the published one
        row = con.execute(f"SELECT count(*) FROM {catalog}.documents").fetchone()
        seen.append(row[0] if row else -1)
        return CheckOutcome(passed=False, summary={"failed": 1}, failures=["documents: too many"])

    result = lake2.publish(Changes(rows=doc_rows("z"), version_row=version_row()), check=failing)
    assert result.blocked and result.version is None and not result.published
    assert result.checks == {"failed": 1} and "documents: too many" in result.report
    assert result.rows["documents"] == 3  # the candidate's counts
    assert seen == [3]
    assert lake2.current_version() == 2
    assert lake2.query("SELECT count(*) FROM documents")[1] == [(2,)]
    # and the next publish gets the next number, not a gap
    assert lake2.publish(Changes(rows=doc_rows("z"), version_row=version_row()), check=passing).version == 3


@dataclass
class FakeCheck:
    """Shaped like transcripts.validate.checks.CheckResult: what sql_checks returns, one per check."""

    name: str
    passed: bool
    blocking: bool
    sample: list[str] = field(default_factory=list)


def test_lake_check_results_list_blocks_only_on_blocking_failures(lake: Lake) -> None:
    def attributable(con: duckdb.DuckDBPyConnection, catalog: str) -> list[FakeCheck]:
        return [FakeCheck("ok", True, False), FakeCheck("doc_level", False, False, ["a: bad"])]

    def global_failure(con: duckdb.DuckDBPyConnection, catalog: str) -> list[FakeCheck]:
        return [FakeCheck("ok", True, False), FakeCheck("speaker_exists", False, True, ["x: missing"])]

    blocked = lake.publish(Changes(rows=doc_rows("a"), version_row=version_row()), check=global_failure)
    assert blocked.blocked and blocked.failures == ["speaker_exists (e.g. x: missing)"]
    assert lake.current_version() is None
    done = lake.publish(Changes(rows=doc_rows("a"), version_row=version_row(validation={"ok": True})),
                        check=attributable)
    assert done.version == 1 and not done.blocked
    stored = json.loads(lake.versions()[0]["validation"])
    assert stored["ok"] is True
    assert [c["name"] for c in stored["sql_checks"]] == ["ok", "doc_level"]


def test_lake_diff_names_added_changed_removed(shared2: Lake) -> None:
    d = shared2.diff(1, 2)
    assert (d["added"], d["changed"], d["removed"]) == (["c"], ["a"], ["b"])
    assert d["rows_a"]["documents"] == 2 and d["rows_b"]["segments"] == 5
    assert d["rows_a"]["versions"] == 1 and d["rows_b"]["versions"] == 2
    assert d["unchanged"] == 0
    back = shared2.diff(2, 1)
    assert (back["added"], back["removed"]) == (["b"], ["c"])
    same = shared2.diff(2, 2)
    assert same["added"] == same["changed"] == same["removed"] == []


def test_lake_export_parquet_manifest_and_card(shared2: Lake, tmp_path: Path) -> None:
    out = tmp_path / "export"
    manifest = shared2.export(out, version=1)
    assert manifest["version"] == 1 and manifest["snapshot"] == shared2.snapshot_of(1)
    assert set(manifest["tables"]) == set(TABLES)
    on_disk = json.loads((out / "manifest.json").read_text())
    assert on_disk["tables"]["documents"]["rows"] == 2
    con = duckdb.connect()
    for name, info in manifest["tables"].items():
        path = out / info["file"]
        rel = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        assert [d[0] for d in rel.description] == TABLES[name].column_names
        assert len(rel.fetchall()) == info["rows"]
        assert info["columns"][0]["name"] == TABLES[name].column_names[0]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == info["sha256"]
    docs = con.execute("SELECT doc_id, bylines FROM read_parquet(?)", [str(out / "documents.parquet")]).fetchall()
    assert docs == [("a", ["Ann Lee"]), ("b", ["Ann Lee"])]
    card = (out / "README.md").read_text()
    assert "## segments" in card and "version 1" in card
    for table in TABLES.values():
        assert table.description in card
        for c in table.columns:
            assert f"`{c.name}` | {c.type}" in card
    assert not list(out.glob(".*.tmp"))
    # default: the current version
    assert shared2.export(tmp_path / "latest")["version"] == 2


# ------------------------------------------------------------------ concurrency and crashes


def test_lake_writer_lock_refuses_second_writer(lake: Lake) -> None:
    proc = _child(f"""
        from pathlib import Path
        import time
        lk = {lake_code(lake)}
        with lk.writer_lock():
            Path({str(lake.root / 'held')!r}).touch()
            time.sleep(30)
    """)
    try:
        _wait_for(lake.root / "held", proc)
        busy = rf"another run is publishing to .*pid {proc.pid}\)"
        with pytest.raises(LakeBusy, match=busy), lake.writer_lock():
            pass
        with pytest.raises(LakeBusy):
            lake.publish(Changes(rows=doc_rows("a"), version_row=version_row()))
        t0 = time.monotonic()
        with pytest.raises(LakeBusy), lake.writer_lock(timeout=0.3):
            pass
        assert time.monotonic() - t0 >= 0.3
    finally:
        proc.kill()
        proc.wait()
    # the OS dropped the dead holder's lock; the lock is re-entrant in one thread, exclusive across threads
    with lake.writer_lock(), lake.writer_lock():
        other: list[BaseException] = []

        def second_writer() -> None:
            try:
                with Lake(lake.location).writer_lock():
                    pass
            except LakeBusy as e:
                other.append(e)

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join()
        assert len(other) == 1
    assert lake.publish(Changes(rows=doc_rows("a"), version_row=version_row())).version == 1


# Child: publish doc "slow" with a check that signals, then waits for the parent's go (or to be killed).
_SLOW_PUBLISH = """
    from pathlib import Path
    import time
    lk = {lake}
    def check(con, catalog):
        Path({root!r}, "in-transaction").touch()
        deadline = time.monotonic() + 20
        while not Path({root!r}, "go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return CheckOutcome(passed=True)
    rows = t.doc_rows("slow", speakers=("sam",))
    print(lk.publish(Changes(rows=rows, version_row=t.version_row("slow")), check=check).version)
"""


def test_lake_reader_during_long_write_sees_old_then_new(lake2: Lake) -> None:
    root = lake2.root
    proc = _child(_SLOW_PUBLISH.format(root=str(root), lake=lake_code(lake2)))
    try:
        _wait_for(root / "in-transaction", proc)
        # mid-transaction: readers are not blocked and see version 2 only
        t0 = time.monotonic()
        assert lake2.current_version() == 2
        assert lake2.query("SELECT count(*) FROM documents WHERE doc_id = 'slow'")[1] == [(0,)]
        assert lake2.read_state()["documents"].keys() == {"a", "c"}
        assert time.monotonic() - t0 < 5
        pinned = lake2.reader()
        (root / "go").touch()
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert out.strip() == "3"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert lake2.current_version() == 3
    assert lake2.query("SELECT count(*) FROM documents WHERE doc_id = 'slow'")[1] == [(1,)]
    # a reader opened before the commit stays on its version
    assert pinned.execute("SELECT count(*) FROM documents").fetchone() == (2,)


def test_lake_sigkill_during_publish_leaves_previous_version(lake2: Lake) -> None:
    root = lake2.root
    proc = _child(_SLOW_PUBLISH.format(root=str(root), lake=lake_code(lake2)))
    _wait_for(root / "in-transaction", proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # the lake reads as version 2, whole
    assert lake2.current_version() == 2
    assert [v["version"] for v in lake2.versions()] == [1, 2]
    assert lake2.query("SELECT doc_id FROM documents ORDER BY 1")[1] == [("a",), ("c",)]
    assert lake2.query("SELECT count(*) FROM segments")[1] == [(5,)]
    assert lake2.query("SELECT speaker_id FROM speakers ORDER BY 1")[1] == [("ann",), ("dee",)]
    # and the next publish (the lock died with the child) succeeds
    v = lake2.publish(Changes(rows=doc_rows("slow", speakers=("sam",)), version_row=version_row("retry")),
                      check=passing).version
    assert v == 3
    assert lake2.query("SELECT count(*) FROM documents")[1] == [(3,)]
    assert lake2.diff(2, 3)["added"] == ["slow"]


# Child: publish versions 3..6 one after the other, each through `publication` in three batches with pauses, so
# that a reader in the parent meets open transactions, commits and the moments between them.
_MANY_PUBLISHES = """
    import time
    from pathlib import Path
    lk = {lake}
    Path({root!r}, "started").touch()
    for v in range(3, 7):
        with lk.publication() as pub:
            for b in range(3):
                pub.insert(t.doc_rows(f"d{{v}}-{{b}}", speakers=("sam",), n_segments=v))
                time.sleep(0.2)
            pub.commit(t.version_row(f"v{{v}}"), check=t.passing)
"""


def test_lake_reader_in_a_loop_during_publishes_never_fails_nor_sees_a_mixed_version(lake2: Lake) -> None:
    # Every version's rows must be exactly those its `versions` row recorded: a mixed version would differ.
    sql = ("SELECT (SELECT max(version) FROM versions), (SELECT count(*) FROM documents), "
           "(SELECT count(*) FROM segments), (SELECT rows['documents'] FROM versions ORDER BY version DESC LIMIT 1), "
           "(SELECT rows['segments'] FROM versions ORDER BY version DESC LIMIT 1)")
    proc = _child(_MANY_PUBLISHES.format(lake=lake_code(lake2), root=str(lake2.root)))
    seen: list[int] = []
    try:
        _wait_for(lake2.root / "started", proc, timeout=60)
        while proc.poll() is None or not seen or seen[-1] < 6:
            _, [(version, docs, segments, recorded_docs, recorded_segments)] = lake2.query(sql)
            assert (docs, segments) == (recorded_docs, recorded_segments), f"version {version} read mixed"
            assert not seen or version >= seen[-1], "a reader went back in time"
            seen.append(version)
            if proc.poll() is not None and proc.returncode != 0:
                raise AssertionError(proc.communicate())
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert proc.returncode == 0, proc.communicate()
    assert seen[0] >= 2 and seen[-1] == 6 and len(seen) >= 10
