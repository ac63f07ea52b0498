"""Pages from an S3 prefix: the same pages, hashes and rejects as the same files in a local folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from support.s3objects import delete, put, upload_folder

from transcripts import sources
from transcripts.scan import InputError

MAX_BYTES = 20_000


@pytest.fixture
def folder(tmp_path: Path, seeds_dir: Path) -> Path:
    """The seeds plus every kind of page the S3 listing must judge as a folder walk does."""
    pages = tmp_path / "pages"
    shutil.copytree(seeds_dir, pages)
    (pages / "empty.txt").write_bytes(b"")
    (pages / "huge.txt").write_bytes(b"x" * (MAX_BYTES + 1))
    (pages / ".notes.txt").write_text("hidden\n", encoding="utf-8")
    (pages / ".cache").mkdir()
    (pages / ".cache" / "a.txt").write_text("hidden folder\n", encoding="utf-8")
    (pages / "news" / "2024").mkdir(parents=True)
    (pages / "news" / "2024" / "x y ü.txt").write_text("A page\n\nwith a body.\n", encoding="utf-8")
    return pages


def comparable(files: list[Any]) -> list[tuple]:
    return [(f.source_path, f.doc_id, f.sha256, f.n_bytes, f.problem and (f.problem.reason, f.problem.detail))
            for f in files]


def test_sources_s3_prefix_lists_the_pages_and_rejects_of_the_same_folder(folder: Path, s3: Any) -> None:
    upload_folder(s3.server, folder, s3.bucket, "pages/")
    put(s3.server, s3.bucket, "pages/news/", b"")  # a "folder" object: not a page
    put(s3.server, s3.bucket, "pages-other/not-mine.txt", b"another prefix\n")
    local = sources.scan_input(folder, MAX_BYTES)
    remote = sources.scan_input(f"s3://{s3.bucket}/pages", MAX_BYTES)  # with or without the final slash
    assert comparable(remote) == comparable(local)
    reasons = {f.source_path: f.problem.reason for f in remote if f.problem}
    assert reasons == {".cache": "hidden", ".notes.txt": "hidden", "huge.txt": "too_large"}
    assert all(f.abs_path == f"s3://{s3.bucket}/pages/{f.source_path}" for f in remote)
    # the runner is chosen from a listing alone, which counts every file, rejects and hidden ones too
    assert sources.count_input(folder) == 8 and sources.count_input(f"s3://{s3.bucket}/pages/") >= 8


def test_sources_object_gone_between_listing_and_hashing_is_unreadable(s3: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    put(s3.server, s3.bucket, "p/a.txt", b"hello\n")
    put(s3.server, s3.bucket, "p/b.txt", b"going\n")
    listed = sources._list_s3(f"s3://{s3.bucket}/p/")
    delete(s3.server, s3.bucket, "p/b.txt")
    monkeypatch.setattr(sources, "_list_s3", lambda url: listed)
    files = {f.source_path: f for f in sources.scan_input(f"s3://{s3.bucket}/p/")}
    assert files["a.txt"].problem is None and files["a.txt"].n_bytes == 6
    problem = files["b.txt"].problem
    assert problem is not None and problem.reason == "unreadable" and "404" in problem.detail


def test_sources_worker_reads_an_object_by_its_url(s3: Any) -> None:
    put(s3.server, s3.bucket, "p/a.txt", b"hello\n")
    put(s3.server, s3.bucket, "p/big.txt", b"y" * 100)
    assert sources.read_page(f"s3://{s3.bucket}/p/a.txt", 50) == b"hello\n"
    assert sources.read_page(f"s3://{s3.bucket}/p/big.txt", 50) == 100  # refused from its size
    with pytest.raises(OSError, match="404") as gone:
        sources.read_page(f"s3://{s3.bucket}/p/gone.txt", 50)
    assert "\n" not in str(gone.value)


@pytest.mark.parametrize("case", ["no_bucket", "empty_prefix", "bad_credentials", "no_server"])
@pytest.mark.parametrize("call", [sources.check_input, sources.scan_input])
def test_sources_unusable_prefix_is_one_line_input_error(case: str, call: Any, s3: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    put(s3.server, s3.bucket, "p/a.txt", b"hello\n")
    url = {"no_bucket": "s3://no-such-bucket-here/p/", "empty_prefix": f"s3://{s3.bucket}/nothing/"}.get(
        case, f"s3://{s3.bucket}/p/")
    if case == "bad_credentials":
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    if case == "no_server":
        monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    with pytest.raises(InputError) as refused:
        call(url)
    message = str(refused.value)
    expected = {"no_bucket": "NoSuchBucket", "empty_prefix": "no pages under", "bad_credentials": "403",
                "no_server": "Could not connect"}[case]
    assert expected in message and "\n" not in message and "not-the-secret" not in message


def test_sources_local_input_must_be_a_folder_and_an_s3_url_a_plain_prefix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        sources.check_input(tmp_path / "missing")
    for url in ("s3://", "s3:///pages/", "s3://bucket/pages/*.txt"):
        with pytest.raises(InputError, match=r"no bucket|not supported"):
            sources.check_input(url)
