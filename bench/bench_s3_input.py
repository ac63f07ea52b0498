"""Input from S3 against the same pages in a folder: what the scan and a worker's reads cost.

    python bench/bench_s3_input.py [--n 500]

Starts a SeaweedFS S3 server (tests/support/services.py; the dev extras), uploads a synthetic corpus from
../shared/tools/make_corpus.py, and times, for the folder and the prefix: the scan (listing + hashing every
page: what planning a run costs) and reading every page one by one as workers do. Wall and CPU seconds of
this process (the server runs on the same machine, so the wall time includes its share of the cores).
Prints, and writes to bench/results/s3-input-<n>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.s3objects import upload_folder  # noqa: E402
from support.services import s3_server  # noqa: E402

from transcripts import sources  # noqa: E402
from transcripts.scan import InputFile  # noqa: E402

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, round(time.perf_counter() - wall, 3), round(time.process_time() - cpu, 3)


def read_all(files: list[InputFile]) -> None:
    for f in files:
        sources.read_page(f.abs_path, 5_000_000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, s3_server() as server:
        pages = Path(tmp) / "pages"
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(pages), "--n", str(args.n), "--seed", "7"],
                       check=True, capture_output=True)
        server.create_bucket("bench")
        _, upload_s, _ = timed(lambda: upload_folder(server, pages, "bench", "pages/"))
        os.environ.update(server.environment())
        results: dict[str, Any] = {"pages": args.n, "upload_s": upload_s}
        for name, location in (("folder", str(pages)), ("s3", "s3://bench/pages/")):
            files, wall, cpu = timed(partial(sources.scan_input, location))
            readable = [f for f in files if f.problem is None]
            _, read_wall, read_cpu = timed(partial(read_all, readable))
            results[name] = {"files": len(files), "scan_s": wall, "scan_cpu_s": cpu,
                             "read_each_ms": round(1000 * read_wall / max(1, len(readable)), 2),
                             "read_each_cpu_ms": round(1000 * read_cpu / max(1, len(readable)), 2)}
    out = ROOT / "bench" / "results" / f"s3-input-{args.n}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
