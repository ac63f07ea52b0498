"""Scheduling and scale-out: every runner publishes what the default runner publishes, and the scheduled
deployment runs through Prefect."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.lake_tables import table_contents

from transcripts.store.lake import Lake

pytestmark = pytest.mark.slow

MAKE_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "tools" / "make_corpus.py"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """The seeds plus a few generated pages of other styles (and some bad ones)."""
    folder = tmp_path_factory.mktemp("runners") / "pages"
    shutil.copytree(seeds_dir, folder)
    if MAKE_CORPUS.is_file():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(folder / "generated"), "--n", "24", "--seed", "3",
                        "--bad-fraction", "0.2"], check=True, capture_output=True)
    return folder


def test_runners_every_runner_publishes_the_same_tables(pages: Path, tmp_path: Path, prefect_harness: None,
                                                        cli) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=2, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        runners = {"threads": "threads", "processes": "processes", "dask": "dask",
                   "scheduler": cluster.scheduler_address}
        for name, runner in runners.items():
            code, _, stderr = cli("run", "--input", pages, "--lake", tmp_path / name, "--runner", runner,
                                  "--batch-size", "5", "--ner-model", "none")
            assert code == 0, stderr
    threads = table_contents(tmp_path / "threads")
    assert threads["documents"] and threads["segments"]
    for name in ("processes", "dask", "scheduler"):
        assert table_contents(tmp_path / name) == threads, name


def test_runners_in_flight_batches_scale_with_the_dask_cluster(prefect_harness: None) -> None:
    from distributed import LocalCluster
    from prefect import flow

    from flows.flow import _workers, task_runner

    @flow
    def slots() -> int:
        return _workers()

    with LocalCluster(n_workers=3, threads_per_worker=2, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        assert slots.with_options(task_runner=task_runner(cluster.scheduler_address))() == 6
    assert slots.with_options(task_runner=task_runner("threads"))() == (os.cpu_count() or 2)


def test_runners_unknown_runner_is_a_usage_error(tmp_path: Path, seeds_dir: Path, cli) -> None:
    code, _, stderr = cli("run", "--input", seeds_dir, "--lake", tmp_path / "lake", "--runner", "cluster")
    assert code == 2 and "unknown runner" in stderr


def test_runners_scheduled_deployment_runs_through_prefect(pages: Path, tmp_path: Path,
                                                           prefect_harness: None) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    lake = tmp_path / "lake"
    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               TRANSCRIPTS_SPACY_MODEL="none")
    serve = subprocess.Popen([sys.executable, "-m", "transcripts.cli", "serve", "--cron", "0 3 * * *",
                              "--input", str(pages), "--lake", str(lake), "--name", "test-schedule"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deployment = None
        with get_client(sync_client=True) as client:
            for _ in range(120):
                try:
                    deployment = client.read_deployment_by_name("transcripts-run/test-schedule")
                    break
                except Exception:
                    assert serve.poll() is None, serve.stdout.read() if serve.stdout else ""
                    time.sleep(0.5)
        assert deployment is not None, "the deployment was never registered"
        assert [getattr(s.schedule, "cron", None) for s in deployment.schedules] == ["0 3 * * *"]
        run = run_deployment("transcripts-run/test-schedule", timeout=240)
        assert isinstance(run, FlowRun)
        assert run.state is not None and run.state.is_completed(), run.state
        assert Lake(lake).current_version() == 1
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serve.kill()
