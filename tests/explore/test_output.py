"""How rows reach a pipe, a file or a JSON reader (the shared renderer of query, versions, diff, search)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from transcripts.explore.output import cell_text, render_rows

CLI = Path(sys.executable).parent / "transcripts"


def test_tsv_has_a_header_and_whole_values_one_row_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    long = "x" * 300
    render_rows(["a", "b", "c"], [(long, "tab\there\nnewline", None), (1, ["l", 2], {"k": "v"})], "tsv")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["a\tb\tc", f"{long}\ttab\\there\\nnewline\t", '1\t["l",2]\t{"k":"v"}']


def test_auto_is_tsv_when_stdout_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    render_rows(["n"], [(1,), (2,), (3,)], "auto", limit=2)
    assert capsys.readouterr().out == "n\n1\n2\n"


def test_json_nests_lists_maps_and_json_text_columns(capsys: pytest.CaptureFixture[str]) -> None:
    render_rows(["rows", "validation", "message"], [({"documents": 3}, '{"ok": true}', '{"not": "parsed"}')],
                "json")
    [row] = json.loads(capsys.readouterr().out)
    assert row == {"rows": {"documents": 3}, "validation": {"ok": True}, "message": '{"not": "parsed"}'}


def test_cell_text_of_null_is_empty() -> None:
    assert cell_text(None) == "" and cell_text(3.5) == "3.5"


def test_query_piped_into_head_prints_header_and_two_rows_and_exits_0(seeds_lake: dict[str, Any]) -> None:
    # Far more output than a pipe buffer holds, so the writer meets the closed pipe.
    sql = "SELECT s.doc_id, s.seg_idx, r.range AS copy FROM segments s, range(3000) r"
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    head = subprocess.run(f"'{CLI}' query \"{sql}\" --lake '{seeds_lake['dir']}' | head -3; "
                          "echo \"status=${PIPESTATUS[0]}\"", shell=True, executable="/bin/bash",
                          capture_output=True, text=True, env=env, timeout=120)
    lines = head.stdout.splitlines()
    assert lines[0] == "doc_id\tseg_idx\tcopy"
    assert len(lines) == 4 and lines[3] == "status=0", head.stdout
    assert head.stderr == ""


def test_query_limit_and_json(cli, seeds_lake: dict[str, Any]) -> None:
    code, out, _ = cli("query", "SELECT doc_id FROM documents ORDER BY doc_id", "--limit", "1", "--format", "json",
                       "--lake", seeds_lake["dir"])
    assert code == 0 and json.loads(out) == [{"doc_id": "000_a2278f2a4c24a35c"}]


def test_versions_json_nests_validation_and_rows(cli, seeds_lake: dict[str, Any]) -> None:
    code, out, _ = cli("versions", "--format", "json", "--lake", seeds_lake["dir"])
    assert code == 0
    versions = json.loads(out)
    assert [v["version"] for v in versions] == [1, 2]
    assert isinstance(versions[0]["validation"], dict) and "expectations_evaluated" in versions[0]["validation"]
    assert versions[1]["rows"]["documents"] == 2


def test_query_at_version_is_refused_with_a_pointer_to_version(cli, seeds_lake: dict[str, Any]) -> None:
    for clause in ("AT (VERSION => 1)", "AT (TIMESTAMP => now())"):
        code, out, err = cli("query", f"SELECT count(*) FROM documents {clause}", "--lake", seeds_lake["dir"])
        assert code == 2 and out == ""
        assert "--version" in err and err.strip().count("\n") == 0


def test_query_version_reads_the_dataset_version(cli, seeds_lake: dict[str, Any]) -> None:
    counts = {}
    for version in ("1", "2"):
        code, out, _ = cli("query", "SELECT count(*) AS n FROM documents", "--version", version, "--format", "json",
                           "--lake", seeds_lake["dir"])
        assert code == 0
        counts[version] = json.loads(out)[0]["n"]
    assert counts == {"1": 3, "2": 2}


def test_words_at_version_inside_a_string_are_not_time_travel(cli, seeds_lake: dict[str, Any]) -> None:
    code, out, _ = cli("query", "SELECT 'AT (VERSION => 1)' AS s", "--format", "csv", "--lake", seeds_lake["dir"])
    assert code == 0 and out.splitlines() == ["s", "AT (VERSION => 1)"]


def test_terminal_table_too_wide_shows_one_block_per_row(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    render_rows([f"column_{i}" for i in range(8)], [tuple(f"value-{i}" for i in range(8))], "table")
    out = capsys.readouterr().out
    assert "row 1" in out and "column_7  value-7" in out and "1 row" in out
    render_rows(["a", "b"], [("x", "y")], "table")
    out = capsys.readouterr().out
    assert "row 1" not in out and "│ x │ y │" in out
