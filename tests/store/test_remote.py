"""A remote lake (store.location, store.remote): how its location is chosen, its S3 credentials, every command
against it without a secret in any output, a damaged S3 file, and the README's read-only attach recipes.

The lifecycle itself (publish, re-run, edit, diff, time travel, refusals, export, gc, kills, the lock) runs
against both kinds of lake in test_lake.py, test_reliability.py and tests/flows/test_flow_e2e.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.lakes import lake_args
from test_lake import publish_two_versions

from transcripts.store import remote
from transcripts.store.lake import Lake
from transcripts.store.location import LocalLocation, LocationError, RemoteLocation, resolve_location
from transcripts.store.remote_s3 import s3_secret_sql

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "transcripts"
PG = "postgresql://analyst@db.example.org:5433/transcripts"

# ------------------------------------------------------------------ choosing the location (no services)


def test_location_from_flags_env_config_or_the_default_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_location(None, env={}) == LocalLocation(tmp_path / "output")
    assert resolve_location("lake", env={"TRANSCRIPTS_LAKE": PG}).root == tmp_path / "lake"  # the flag wins
    from_env = resolve_location(None, env={"TRANSCRIPTS_LAKE": PG, "TRANSCRIPTS_DATA": "s3://b/p"})
    assert isinstance(from_env, RemoteLocation) and from_env.data_url == "s3://b/p/"
    assert from_env.catalog_url == PG and from_env.dsn == \
        "user=analyst dbname=transcripts host=db.example.org port=5433"
    (tmp_path / "transcripts.toml").write_text(f'[lake]\ncatalog = "{PG}"\ndata = "s3://bucket/prefix/"\n')
    from_file = resolve_location(None, env={})
    assert isinstance(from_file, RemoteLocation) and from_file.data_url == "s3://bucket/prefix/"
    assert from_file.options == f"--lake '{PG}' --data s3://bucket/prefix/"
    assert resolve_location("elsewhere", env={}) == LocalLocation(tmp_path / "elsewhere")
    assert resolve_location(PG, env={"TRANSCRIPTS_DATA": "s3://b/q"}).data_url == "s3://b/q/"
    (tmp_path / "transcripts.toml").unlink()
    assert resolve_location(None, env={"TRANSCRIPTS_DATA": "s3://b/q"}) == LocalLocation(tmp_path / "output")


@pytest.mark.parametrize(("lake", "data", "message"), [
    ("output", "s3://b/p", "--data goes with a PostgreSQL catalog"),
    (PG, None, "needs --data s3://BUCKET/PREFIX"),
    (PG, "/tmp/data", "--data must be an s3://BUCKET/PREFIX URL"),
    ("mysql://host/db", None, "--lake takes a folder or a postgresql:// URL"),
    ("postgresql://host", "s3://b/p", "names no database"),
])
def test_location_mistakes_are_one_line(lake: str, data: str | None, message: str) -> None:
    with pytest.raises(LocationError, match=message):
        resolve_location(lake, data, env={})


def test_password_in_the_url_goes_to_pgpassword_and_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", "")
    location = resolve_location("postgresql://analyst:Sesame-42@db.example.org/transcripts", "s3://b/p")
    assert isinstance(location, RemoteLocation) and os.environ["PGPASSWORD"] == "Sesame-42"
    shown = [location.dsn, location.catalog_url, location.display, location.options, repr(location)]
    assert not any("Sesame-42" in text for text in shown)
    assert remote.redact("password authentication failed: Sesame-42") == "password authentication failed: ***"


def test_the_shells_s3_secret_reads_the_credentials_with_getenv() -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "s3cr3t-key", "AWS_REGION": "eu-west-1",
           "AWS_ENDPOINT_URL": "http://127.0.0.1:9000"}
    shown = s3_secret_sql(env, by_getenv=True)  # what `transcripts shell` passes on its command line
    assert shown == ("CREATE OR REPLACE SECRET transcripts_s3 (TYPE s3, REGION 'eu-west-1', "
                     "KEY_ID getenv('AWS_ACCESS_KEY_ID'), SECRET getenv('AWS_SECRET_ACCESS_KEY'), "
                     "ENDPOINT '127.0.0.1:9000', USE_SSL false, URL_STYLE 'path')")
    assert remote.redact("signature for s3cr3t-key failed", env) == "signature for *** failed"


# ------------------------------------------------------------------ every command against a remote lake


@pytest.fixture(scope="module")
def published(remote_lakes: Any) -> Lake:
    lake = Lake(remote_lakes.new("published"))
    lake.init()
    return publish_two_versions(lake)


def _secrets() -> list[str]:
    return [os.environ["AWS_SECRET_ACCESS_KEY"]]


def test_every_command_reads_the_remote_lake_and_shows_no_secret(published: Lake, cli, tmp_path: Path) -> None:
    args = lake_args(published)
    outputs = []
    for command, expect in [
        (["versions", "--format", "json"], '"version": 2'),
        (["query", "SELECT doc_id FROM documents ORDER BY 1", "--format", "csv"], "doc_id\na\nc"),
        (["query", "--version", "1", "SELECT doc_id FROM documents ORDER BY 1", "--format", "csv"], "a\nb"),
        (["diff", "1", "2", "--format", "json"], '"changed": [\n    "a"\n  ]'),
        (["export", str(tmp_path / "export"), "--version", "1"], "exported version 1"),
        (["check"], "whole versions: 1, 2"),
        (["show", "a"], "Ann"),
    ]:
        code, stdout, stderr = cli(*command, *args)
        assert code == 0 and expect in stdout, (command, stdout, stderr)
        outputs.append(stdout + stderr)
    assert json.loads((tmp_path / "export" / "manifest.json").read_text())["tables"]["documents"]["rows"] == 2
    code, stdout, stderr = cli("query", "SELECT * FROM read_text('/etc/passwd')", *args)
    assert code == 2 and "not allowed" in stderr
    code, _, stderr = cli("query", "SELECT * FROM no_such_table", *args)
    assert code == 1 and stderr.count("\n") == 1 and published.location.data_url not in stderr
    outputs.append(stderr)
    assert not any(secret in text for text in outputs for secret in _secrets())


def test_shell_and_search_work_on_a_remote_lake_with_no_credential_on_the_command_line(published: Lake) -> None:
    shell = [str(CLI), "shell", *lake_args(published), "--", "-csv", "-c", "SELECT count(*) AS n FROM documents"]
    run = subprocess.run(shell, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.split() == ["n", "2"], run.stderr
    from transcripts.explore.shell import attach_sql

    assert os.environ["AWS_SECRET_ACCESS_KEY"] not in attach_sql(published.location, None)
    run = subprocess.run([str(CLI), "search", "s2", *lake_args(published), "--format", "csv"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "score,doc_id" in run.stdout, run.stderr


def test_wrong_credentials_and_an_unreachable_catalog_are_one_line_without_secrets(published: Lake) -> None:
    env = dict(os.environ, AWS_SECRET_ACCESS_KEY="wrong-secret-for-the-test")
    for command in (["query", "SELECT count(*) FROM segments"], ["check"], ["versions"]):
        run = subprocess.run([str(CLI), *command, *lake_args(published)], env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode in (0, 1) and "Traceback" not in run.stderr, (command, run.stderr)
        assert "wrong-secret-for-the-test" not in run.stdout + run.stderr
    run = subprocess.run([str(CLI), "query", "SELECT count(*) FROM segments", *lake_args(published)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and "cannot be listed" in run.stderr
    url = "postgresql://analyst:Hunter-2222@/nothing?host=/nonexistent-folder"
    run = subprocess.run([str(CLI), "versions", "--lake", url, "--data", "s3://b/p"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1 and "cannot be reached" in run.stderr and "Hunter-2222" not in run.stderr


def test_check_names_a_remote_file_whose_size_changed(remote_lakes: Any, cli) -> None:
    lake = publish_two_versions(Lake(remote_lakes.new("damaged")))
    victim = sorted(n for n in _listing(lake) if "/main/segments/" in n)[-1]
    con = lake.connect()
    try:  # the same name, other bytes: what a failed or foreign upload leaves
        con.execute(f"COPY (SELECT 'not the data' AS x) TO '{victim}' (FORMAT parquet)")
    finally:
        con.close()
    code, stdout, _ = cli("check", *lake_args(lake), "--json")
    report = json.loads(stdout)
    assert code == 1 and report["damaged"] and report["damaged_versions"] == [2]
    assert list(report["problems"]) == [victim.removeprefix(lake.location.data_url)]
    code, _, stderr = cli("query", "SELECT count(*) FROM segments", *lake_args(lake))
    assert code == 1 and "transcripts check" in stderr and "damaged" in stderr


def _listing(lake: Lake) -> dict[str, int]:
    from transcripts.store.integrity import remote_sizes

    return remote_sizes(lake)


# ------------------------------------------------------------------ the README's read-only attach


def _readme_block(tag: str) -> str:
    import re

    text = (ROOT / "README.md").read_text("utf-8")
    match = re.search(rf"<!-- tested: {re.escape(tag)} -->\n```\w*\n(.*?)\n```", text, re.S)
    assert match, f"README has no block tagged {tag}"
    return match.group(1)


@pytest.mark.parametrize(("tag", "argv"), [("remote-duckdb-python", [sys.executable, "-c"]),
                                           ("remote-duckdb-cli", ["bash", "-c"])])
def test_readme_remote_attach_recipes_run_verbatim(published: Lake, tmp_path: Path, tag: str,
                                                   argv: list[str]) -> None:
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)
    location = published.location
    assert isinstance(location, RemoteLocation)
    env = dict(os.environ, TRANSCRIPTS_LAKE=location.catalog_url,
               TRANSCRIPTS_DATA=location.data_url, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    run = subprocess.run([*argv, _readme_block(tag)], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert "a" in run.stdout.split() and "c" in run.stdout.split(), run.stdout


# ------------------------------------------------------------------ a real run killed while it publishes


def _published_seeds_and_copies(remote_lakes: Any, name: str, seeds_dir: Path, tmp_path: Path, cli,
                                 copies: int) -> tuple[Lake, Path, dict[str, str]]:
    """A remote lake with the seeds published as version 1, `copies` edited copies of them waiting in its
    input folder, and the environment for a `transcripts run` on the session's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    lake = Lake(remote_lakes.new(name))
    pages = tmp_path / "pages"
    pages.mkdir()
    for p in sorted(seeds_dir.iterdir()):
        (pages / p.name).write_text(p.read_text("utf-8"), "utf-8")
    code, _, stderr = cli("run", "--input", pages, *lake_args(lake), "--ner-model", "none")
    assert code == 0, stderr
    for i in range(copies):
        for p in sorted(seeds_dir.iterdir()):
            (pages / f"{i:02d}_{p.name}").write_text(p.read_text("utf-8").replace("Emily", f"Emily{i}"), "utf-8")
    return lake, pages, dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()))


