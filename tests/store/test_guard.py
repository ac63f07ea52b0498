"""The query sandbox (transcripts/store/guard.py) attacked through `transcripts query`: every attack is
refused (exit 2) or stopped with its own one-line message (timeout, memory), leaves the lake byte-identical
and creates no file anywhere."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from test_lake import doc_rows, merge, publish_two_versions, version_row

from transcripts.store.lake import Changes, Lake, QueryError, QueryRefused, check_read_only

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lake, Path]:
    """A lake with two versions, and beside it a folder with files an attacker would like to read."""
    root = tmp_path_factory.mktemp("guard")
    lake = Lake(root / "lake")
    lake.publish(Changes(rows=merge(doc_rows("a"), doc_rows("b")), version_row=version_row("first")))
    lake.publish(Changes(rows=doc_rows("c"), version_row=version_row("second")))
    outside = root / "outside"
    outside.mkdir()
    with sqlite3.connect(outside / "secret.db") as db:
        db.execute("CREATE TABLE creds (password TEXT)")
        db.execute("INSERT INTO creds VALUES ('hunter2')")
    (outside / "secret.csv").write_text("password\nhunter2\n", encoding="utf-8")
    return lake, outside


def _fingerprint(*folders: Path) -> dict[str, str]:
    """Every file under the folders with a hash of its bytes (the catalog's -wal/-shm included)."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def _attacks(lake: Path, outside: Path) -> list[str]:
    secret_db, secret_csv, catalog = outside / "secret.db", outside / "secret.csv", lake / "catalog.sqlite"
    inside = lake / "data" / "main" / "x.csv"
    nested = f"SELECT * FROM sqlite_scan(''{secret_db}'', ''creds'')"
    return [
        # SQL run from a string, however wrapped
        f"SELECT * FROM json_execute_serialized_sql(json_serialize_sql('{nested}'))",
        f"SELECT (SELECT count(*) FROM json_execute_serialized_sql(json_serialize_sql('{nested}')))",
        f"WITH q AS (SELECT * FROM json_execute_serialized_sql(json_serialize_sql('{nested}'))) SELECT * FROM q",
        "SELECT json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",
        "SELECT * FROM query('SELECT * FROM documents')",
        "SELECT * FROM query_table('documents')",
        "SELECT * FROM QUERY('SELECT 1')",
        # files outside the lake, and the lake's own catalog
        f"SELECT * FROM sqlite_scan('{secret_db}', 'creds')",
        f"SELECT * FROM sqlite_attach('{secret_db}')",
        f"SELECT * FROM read_blob('{catalog}')",
        f"SELECT * FROM read_text('{secret_csv}')",
        f"SELECT * FROM read_csv('{secret_csv}')",
        f"SELECT * FROM read_csv_auto('{secret_csv}')",
        f"SELECT * FROM '{secret_csv}'",
        f"SELECT * FROM glob('{lake}/*')",
        f"SELECT * FROM read_parquet('{lake}/data/main/documents/*.parquet')",
        f"SELECT * FROM parquet_metadata('{lake}/data/main/documents/*.parquet')",
        "SELECT * FROM __ducklake_metadata_lake.main.ducklake_metadata",
        'SELECT * FROM "__DuckLake_Metadata_lake".main.ducklake_snapshot',
        f"DESCRIBE '{secret_csv}'",
        f"SUMMARIZE SELECT * FROM read_text('{secret_csv}')",
        f"SELECT * FROM parquet_scan('{lake}/data/main/documents/*.parquet')",
        "SELECT * FROM __ducklake_metadata_lake.ducklake_data_file",
        # DuckLake maintenance: deletes files or expires versions
        "SELECT * FROM ducklake_cleanup_old_files('lake', cleanup_all => true)",
        "SELECT * FROM ducklake_expire_snapshots('lake', older_than => now())",
        "SELECT * FROM ducklake_delete_orphaned_files('lake', cleanup_all => true)",
        "SELECT * FROM lake.merge_adjacent_files()",
        "SELECT * FROM ducklake_list_files('lake', 'documents')",
        # files written from a SELECT
        f"SELECT * FROM enable_logging(storage='file', storage_path='{inside}')",
        f"SELECT * FROM enable_logging(storage='file', storage_path='{outside}/log.csv')",
        "SELECT * FROM enable_profiling()",
        "SELECT * FROM checkpoint()",
        # statements that are not reads
        f"COPY documents TO '{outside}/out.parquet'",
        f"COPY (SELECT 1) TO '{inside}'",
        f"ATTACH '{secret_db}' AS s (TYPE sqlite)",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "RESET lock_configuration",
        "PRAGMA enable_profiling",
        "CALL ducklake_expire_snapshots('lake', older_than => now())",
        "CREATE MACRO leak() AS current_setting('temp_directory')",
        "CREATE TABLE t AS SELECT 1",
        "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')",
        f"EXPORT DATABASE '{outside}/dump'",
        "EXPLAIN ANALYZE DELETE FROM documents",
        "EXPLAIN /**/ ANALYZE DELETE FROM documents",
        "EXPLAIN (ANALYZE) DELETE FROM documents",
        "SELECT 1; DELETE FROM documents",
        # Python object scans: pandas_scan(NULL) kills the process
        "SELECT * FROM pandas_scan(NULL)",
        "SELECT * FROM arrow_scan(NULL, NULL, NULL)",
        # settings and server paths
        "SELECT current_setting('temp_directory')",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM system.main.duckdb_settings()",
        "SELECT * FROM duckdb_databases()",
        "SELECT path FROM duckdb_databases",
        "SELECT * FROM duckdb_extensions()",
        "SELECT * FROM duckdb_secrets()",
        "PRAGMA database_list",
        "SELECT filename FROM documents",
        "SELECT * FROM lake.options()",
        "SELECT * FROM ducklake_settings('lake')",
    ]


@pytest.fixture(scope="module")
def attack_results(attacked: tuple[Lake, Path], cli: Cli,
                   tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str]]:
    """Every attack run once, from an empty working folder; the folders are fingerprinted around the lot."""
    lake, outside = attacked
    cwd = tmp_path_factory.mktemp("cwd")
    before = _fingerprint(lake.root, outside, cwd)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        results = {sql: cli("query", sql, "--lake", lake.root, "--format", "csv")
                   for sql in _attacks(lake.root, outside)}
    assert _fingerprint(lake.root, outside, cwd) == before, "an attack changed or created a file"
    return results


