"""Planning an incremental run: what is processed again, what is kept, what is dropped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from transcripts import pipeline
from transcripts.pipeline import InputError, make_plan, scan_input

V = "1.0+abc"


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def state_of(files: list[pipeline.InputFile], version: str = V) -> dict:
    return {"documents": {f.doc_id: (f.sha256, version) for f in files}, "rejects": {}}


def test_pipeline_doc_id_is_relative_path_without_extension(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "x")
    write(tmp_path, "sub/b.page.txt", "y")
    write(tmp_path, "noext", "z")
    ids = [f.doc_id for f in scan_input(tmp_path)]
    assert ids == ["a", "noext", "sub/b.page"]


def test_pipeline_plans_a_trailing_dot_file_as_decode_publishes_it(tmp_path: Path) -> None:
    # "notes." was planned as "notes" but published as "notes.", so every run processed it again
    from transcripts.steps.decode import decode_page

    write(tmp_path, "notes.", "Some notes.")
    files = scan_input(tmp_path)
    published = decode_page((tmp_path / "notes.").read_bytes(), "notes.")
    assert [f.doc_id for f in files] == [published.doc_id] == ["notes."]
    plan = make_plan(files, {"documents": {published.doc_id: (files[0].sha256, V)}, "rejects": {}}, V)
    assert plan.nothing_to_do and plan.unchanged == 1


def test_pipeline_scan_rejects_hidden_files_and_folders_as_hidden(tmp_path: Path) -> None:
    write(tmp_path, ".DS_Store", "x")
    write(tmp_path, ".git/config", "x")
    write(tmp_path, "page.txt", "x")
    found = {f.source_path: f.problem for f in scan_input(tmp_path)}
    assert set(found) == {".DS_Store", ".git", "page.txt"}  # the hidden folder is one reject, not entered
    assert found["page.txt"] is None
    assert {p.reason for k, p in found.items() if p is not None} == {"hidden"}
    assert found[".DS_Store"] is not None and found[".DS_Store"].doc_id == ".DS_Store"


def test_pipeline_scan_refuses_symlink_leading_outside(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    folder = tmp_path / "in"
    folder.mkdir()
    os.symlink(outside, folder / "link.txt")
    (f,) = scan_input(folder)
    assert f.problem is not None and f.problem.reason == "outside_input"


def test_pipeline_scan_rejects_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        scan_input(tmp_path / "nope")


def test_pipeline_plan_unchanged_input_has_nothing_to_do(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "one")
    write(tmp_path, "b.txt", "two")
    files = scan_input(tmp_path)
    plan = make_plan(files, state_of(files), V)
    assert plan.nothing_to_do and plan.unchanged == 2


def test_pipeline_plan_processes_only_the_changed_page(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "one")
    write(tmp_path, "b.txt", "two")
    before = scan_input(tmp_path)
    write(tmp_path, "b.txt", "two, edited")
    plan = make_plan(scan_input(tmp_path), state_of(before), V)
    assert [f.doc_id for f in plan.to_process] == ["b"]
    assert plan.changed_doc_ids == {"b"} and plan.replace_doc_ids == {"b"} and not plan.gone_doc_ids


def test_pipeline_plan_drops_documents_whose_page_is_gone(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "one")
    write(tmp_path, "b.txt", "two")
    before = scan_input(tmp_path)
    (tmp_path / "a.txt").unlink()
    plan = make_plan(scan_input(tmp_path), state_of(before), V)
    assert not plan.to_process and plan.gone_doc_ids == {"a"} and not plan.nothing_to_do


def test_pipeline_plan_new_pipeline_version_reprocesses_everything(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "one")
    write(tmp_path, "b.txt", "two")
    files = scan_input(tmp_path)
    plan = make_plan(files, state_of(files, "0.9+old"), V)
    assert len(plan.to_process) == 2 and plan.changed_doc_ids == {"a", "b"}


def test_pipeline_plan_retries_a_reject_whose_file_changed(tmp_path: Path) -> None:
    write(tmp_path, "bad.txt", "")
    before = scan_input(tmp_path)
    state = {"documents": {}, "rejects": {"bad.txt": (before[0].sha256, V)}}
    assert make_plan(scan_input(tmp_path), state, V).nothing_to_do
    write(tmp_path, "bad.txt", "now with text")
    plan = make_plan(scan_input(tmp_path), state, V)
    assert [f.source_path for f in plan.to_process] == ["bad.txt"] and plan.replace_reject_paths == {"bad.txt"}


def test_pipeline_version_changes_with_the_ner_model() -> None:
    assert pipeline.pipeline_version("model_a") != pipeline.pipeline_version("model_b")


def test_pipeline_manifest_hash_depends_on_content(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "one")
    h1 = pipeline.manifest_hash(scan_input(tmp_path))
    write(tmp_path, "a.txt", "two")
    assert pipeline.manifest_hash(scan_input(tmp_path)) != h1


def rejects_of(folder: Path, **kwargs: int) -> dict[str, tuple[str, str]]:
    return {f.source_path: (f.problem.reason, f.problem.detail) for f in scan_input(folder, **kwargs)
            if f.problem is not None}


def test_pipeline_scan_survives_symlink_loops(tmp_path: Path) -> None:
    write(tmp_path, "page.txt", "x")
    os.symlink("self", tmp_path / "self")
    os.symlink("b", tmp_path / "a")
    os.symlink("a", tmp_path / "b")
    found = rejects_of(tmp_path)
    assert {k: v[0] for k, v in found.items()} == {"self": "symlink_loop", "a": "symlink_loop", "b": "symlink_loop"}


def test_pipeline_scan_rejects_folders_too_deep_without_recursion(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(1000):  # deeper than Python's recursion limit allows a recursive walk
        deep = deep / "d"
        deep.mkdir()
    (deep / "page.txt").write_text("x")
    write(tmp_path, "top.txt", "x")
    try:
        files = scan_input(tmp_path)
    finally:  # pytest's clean-up of tmp_path is recursive: leave it a shallow folder
        (deep / "page.txt").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent
    assert [f.source_path for f in files if f.problem is None] == ["top.txt"]
    (too_deep,) = [f for f in files if f.problem is not None]
    assert too_deep.problem is not None and too_deep.problem.reason == "too_deep"
    assert too_deep.source_path.count("/") + 1 == pipeline.MAX_DEPTH + 1


def test_pipeline_scan_rejects_an_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transcripts import scan

    write(tmp_path, "locked/page.txt", "x")
    write(tmp_path, "open/page.txt", "x")
    listing = scan._list_folder

    def refuse(path: str | Path) -> list[os.DirEntry[str]]:  # as chmod 0 does for anyone but root
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return listing(path)

    monkeypatch.setattr(scan, "_list_folder", refuse)
    found = rejects_of(tmp_path)
    assert list(found) == ["locked"] and found["locked"][0] == "unreadable"
    assert "cannot be read (Permission denied)" in found["locked"][1]


def test_pipeline_scan_refuses_an_oversized_file_from_its_size(tmp_path: Path) -> None:
    write(tmp_path, "big.txt", "x" * 2000)
    write(tmp_path, "small.txt", "x")
    (big,) = [f for f in scan_input(tmp_path, max_bytes=1000) if f.problem is not None]
    assert big.problem is not None and big.problem.reason == "too_large" and big.n_bytes == 2000
    assert big.sha256 is None  # refused from fstat's size: never read


def test_pipeline_fifo_swapped_in_after_the_scan_does_not_hang(tmp_path: Path) -> None:
    write(tmp_path, "page.txt", "HOST: Hello.")
    (f,) = scan_input(tmp_path)
    (tmp_path / "page.txt").unlink()
    os.mkfifo(tmp_path / "page.txt")  # no writer: a blocking open would wait forever
    out = pipeline.process_file(f)
    assert isinstance(out, pipeline.Reject) and out.reason == "unreadable" and "FIFO" in out.detail


def test_pipeline_lake_inside_the_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="inside the input folder"):
        pipeline.check_locations(tmp_path, tmp_path / "lake")
    with pytest.raises(InputError, match="inside the lake"):
        pipeline.check_locations(tmp_path / "lake" / "pages", tmp_path / "lake")
    pipeline.check_locations(tmp_path / "pages", tmp_path / "lake")


def test_pipeline_removing_most_documents_needs_allow_removals(tmp_path: Path) -> None:
    for name in "abc":
        write(tmp_path, f"{name}.txt", name)
    state = state_of(scan_input(tmp_path))
    (tmp_path / "a.txt").unlink()
    pipeline.check_removals(make_plan(scan_input(tmp_path), state, V), 3, False, tmp_path)  # 1 of 3: fine
    (tmp_path / "b.txt").unlink()
    plan = make_plan(scan_input(tmp_path), state, V)
    with pytest.raises(InputError, match="remove 2 of the 3 published documents"):
        pipeline.check_removals(plan, 3, False, tmp_path)
    pipeline.check_removals(plan, 3, True, tmp_path)


@pytest.mark.parametrize("n_pages", [1, 7, 200, 2000, 10_000])
def test_pipeline_batches_let_progress_move_at_least_every_2_percent(n_pages: int) -> None:
    size = pipeline.progress_batch_size(n_pages, pipeline.DEFAULT_BATCH_SIZE)
    n_batches = -(-n_pages // size)  # the bar moves once per batch
    assert 1 <= size <= pipeline.DEFAULT_BATCH_SIZE
    assert n_batches >= min(n_pages, 50)


def _chunks(n_pages: int, batch: int, chunk_docs: int) -> list[int]:
    """The chunk sizes of a run over n_pages arriving in batches, as the flow gathers them."""
    sizes, gathered, to_come = [], 0, n_pages
    target = pipeline.chunk_target(chunk_docs, to_come)
    for done in range(batch, n_pages + batch, batch):
        gathered += min(batch, n_pages - (done - batch))
        if gathered >= target:
            sizes.append(gathered)
            gathered, to_come = 0, n_pages - min(done, n_pages)
            target = pipeline.chunk_target(chunk_docs, to_come)
    return sizes + [gathered] * bool(gathered)


@pytest.mark.parametrize(("n_pages", "batch"), [(2000, 40), (10_000, 100), (1100, 25), (150, 3), (40, 1)])
def test_a_run_ends_with_a_short_chunk_and_keeps_full_ones_before(n_pages: int, batch: int) -> None:
    """The last chunk is validated and written while the page workers wait: it holds about a quarter of a chunk,
    and only the chunk before it is cut short for that."""
    sizes = _chunks(n_pages, batch, 1000)
    assert sum(sizes) == n_pages
    assert len(sizes) <= -(-n_pages // 1000) + 1
    assert sizes[-1] <= 250 + batch
    assert all(size >= 1000 for size in sizes[:-2])


def test_small_chunks_are_kept_as_asked() -> None:
    """--chunk-docs under the tail's minimum: every chunk but the last has that many documents."""
    assert _chunks(100, 1, 8) == [8] * 12 + [4]


def test_auto_runner_takes_processes_only_for_a_large_run() -> None:
    from transcripts.pipeline import AUTO_PROCESSES_FROM, choose_runner

    assert choose_runner("auto", 3, ner=True) == "threads"  # a small run never earns back the pool's start-up
    assert choose_runner("auto", AUTO_PROCESSES_FROM, ner=True) == "processes"  # NER over every core
    assert choose_runner("auto", 10 * AUTO_PROCESSES_FROM, ner=False) == "threads"  # steps leave in page workers
    assert choose_runner("threads", 10 * AUTO_PROCESSES_FROM, ner=True) == "threads"  # a runner named is kept
    with pytest.raises(ValueError, match="unknown runner"):
        choose_runner("fibers", 10, ner=True)


def test_settle_after_loading_freezes_what_is_loaded_and_collects_young_objects_less_often() -> None:
    code = ("import gc; from transcripts.pipeline import settle_after_loading, GC_YOUNGEST_THRESHOLD as T; "
            "before = gc.get_freeze_count(); settle_after_loading(); "
            "print(gc.get_threshold()[0] == T, gc.get_freeze_count() > before, gc.isenabled())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "True"]  # collections still happen, less often
