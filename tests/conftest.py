"""Fixtures shared by every test module."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The shared golden answers live beside the project (../shared/golden); CI clones next to shared/ too.
GOLDEN = Path(os.environ.get("TRANSCRIPTS_GOLDEN") or ROOT.parent / "shared" / "golden")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def golden_missing_message(folder: Path = GOLDEN) -> str:
    return f"golden tests not run: no golden files at {folder} (../shared is missing beside the project)"


def load_golden(folder: Path, ci: bool) -> dict[str, dict]:
    """Golden answers keyed by the seed's file name; skips (fails in CI) when the folder is missing."""
    if not folder.is_dir():
        if ci:  # CI has ../shared: its absence there is a broken checkout, not a user's clone
            pytest.fail(golden_missing_message(folder) + "; CI=true requires them", pytrace=False)
        pytest.skip(golden_missing_message(folder))
    return {g["file"]: g for g in (json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json")))}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say so at the end of every run when the golden tests could not run, instead of a silent skip."""
    if not GOLDEN.is_dir():
        terminalreporter.write_sep("=", golden_missing_message(), yellow=True, bold=True)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def golden() -> dict[str, dict]:
    """Golden answers keyed by the seed's file name."""
    return load_golden(GOLDEN, in_ci())


@pytest.fixture(scope="session")
def s3_server() -> Any:
    """One S3 server (SeaweedFS) per test process; skipped without the dev extras, a failure in CI."""
    from support.services import s3_server as start
    from support.services import skip_reason

    reason = skip_reason()
    if reason:
        if in_ci():
            pytest.fail(f"S3 tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    with start() as server:
        yield server


@pytest.fixture
def s3(s3_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The S3 server with a fresh, empty bucket (`s3.bucket`) and its AWS_* variables set for the test."""
    import uuid
    from types import SimpleNamespace

    bucket = f"test-{uuid.uuid4().hex[:16]}"
    s3_server.create_bucket(bucket)
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in s3_server.environment().items():
        monkeypatch.setenv(name, value)
    return SimpleNamespace(server=s3_server, bucket=bucket, url=f"s3://{bucket}/")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session: starting one costs 10-20 s."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def cli():
    """Invoke the `transcripts` command in-process; returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from transcripts.cli import app

    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


# ---------------------------------------------------------------- a small published lake (tests/explore)

REMOVED_IN_V2 = "002_a7df522fb442f5e4"
SHOWN = "001_00c285dc558d520c"


def _publish(lake: Any, input_dir: Path, replace: set[str]) -> int:
    """Publish the pages of `input_dir` through the steps, the suites and the SQL checks (no Prefect)."""
    from transcripts import pipeline
    from transcripts.store.lake import Changes
    from transcripts.tables import batch_tables
    from transcripts.validate.checks import sql_checks, validate_tables

    version = pipeline.pipeline_version("none")
    files = pipeline.scan_input(input_dir)
    tables = batch_tables(pipeline.process_batch(files), version)
    result = validate_tables({name: t.to_pandas() for name, t in tables.items()})
    outcome = lake.publish(Changes(replace_doc_ids=replace, rows=dict(tables), version_row={
        "pipeline_version": version, "docs_added": len(files), "docs_changed": 0, "docs_removed": len(replace),
        "validation": result.summary(), "input_sha256": pipeline.manifest_hash(files),
        "message": f"test publish of {len(files)} files"}), check=sql_checks)
    assert outcome.version is not None, outcome.report
    return outcome.version


@pytest.fixture(scope="session")
def publish_pages() -> Any:
    """`publish_pages(lake, input_dir, replace_doc_ids) -> version`, as a run would (without Prefect)."""
    return _publish


@pytest.fixture(scope="session")
def seeds_lake(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> dict[str, Any]:
    """A lake published from the seeds in two versions: version 1 has the three seed pages and an empty file
    (a reject); version 2 has the third page removed."""
    from transcripts.store.lake import Lake

    root = tmp_path_factory.mktemp("analyst")
    pages = root / "pages"
    shutil.copytree(seeds_dir, pages)
    (pages / "empty.txt").write_text("  \n", encoding="utf-8")
    lake = Lake(root / "output")
    _publish(lake, pages, set())
    (pages / f"{REMOVED_IN_V2}.txt").unlink()
    _publish(lake, pages, {REMOVED_IN_V2})
    return {"root": root, "lake": lake, "dir": root / "output", "shown": SHOWN, "removed": REMOVED_IN_V2}


# A page function that hangs on pages whose path contains "slow": stands in for a step that never ends.
HANGS_ON_SLOW_PAGES = '''
import time
from transcripts.pipeline import process_file

def process(f, max_bytes):
    if "slow" in f.source_path:
        time.sleep(600)
    return process_file(f, max_bytes)
'''


@pytest.fixture
def hanging_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Page workers run HANGS_ON_SLOW_PAGES instead of the steps (they import it from a module in tmp_path)."""
    from transcripts import worker

    helper = tmp_path / "hanging_helper"
    helper.mkdir()
    (helper / "hangs.py").write_text(HANGS_ON_SLOW_PAGES, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(helper), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(worker, "PAGE_FUNCTION", "hangs:process")


# ---------------------------------------------------------------- local and remote lakes

_REMOTE_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL", "TRANSCRIPTS_STATE_DIR")


@pytest.fixture(scope="session")
def remote_lakes(s3_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real PostgreSQL for this test worker (started once) beside the worker's S3 server, with the AWS
    variables set as a user of a remote lake sets them. Skips with the reason outside CI when the services
    cannot start here, and fails inside CI (through `s3_server`)."""
    from support import services
    from support.lakes import BUCKET, RemoteLakes

    saved = {name: os.environ.get(name) for name in _REMOTE_ENV}
    with services.postgres_server() as pg:
        s3_server.create_bucket(BUCKET)
        os.environ.update(s3_server.environment(),
                          TRANSCRIPTS_STATE_DIR=str(tmp_path_factory.mktemp("remote-state")))
        try:
            yield RemoteLakes(pg, s3_server)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@pytest.fixture(params=["local", "remote"])
def lake_kind(request: pytest.FixtureRequest) -> str:
    """Run the test against a lake folder and against a remote lake (PostgreSQL catalog, data in S3)."""
    return str(request.param)


@pytest.fixture
def make_lake(request: pytest.FixtureRequest, lake_kind: str, tmp_path: Path) -> Any:
    """`make_lake(name)`: a new lake of the test's kind (not created yet)."""
    from support.lakes import new_lake

    return lambda name="lake": new_lake(request, lake_kind, tmp_path / name)