def test_guard_battery_has_at_least_40_attacks(attacked: tuple[Lake, Path]) -> None:
    assert len(_attacks(*(p if isinstance(p, Path) else p.root for p in attacked))) >= 40


def test_guard_every_attack_is_refused_with_exit_2_and_one_line(attack_results: dict[str, tuple[int, str, str]]
                                                                ) -> None:
    for sql, (code, out, err) in attack_results.items():
        assert code == 2, f"{sql!r} exited {code}: {out[:200]} {err[:200]}"
        assert out == "", f"{sql!r} printed rows: {out[:200]}"
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, f"{sql!r}: {err}"
        assert "hunter2" not in err


def test_guard_shows_no_server_path(attacked: tuple[Lake, Path], attack_results: dict[str, tuple[int, str, str]],
                                    cli: Cli) -> None:
    lake, _ = attacked
    code, _, err = cli("query", "SELECT * FROM no_such_table", "--lake", lake.root)
    assert code == 1 and "no_such_table" in err
    for _, _, err in attack_results.values():
        assert str(Path.home() / ".cache") not in err
        assert str(lake.data_path) not in err


def test_guard_reads_still_work(attacked: tuple[Lake, Path], cli: Cli) -> None:
    lake, _ = attacked
    for sql in ("SELECT doc_id FROM documents ORDER BY doc_id", "DESCRIBE documents", "SHOW TABLES",
                "SUMMARIZE segments", "PRAGMA table_info('documents')", "SELECT * FROM lake.snapshots()",
                "EXPLAIN ANALYZE SELECT count(*) FROM segments", "SELECT * FROM range(3) r, unnest([1, 2]) u",
                "SELECT table_name FROM duckdb_tables()", "SELECT repeat('ab', 3)"):
        code, _, err = cli("query", sql, "--lake", lake.root, "--format", "csv")
        assert code == 0, f"{sql}: {err}"
    assert cli("query", "SELECT doc_id FROM documents ORDER BY doc_id", "--lake", lake.root,
               "--format", "csv")[1] == "doc_id\na\nb\nc\n"


def test_guard_long_query_is_stopped_by_the_timeout(attacked: tuple[Lake, Path], cli: Cli) -> None:
    lake, _ = attacked
    sql = "SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = -1"
    code, out, err = cli("query", sql, "--lake", lake.root, "--timeout", "0.5")
    assert code == 1 and out == ""
    assert err.strip() == "the query ran past 0.5 s and was stopped (raise --timeout to allow more)"


