"""Full-run benchmark over a synthetic corpus from ../shared/tools/make_corpus.py.

    python bench/bench_run.py --n 2000 [--runner threads] [--no-ner] [--keep DIR] [--queries-only]

Measures, each as its own `transcripts run` process (as a scheduler would start it): the full run,
a no-change re-run, a re-run with 1% of the pages changed; the peak RSS of each; the floor script
(bench/floor.py) on the same corpus; the latency of the README's SQL cookbook queries. Prints the figures and
writes the figures as JSON to bench/results/run-<n>-<runner>[-noner].json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"


def cookbook() -> dict[str, str]:
    """The README's SQL cookbook: each ```sql block, named by the line that introduces it."""
    readme = (ROOT / "README.md").read_text("utf-8")
    return {name.strip().rstrip(":"): sql.strip().rstrip(";")
            for name, sql in re.findall(r"([^\n]+)\n\n```sql\n(.*?)```", readme, re.S)}


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, dict[str, float], str]:
    """(seconds, peak RSS in MB of the run process and of its whole process tree, stdout).

    The tree includes Prefect's temporary API server, a separate process the pipeline does not control."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    main_peak = tree_peak = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            main = ps.memory_info().rss
            tree = main + sum(c.memory_info().rss for c in ps.children(recursive=True))
            main_peak, tree_peak = max(main_peak, main), max(tree_peak, tree)
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return seconds, {"run_mb": round(main_peak / 2**20), "tree_mb": round(tree_peak / 2**20)}, stdout


def query_latencies(lake: Path) -> dict[str, int]:
    """Milliseconds per cookbook query, in-process as a notebook would run it (the CLI adds ~1 s of start-up)."""
    sys.path.insert(0, str(ROOT))
    from transcripts.store.lake import Lake

    latencies = {}
    for name, sql in cookbook().items():
        t0 = time.perf_counter()
        Lake(lake).query(sql)
        latencies[name] = round((time.perf_counter() - t0) * 1000)
    return latencies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runner", default="threads")
    ap.add_argument("--no-ner", action="store_true")
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--queries-only", action="store_true",
                    help="only time the cookbook queries again on the lake kept in --keep (a quiet machine)")
    args = ap.parse_args()

    runner_name = args.runner.replace("://", "-").replace(":", "-")
    results = ROOT / "bench" / "results" / f"run-{args.n}-{runner_name}{'-noner' if args.no_ner else ''}.json"
    results.parent.mkdir(exist_ok=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-run-"))
    corpus, lake = work / "corpus", work / "lake"
    if args.queries_only:
        figures: dict[str, object] = json.loads(results.read_text())
        figures["query_ms"] = query_latencies(lake)
        results.write_text(json.dumps(figures, indent=2) + "\n")
        print(json.dumps(figures["query_ms"], indent=2))
        return
    if not corpus.is_dir():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--n", str(args.n), "--seed",
                        str(args.seed)], check=True, capture_output=True)
    shutil.rmtree(lake, ignore_errors=True)
    mb = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
    cli = [str(Path(sys.executable).with_name("transcripts"))]
    run = [*cli, "run", "--input", str(corpus), "--lake", str(lake), "--runner", args.runner,
           "--batch-size", str(args.batch_size), "--json"]
    if args.no_ner:
        run += ["--ner-model", "none"]
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")

    figures = {"pages": args.n, "mb": round(mb, 1), "runner": args.runner, "ner": not args.no_ner}
    full_s, full_rss, out = timed(run, env)
    summary = json.loads(out)
    figures.update(full_s=round(full_s, 1), full_pages_per_s=round(args.n / full_s, 1),
                   full_mb_per_s=round(mb / full_s, 2), full_peak_rss_mb=full_rss,
                   stage_seconds=summary["seconds"], rows=summary["rows"])
    again_s, again_rss, _ = timed(run, env)
    figures.update(nochange_s=round(again_s, 1), nochange_share=round(again_s / full_s, 3),
                   nochange_peak_rss_mb=again_rss)
    changed = sorted(corpus.iterdir())[:: 100]
    for path in changed:
        path.write_bytes(path.read_bytes() + b"\n\nAn added closing paragraph for the benchmark.\n")
    one_pct_s, _, _ = timed(run, env)
    figures.update(one_pct_changed=len(changed), one_pct_s=round(one_pct_s, 1))

    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "floor.py"), str(corpus), str(work / "floor.parquet")],
                   check=True, capture_output=True)
    floor_s = time.perf_counter() - t0
    figures.update(floor_s=round(floor_s, 2), ratio_to_floor=round(full_s / floor_s, 1))

    figures["query_ms"] = query_latencies(lake)
    results.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