@pytest.mark.slow
def test_a_run_killed_while_publishing_to_a_remote_lake_leaves_the_previous_version(
        remote_lakes: Any, seeds_dir: Path, tmp_path: Path, prefect_harness: None, cli) -> None:
    import signal
    import time

    lake, pages, env = _published_seeds_and_copies(remote_lakes, "killed", seeds_dir, tmp_path, cli, copies=12)
    before = lake.query("SELECT doc_id, source_sha256 FROM documents ORDER BY 1")[1]  # the seeds, version 1
    run = subprocess.Popen([str(CLI), "run", "--input", str(pages), *lake_args(lake), "--ner-model", "none",
                            "--chunk-docs", "8"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        while not lake.has_orphans():  # uploads of the open transaction: it holds the lock and is publishing
            assert run.poll() is None, run.communicate()[1]
            assert time.monotonic() < deadline, "the run never started publishing"
            time.sleep(0.2)
        holder = lake.lock_holder()
        assert holder is not None and f"pid {run.pid}" in holder
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
        if run.stderr:
            run.stderr.close()
    assert lake.current_version() == 1 and lake.lock_holder() is None  # PostgreSQL dropped the lock
    assert lake.query("SELECT doc_id, source_sha256 FROM documents ORDER BY 1")[1] == before
    code, stdout, stderr = cli("run", "--input", pages, *lake_args(lake), "--ner-model", "none", "--json")
    assert code == 0 and json.loads(stdout)["version"] == 2, stderr
    assert not lake.has_orphans()  # the next run removed what the killed one had uploaded
    assert lake.query("SELECT count(*) FROM documents")[1] == [(39,)]


@pytest.mark.slow
def test_a_reader_in_a_loop_during_a_real_run_never_fails_nor_sees_a_mixed_version(
        remote_lakes: Any, seeds_dir: Path, tmp_path: Path, prefect_harness: None, cli) -> None:
    lake, pages, env = _published_seeds_and_copies(remote_lakes, "read_during_run", seeds_dir, tmp_path, cli,
                                                   copies=6)
    # one query that would disagree with itself on a mixed version: rows read vs rows the version recorded
    sql = ("SELECT (SELECT max(version) FROM versions), (SELECT count(*) FROM documents), "
           "(SELECT count(*) FROM segments), (SELECT rows['documents'] FROM versions ORDER BY version DESC LIMIT 1), "
           "(SELECT rows['segments'] FROM versions ORDER BY version DESC LIMIT 1)")
    run = subprocess.Popen([str(CLI), "run", "--input", str(pages), *lake_args(lake), "--ner-model", "none",
                            "--chunk-docs", "4"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: list[int] = []
    try:
        while run.poll() is None or not seen or seen[-1] < 2:
            _, [(version, docs, segments, recorded_docs, recorded_segments)] = lake.query(sql)
            assert (docs, segments) == (recorded_docs, recorded_segments), f"version {version} read mixed"
            assert not seen or version >= seen[-1]
            seen.append(version)
            assert run.poll() in (None, 0), run.communicate()[1]
    finally:
        if run.poll() is None:
            run.kill()
        run.wait()
    assert run.returncode == 0
    assert seen.count(1) >= 3 and seen[-1] == 2  # it read while the run worked, then the new version