def test_guard_huge_string_is_stopped_by_the_memory_limit(attacked: tuple[Lake, Path], cli: Cli) -> None:
    lake, _ = attacked
    code, out, err = cli("query", "SELECT length(string_agg(repeat('x', 100000000), '')) FROM range(100)",
                         "--lake", lake.root)
    assert code == 1 and out == ""
    assert "needs more than the 2GB of memory a query may use" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("sql", [
    "SELECT " + "(" * 5000 + "1" + ")" * 5000,
    "SELECT " + "1 + " * 5000 + "1",
    "SELECT " + "[" * 3000 + "]" * 3000,
    "SELEC 1",
    "SELECT * FROM (SELECT 1",
])
def test_guard_parser_errors_and_deep_nesting_are_one_line(attacked: tuple[Lake, Path], cli: Cli, sql: str) -> None:
    lake, _ = attacked
    code, _, err = cli("query", sql, "--lake", lake.root)
    assert "Traceback" not in err
    assert code == 0 or (code in (1, 2) and len(err.strip().splitlines()) == 1)


# ------------------------------------------------------------------ the guard and the reader, in-process


@pytest.fixture(scope="module")
def shared2(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    """Two versions (see test_lake.publish_two_versions), shared by the tests that only read."""
    lake = Lake(tmp_path_factory.mktemp("shared") / "lake")
    lake.init()
    return publish_two_versions(lake)


@pytest.mark.parametrize("sql", [
    "DELETE FROM documents",
    "DROP TABLE documents",
    "INSERT INTO documents (doc_id) VALUES ('x')",
    "UPDATE documents SET title = 'x'",
    "CREATE TABLE t AS SELECT 1",
    "ALTER TABLE documents ADD COLUMN z INT",
    "ATTACH '/tmp/other.db' AS other",
    "DETACH lake",
    "COPY documents TO '/tmp/out.parquet'",
    "EXPORT DATABASE '/tmp/dump'",
    "CALL ducklake_expire_snapshots('lake', older_than => now())",
    "CALL lake.set_commit_message('me', 'hi')",
    "SET enable_external_access = true",
    "INSTALL httpfs",
    "LOAD fts",
    "CHECKPOINT",
    "BEGIN TRANSACTION",
    "SELECT 1; DELETE FROM documents",
    "EXPLAIN ANALYZE DELETE FROM documents",
    "SELECT * FROM ducklake_expire_snapshots('lake', older_than => now())",
    "SELECT * FROM ducklake_cleanup_old_files('lake', cleanup_all => true)",
    "SELECT * FROM ducklake_delete_orphaned_files('lake', cleanup_all => true)",
    "SELECT * FROM ducklake_merge_adjacent_files('lake')",
    "SELECT * FROM lake.set_commit_message('me', 'hi')",
    "SELECT * FROM query('DELETE FROM documents')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM sqlite_scan('/tmp/x.sqlite', 't')",
    "WITH x AS (SELECT * FROM ducklake_rewrite_data_files('lake')) SELECT * FROM x",
    "SELECT (SELECT count(*) FROM ducklake_flush_inlined_data('lake'))",
])
def test_lake_query_refuses_writes(shared2: Lake, sql: str) -> None:
    with pytest.raises(QueryRefused, match="not allowed"):
        shared2.query(sql)


def test_lake_query_allows_reads(shared2: Lake) -> None:
    names, rows = shared2.query("SELECT doc_id, n_turns FROM documents ORDER BY doc_id")
    assert names == ["doc_id", "n_turns"] and rows == [("a", 3), ("c", 2)]
    for sql in ("DESCRIBE documents", "SHOW TABLES", "SUMMARIZE segments", "EXPLAIN SELECT * FROM segments",
                "PRAGMA table_info('documents')", "FROM versions", "SELECT * FROM lake.snapshots()",
                "WITH d AS (SELECT * FROM documents) SELECT count(*) FROM d;",
                "SELECT * FROM segments s JOIN appearances a USING (doc_id, speaker_id)"):
        check_read_only(sql)
        shared2.query(sql)
    with pytest.raises(QueryError, match="no_such_table"):
        shared2.query("SELECT * FROM no_such_table")
    with pytest.raises(QueryError):
        shared2.query("SELEC 1")


def test_lake_reader_is_read_only_even_without_the_guard(shared2: Lake, tmp_path: Path) -> None:
    """Defence in depth: the connection itself refuses writes, file access and reconfiguration."""
    con = shared2.reader()
    for sql, err in [("DELETE FROM documents", "read-only"),
                     ("INSERT INTO speakers VALUES ('x', 'X', 'person')", "read-only"),
                     ("CALL ducklake_expire_snapshots('lake', older_than => now())", "read-only"),
                     (f"COPY documents TO '{tmp_path}/x.parquet'", "disabled"),
                     ("SELECT * FROM read_csv('/etc/passwd')", "disabled"),
                     ("SET enable_external_access = true", "locked"),
                     ("SET lock_configuration = false", "locked")]:
        with pytest.raises(duckdb.Error, match=err):
            con.execute(sql)
    assert shared2.versions()[-1]["version"] == 2
    assert shared2.query("SELECT count(*) FROM documents")[1] == [(2,)]
