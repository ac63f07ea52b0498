"""What the flow hands Prefect and how its process settles: a batch is one parameter Prefect does not look
into, and the run's process leaves what it loaded out of garbage collections once validation is set up."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from transcripts.scan import InputFile


def _files(folder: Path, n: int) -> list[InputFile]:
    from transcripts import pipeline

    for i in range(n):
        (folder / f"p{i}.txt").write_text(f"HOST: page {i}.\n", encoding="utf-8")
    return pipeline.scan_input(str(folder), pipeline.DEFAULT_MAX_BYTES)


def test_a_batch_is_one_parameter_prefect_does_not_look_into(tmp_path: Path) -> None:
    from prefect.utilities.collections import visit_collection

    from flows.flow import PageBatch

    files = _files(tmp_path, 3)
    seen: list[object] = []

    def visit(expr: object) -> object:
        seen.append(expr)
        return expr

    visit_collection(PageBatch(files), visit, return_data=False)  # as Prefect looks for futures and states
    assert len(seen) == 1 and isinstance(seen[0], PageBatch)  # the InputFiles were not visited one by one
    seen.clear()
    visit_collection(files, visit, return_data=False)
    assert any(isinstance(e, InputFile) for e in seen)  # as a list they were
    again = pickle.loads(pickle.dumps(PageBatch(files)))  # how it travels to a process or a Dask worker
    assert [f.doc_id for f in again.files] == [f.doc_id for f in files]


def test_the_run_process_leaves_what_it_loaded_out_of_collections_once_validation_is_ready() -> None:
    code = ("import gc; from flows.flow import prepare_validation_once; before = gc.get_freeze_count(); "
            "prepare_validation_once(); "
            "print(gc.get_freeze_count() > before + 100000, gc.isenabled())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.split() == ["True", "True"]
