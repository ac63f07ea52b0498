"""`transcripts run --input s3://bucket/prefix/`: the dataset of the same files in a folder, the same change
detection, and Dask workers that read the pages from S3 themselves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from support.lake_tables import table_contents
from support.s3objects import put, upload_folder

from transcripts import sources
from transcripts.store.lake import Lake

pytestmark = pytest.mark.slow

MAX_BYTES = "20000"
EDITED = "001_00c285dc558d520c.txt"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """The seeds, one in a subfolder, and two pages that are rejected: an empty one and one too large."""
    folder = tmp_path_factory.mktemp("s3run") / "pages"
    shutil.copytree(seeds_dir, folder)
    (folder / "news").mkdir()
    shutil.move(folder / "000_a2278f2a4c24a35c.txt", folder / "news" / "000_a2278f2a4c24a35c.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "huge.txt").write_bytes(b"x" * (int(MAX_BYTES) + 1))
    return folder


@pytest.fixture(scope="module")
def local_lake(pages: Path, tmp_path_factory: pytest.TempPathFactory, prefect_harness: None, cli) -> Path:
    """The lake published from the folder: what the S3 runs must publish."""
    lake = tmp_path_factory.mktemp("s3run-local") / "lake"
    code, _, stderr = cli("run", "--input", pages, "--lake", lake, "--max-bytes", MAX_BYTES, "--ner-model", "none")
    assert code == 0, stderr
    return lake


def run(cli, url: str, lake: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    code, stdout, stderr = cli("run", "--input", url, "--lake", lake, "--max-bytes", MAX_BYTES, "--ner-model", "none",
                               "--json", *extra)
    return code, json.loads(stdout) if code == 0 else {}, stderr


def test_run_s3_publishes_the_folders_dataset_and_reprocesses_only_what_changed(
        pages: Path, local_lake: Path, s3: Any, tmp_path: Path, cli) -> None:
    upload_folder(s3.server, pages, s3.bucket, "pages/")
    url, lake = f"s3://{s3.bucket}/pages/", tmp_path / "lake"

    code, first, stderr = run(cli, url, lake)
    assert code == 0 and first["status"] == "published", stderr
    assert table_contents(lake) == table_contents(local_lake)
    rejects = Lake(lake).reader().execute("SELECT source_path, reason FROM rejects ORDER BY ALL").fetchall()
    assert rejects == [("empty.txt", "empty"), ("huge.txt", "too_large")]

    code, again, _ = run(cli, url, lake)
    assert code == 0 and again["status"] == "nothing_to_do" and again["version"] == first["version"]

    body = (pages / EDITED).read_text("utf-8").replace("Emily, thanks so much.", "Emily, thank you so much.")
    put(s3.server, s3.bucket, f"pages/{EDITED}", body.encode())
    code, edited, _ = run(cli, url, lake)
    assert code == 0 and edited["version"] == first["version"] + 1
    assert (edited["added"], edited["changed"], edited["removed"], edited["unchanged"]) == (0, 1, 0, 4)


def test_run_s3_missing_bucket_is_one_line_usage_error(s3: Any, tmp_path: Path, prefect_harness: None, cli) -> None:
    code, _, stderr = run(cli, "s3://no-such-bucket-here/pages/", tmp_path / "lake")
    assert code == 2 and "NoSuchBucket" in stderr and len(stderr.strip().splitlines()) == 1


def test_run_s3_dask_worker_processes_read_the_pages_from_s3(pages: Path, local_lake: Path, s3: Any, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, cli) -> None:
    """Two Dask worker processes (their own memory, as on other machines) read every page themselves: the
    driver's page reader is broken, so a page read by the driver would become an `unreadable` reject."""
    from distributed import LocalCluster

    upload_folder(s3.server, pages, s3.bucket, "pages/")
    driver_reads: list[str] = []

    def driver_must_not_read(url: str, max_bytes: int) -> bytes:
        driver_reads.append(url)
        raise OSError("the driver read a page")

    monkeypatch.setattr(sources, "read_object", driver_must_not_read)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, protocol="tcp",
                      dashboard_address=None) as cluster:  # started after the AWS variables are set: inherited
        runner = "dask://" + cluster.scheduler_address.split("://", 1)[1]
        code, summary, stderr = run(cli, f"s3://{s3.bucket}/pages/", tmp_path / "lake", "--runner", runner,
                                    "--batch-size", "1", "--page-timeout", "0")
    assert code == 0 and summary["status"] == "published", stderr
    assert driver_reads == []
    assert table_contents(tmp_path / "lake") == table_contents(local_lake)
