"""Planning an incremental run: what is processed again, what is kept, what is dropped."""

from __future__ import annotations

import os
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


def test_pipeline_scan_skips_hidden_files_and_folders(tmp_path: Path) -> None:
    write(tmp_path, ".DS_Store", "x")
    write(tmp_path, ".git/config", "x")
    write(tmp_path, "page.txt", "x")
    assert [f.source_path for f in scan_input(tmp_path)] == ["page.txt"]


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
