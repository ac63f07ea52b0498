"""`transcripts check`, a copied or moved lake, and every command meeting a damaged lake: one line, the
documented exit status, never a traceback."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from test_lake import doc_rows, merge, version_row

from transcripts.store.lake import Changes, Lake

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    """A whole lake with two versions; tests that damage it work on a copy."""
    lake = Lake(tmp_path_factory.mktemp("whole") / "lake")
    lake.publish(Changes(rows=merge(doc_rows("a"), doc_rows("b")), version_row=version_row("first")))
    lake.publish(Changes(rows=doc_rows("c"), version_row=version_row("second")))
    return lake


@pytest.fixture
def copy(published: Lake, tmp_path: Path) -> Lake:
    shutil.copytree(published.root, tmp_path / "copy")
    return Lake(tmp_path / "copy")


def _current_file(lake: Lake, table: str) -> Path:
    return sorted((Path(lake.data_path) / "main" / table).glob("*.parquet"), key=lambda p: p.stat().st_mtime)[-1]


def _one_line(err: str) -> None:
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err


def test_check_whole_lake_exits_0(published: Lake, cli: Cli) -> None:
    code, out, err = cli("check", "--lake", published.root)
    assert code == 0, err
    assert "whole versions: 1, 2; damaged versions: none" in out and "is whole" in out
    code, out, _ = cli("check", "--lake", published.root, "--json")
    report = json.loads(out)
    assert code == 0 and not report["damaged"] and report["files_checked"] > 0


def test_check_after_gc_is_whole(copy: Lake, cli: Cli) -> None:
    assert cli("gc", "--keep", "1", "--lake", copy.root)[0] == 0
    code, out, _ = cli("check", "--lake", copy.root)
    assert code == 0 and "whole versions: 2; damaged versions: none" in out


def test_check_names_a_missing_file_and_what_can_still_be_read(copy: Lake, cli: Cli) -> None:
    missing = _current_file(copy, "documents")
    missing.unlink()
    code, out, _ = cli("check", "--lake", copy.root, "--json")
    report = json.loads(out)
    assert code == 1 and report["damaged"]
    assert report["problems"] == {str(missing.relative_to(copy.root)): "missing"}
    assert report["damaged_versions"] == [2] and report["whole_versions"] == [1]
    assert report["unreadable_tables"] == ["documents"] and "segments" in report["readable_tables"]
    code, out, _ = cli("check", "--lake", copy.root)
    assert code == 1 and "missing" in out and "is damaged" in out


def test_check_finds_a_truncated_or_corrupted_file(copy: Lake, cli: Cli) -> None:
    cut = _current_file(copy, "segments")
    recorded = cut.stat().st_size
    cut.write_bytes(cut.read_bytes()[:-10])
    flipped = _current_file(copy, "sources")
    data = bytearray(flipped.read_bytes())
    data[-1] ^= 0xFF
    flipped.write_bytes(bytes(data))
    report = json.loads(cli("check", "--lake", copy.root, "--json")[1])
    problem = report["problems"][str(cut.relative_to(copy.root))]
    assert problem == f"{recorded - 10} bytes, the catalog records {recorded}"
    assert report["problems"][str(flipped.relative_to(copy.root))] == "not a Parquet file (damaged)"


@pytest.mark.parametrize("command", [
    ("query", "SELECT count(*) FROM documents"),
    ("validate",),
    ("diff", "1", "2"),
    ("export", "{tmp}/export"),
])
def test_commands_meet_a_missing_file_with_one_line_naming_check(copy: Lake, cli: Cli, tmp_path: Path,
                                                                 command: tuple[str, ...]) -> None:
    _current_file(copy, "documents").unlink()
    args = [a.format(tmp=tmp_path) for a in command]
    code, _, err = cli(*args, "--lake", copy.root)
    assert code == 1
    _one_line(err)
    assert "transcripts check" in err


def test_truncated_catalog_is_one_line_everywhere(copy: Lake, cli: Cli, tmp_path: Path) -> None:
    catalog = copy.catalog_path
    catalog.write_bytes(catalog.read_bytes()[:1000])
    for name in ("catalog.sqlite-wal", "catalog.sqlite-shm"):
        (copy.root / name).unlink(missing_ok=True)
    for args in (("query", "SELECT 1"), ("versions",), ("validate",), ("diff", "1", "2"),
                 ("export", str(tmp_path / "x")), ("gc", "--keep", "1")):
        code, _, err = cli(*args, "--lake", copy.root)
        assert code == 1, (args, err)
        _one_line(err)
        assert "transcripts check" in err
    code, out, _ = cli("check", "--lake", copy.root)
    assert code == 1 and "catalog" in out
    _assert_run_refuses(cli, copy, tmp_path)


def test_no_change_run_over_a_damaged_version_is_not_nothing_to_do(copy: Lake, cli: Cli, tmp_path: Path) -> None:
    _current_file(copy, "segments").unlink()
    _assert_run_refuses(cli, copy, tmp_path)


def _assert_run_refuses(cli: Cli, lake: Lake, tmp_path: Path) -> None:
    """A run over a damaged lake ends at once (before Prefect) with one line naming `transcripts check`."""
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("HOST: hello.\n", encoding="utf-8")
    code, out, err = cli("run", "--input", pages, "--lake", lake.root)
    assert code == 1 and "nothing to do" not in out
    _one_line(err)
    assert "damaged" in err and "transcripts check" in err


def test_copied_and_moved_lake_answers_like_the_original(published: Lake, cli: Cli, tmp_path: Path) -> None:
    copied = tmp_path / "elsewhere" / "copied"
    shutil.copytree(published.root, copied)
    moved = tmp_path / "moved"
    shutil.copytree(published.root, tmp_path / "to-move")
    (tmp_path / "to-move").rename(moved)
    for args in (("query", "SELECT doc_id, n_turns FROM documents ORDER BY doc_id", "--format", "csv"),
                 ("query", "SELECT count(*) FROM segments", "--version", "1", "--format", "csv"),
                 ("versions", "--format", "csv"), ("diff", "1", "2", "--format", "json")):
        original = cli(*args, "--lake", published.root)
        assert original[0] == 0
        for lake in (copied, moved):
            assert cli(*args, "--lake", lake) == original
    def validated(lake: Path) -> tuple[int, str, list[str]]:
        """Exit status, verdict line and the rules that failed (samples and timings vary run to run)."""
        code, out, _ = cli("validate", "--lake", lake)
        lines = out.strip().splitlines()
        return code, lines[-1], sorted(line.split(":")[0] for line in lines if line.startswith("- sql."))

    for lake in (copied, moved):
        assert validated(lake) == validated(published.root)
        assert cli("check", "--lake", lake)[0] == 0
    # and a copy takes new versions without touching the original's files
    before = sorted(p.name for p in Path(published.data_path).rglob("*.parquet"))
    assert Lake(copied).publish(Changes(rows=doc_rows("d"), version_row=version_row("third"))).version == 3
    assert sorted(p.name for p in Path(published.data_path).rglob("*.parquet")) == before
    assert cli("query", "SELECT count(*) FROM documents", "--lake", copied, "--format", "csv")[1] == "count_star()\n4\n"


@pytest.mark.parametrize("args", [
    ("validate", "--version", "999"),
    ("query", "SELECT 1", "--version", "999"),
    ("export", "{tmp}/x", "--version", "999"),
    ("diff", "1", "999"),
    ("query", "EXPLAIN /**/ ANALYZE DELETE FROM documents"),
    ("query", "SELEC 1"),
    ("query", "SELECT " + "1 + " * 5000 + "1"),
    ("query", "SELECT 1", "--format", "xml"),
    ("query", "SELECT 1", "--timeout", "0"),
    ("gc",),
    ("gc", "--keep", "0"),
    ("gc", "--older-than", "soon"),
    ("versions", "--lake", "{tmp}/nowhere"),
    ("check", "--lake", "{tmp}/nowhere"),
])
def test_error_paths_print_one_line_and_no_traceback(published: Lake, cli: Cli, tmp_path: Path,
                                                     args: tuple[str, ...]) -> None:
    argv = [a.format(tmp=tmp_path) for a in args]
    if "--lake" not in argv:
        argv += ["--lake", str(published.root)]
    code, out, err = cli(*argv)
    assert code in (1, 2), (argv, code, out, err)
    assert "Traceback" not in err and "Traceback" not in out
    # one line of ours, or typer's own usage box for an option it refuses
    assert len(err.strip().splitlines()) == 1 or err.startswith("Usage:"), err
