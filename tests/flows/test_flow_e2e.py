"""End to end through Prefect and the store: the lifecycle an analyst and a scheduler see, on a lake folder and
on a remote lake (PostgreSQL catalog, data in S3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from support.lakes import lake_args, new_lake

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["local", "remote"])
def lifecycle(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path,
              prefect_harness: None, cli) -> dict:
    """v1 from the seeds, a no-change re-run, then one page edited -> v2."""
    root = tmp_path_factory.mktemp("e2e")
    pages, lake = root / "pages", new_lake(request, request.param, root / "lake")
    args = lake_args(lake)
    shutil.copytree(seeds_dir, pages)
    first = cli("run", "--input", pages, *args, "--json")
    again = cli("run", "--input", pages, *args, "--json")
    edited = pages / "001_00c285dc558d520c.txt"
    edited.write_text(edited.read_text("utf-8").replace("Emily, thanks so much.", "Emily, thank you so much."),
                      "utf-8")
    second = cli("run", "--input", pages, *args, "--json")
    return {"root": root, "pages": pages, "lake": args, "store": lake, "first": first, "again": again,
            "second": second}


def query(cli, lake: list[str], sql: str, *extra: str) -> list[dict]:
    code, stdout, stderr = cli("query", *lake, "--format", "json", *extra, sql)
    assert code == 0, stderr
    return json.loads(stdout)


def test_flow_first_run_publishes_version_1(lifecycle: dict) -> None:
    code, stdout, _ = lifecycle["first"]
    summary = json.loads(stdout)
    assert code == 0 and summary["status"] == "published" and summary["version"] == 1
    assert summary["added"] == 3 and summary["rows"]["documents"] == 3


def test_flow_rerun_without_changes_publishes_nothing(lifecycle: dict) -> None:
    code, stdout, _ = lifecycle["again"]
    summary = json.loads(stdout)
    assert code == 0 and summary["status"] == "nothing_to_do" and summary["version"] == 1


def test_flow_editing_one_page_publishes_version_2_with_only_that_document(lifecycle: dict) -> None:
    code, stdout, _ = lifecycle["second"]
    summary = json.loads(stdout)
    assert code == 0 and summary["version"] == 2
    assert (summary["added"], summary["changed"], summary["removed"]) == (0, 1, 0)


def test_flow_diff_names_the_changed_document(lifecycle: dict, cli) -> None:
    code, stdout, _ = cli("diff", "1", "2", *lifecycle["lake"], "--format", "json")
    d = json.loads(stdout)
    assert code == 0 and d["changed"] == ["001_00c285dc558d520c"] and d["added"] == [] and d["removed"] == []


def test_flow_time_travel_returns_the_old_rows(lifecycle: dict, cli) -> None:
    sql = "SELECT text FROM segments WHERE doc_id = '001_00c285dc558d520c' AND text LIKE 'Emily, thank%'"
    old = query(cli, lifecycle["lake"], sql, "--version", "1")
    new = query(cli, lifecycle["lake"], sql)
    assert [r["text"] for r in old] == ["Emily, thanks so much."]
    assert [r["text"] for r in new] == ["Emily, thank you so much."]


def test_flow_query_json_prints_an_array_of_objects(lifecycle: dict, cli) -> None:
    rows = query(cli, lifecycle["lake"], "SELECT kind, count(*) AS n FROM segments GROUP BY kind ORDER BY kind")
    assert isinstance(rows, list) and {"kind", "n"} == set(rows[0])
    assert {r["kind"] for r in rows} >= {"turn", "paragraph"}


def test_flow_transcript_seeds_have_labeled_speaker_turns(lifecycle: dict, cli) -> None:
    rows = query(cli, lifecycle["lake"], """
        SELECT d.doc_id, count(*) AS turns, count(DISTINCT s.speaker_id) AS speakers
        FROM documents d JOIN segments s USING (doc_id)
        WHERE d.doc_type = 'transcript' AND s.kind = 'turn' GROUP BY d.doc_id ORDER BY d.doc_id""")
    assert [(r["doc_id"], r["turns"], r["speakers"]) for r in rows] == [
        ("000_a2278f2a4c24a35c", 15, 3), ("001_00c285dc558d520c", 14, 3)]


def test_flow_query_refuses_writes(lifecycle: dict, cli) -> None:
    for sql in ("DELETE FROM segments", "DROP TABLE documents", "INSERT INTO speakers VALUES ('x', 'y', 'person')",
                "UPDATE documents SET title = 'x'"):
        code, _, stderr = cli("query", *lifecycle["lake"], sql)
        assert code == 2 and "read-only" in stderr, sql
    assert len(query(cli, lifecycle["lake"], "SELECT * FROM documents")) == 3


def test_flow_versions_lists_both_versions(lifecycle: dict, cli) -> None:
    code, stdout, _ = cli("versions", *lifecycle["lake"], "--format", "json")
    versions = json.loads(stdout)
    assert code == 0 and [v["version"] for v in versions] == [1, 2]
    assert versions[1]["docs_changed"] == 1 and versions[0]["rows"]["documents"] == 3


def test_flow_export_reads_back_with_plain_parquet(lifecycle: dict, cli) -> None:
    target = lifecycle["root"] / "export"
    code, _, stderr = cli("export", target, "--version", "1", *lifecycle["lake"])
    assert code == 0, stderr
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["version"] == 1
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{target / 'documents.parquet'}')").fetchone()
    assert n == (3,)
    card = (target / "README.md").read_text()
    assert "speaker_label" in card and "the label as printed" in card


def test_flow_missing_input_folder_exits_2(tmp_path: Path, cli) -> None:
    missing = tmp_path / ("a-long-folder-name-" * 6) / "[2024] pages"  # long, and looks like markup
    code, _, stderr = cli("run", "--input", missing, "--lake", tmp_path / "lake")
    assert code == 2 and f"input folder {missing} does not exist" in stderr  # whole, to copy and paste


def test_flow_readme_cookbook_queries_run_on_the_seeds(lifecycle: dict, cli) -> None:
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    cookbook = re.findall(r"```sql\n(.*?)```", readme, re.S)
    assert len(cookbook) >= 5
    for sql in cookbook:
        assert query(cli, lifecycle["lake"], sql), sql


def test_flow_validate_rechecks_a_published_version(lifecycle: dict, cli) -> None:
    code, stdout, _ = cli("validate", "--version", "1", *lifecycle["lake"])
    assert code == 0
    assert "146 expectations evaluated, 0 failed" in stdout and "SQL checks" in stdout


def test_flow_each_published_run_keeps_a_readable_report(lifecycle: dict) -> None:
    reports = sorted((lifecycle["store"].root / "reports").glob("*.md"))
    assert [p.name.rsplit("-", 1)[1] for p in reports] == ["v1.md", "v2.md"]
    assert "expectations:" in reports[0].read_text()


def test_flow_run_summary_is_kept_as_a_prefect_artifact(lifecycle: dict) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["transcripts-run"])))
    texts = [str(a.data) for a in artifacts]
    assert any("published version 2" in t and "| segments |" in t and "| publish |" in t for t in texts)


def test_flow_missing_ner_model_is_a_clear_error_before_any_work(tmp_path: Path, seeds_dir: Path,
                                                                  prefect_harness: None, cli) -> None:
    from transcripts.store.lake import Lake

    code, _, stderr = cli("run", "--input", seeds_dir, "--lake", tmp_path / "lake", "--ner-model", "no_such_model")
    assert code == 3 and "no_such_model" in stderr and "not installed" in stderr
    assert Lake(tmp_path / "lake").current_version() is None
