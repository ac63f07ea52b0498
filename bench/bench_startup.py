#!/usr/bin/env python3
"""What a small job waits for: the commands' fixed costs, as a user or a scorer meets them.

    python bench/bench_startup.py [--repeat 3]

  run      `transcripts run` over ../shared/seeds (3 pages, NER on) into a fresh lake: mostly start-up
           (Prefect's temporary server, imports, the model) and the fixed cost of validation
  query    `transcripts query` of one row from that lake: Python, imports, one connection
  score    ../shared/tools/score.py over the seeds against ../shared/golden (one run and its queries)
Each figure is the median over --repeat, wall and CPU (the process tree's user + system time, from
os.wait4/RUSAGE_CHILDREN); prints a table and writes bench/results/startup.json with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and every process it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)
    cli = str(Path(sys.executable).with_name("transcripts"))
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    samples: dict[str, list[tuple[float, float]]] = {"run": [], "query": [], "score": []}
    load_before = os.getloadavg()
    try:
        for i in range(args.repeat):
            lake = work / f"lake-{i}"
            samples["run"].append(timed([cli, "run", "--input", str(SHARED / "seeds"), "--lake", str(lake)], env))
            samples["query"].append(timed([cli, "query", "--format", "json", "--lake", str(lake),
                                           "SELECT count(*) AS n FROM documents"], env))
            samples["score"].append(timed([sys.executable, str(SHARED / "tools" / "score.py"), "--gold",
                                           str(SHARED / "golden"), "--docs", str(SHARED / "seeds")],
                                          dict(env, PATH=f"{Path(cli).parent}{os.pathsep}{env['PATH']}")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures: dict[str, Any] = {"repeat": args.repeat, "cores": os.cpu_count(), "load_before": load_before,
                               "load_after": os.getloadavg()}
    for name, values in samples.items():
        figures[name] = {"wall_s": round(statistics.median(w for w, _ in values), 2),
                         "cpu_s": round(statistics.median(c for _, c in values), 2)}
    out = ROOT / "bench" / "results" / "startup.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"median of {args.repeat}; load average {load_before[0]:.1f} before, {figures['load_after'][0]:.1f} after")
    for name in samples:
        print(f"{name:6} wall {figures[name]['wall_s']:6.2f} s   CPU {figures[name]['cpu_s']:6.2f} s")
    print(f"figures: {out}")


if __name__ == "__main__":
    main()
