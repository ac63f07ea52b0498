"""Scheduled-run benchmark: from a schedule's tick to the version it publishes.

    python bench/bench_schedule.py [--n 200] [--interval 30] [--no-ner]

Starts `transcripts serve --interval N` on a fresh Prefect home (so serve starts a Prefect server of its
own, as on a fresh clone) over a synthetic corpus, waits for version 1, and reads the scheduled tick of the
flow run that published it from the Prefect API. Prints, and writes to bench/results/schedule-<n>.json:

- server_ready_s: serve start -> its Prefect server answers (the line serve prints);
- first_version_s: serve start -> version 1 published (what a new user waits for);
- tick_to_published_s: the run's scheduled tick -> the version's `created_at` (the schedule's latency,
  scheduler poll and flow start included);
- run_s: the flow run's own start -> end, from Prefect.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"
sys.path.insert(0, str(ROOT))

from transcripts.store.lake import Lake, LakeError  # noqa: E402


def _published(lake: Lake) -> int | None:
    try:
        return lake.current_version() if lake.exists() else None
    except LakeError:  # the catalog file exists before the catalog inside it
        return None


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--interval", type=int, default=30)
    ap.add_argument("--no-ner", action="store_true")
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-schedule-"))
    corpus, lake_dir, home = work / "corpus", work / "lake", work / "prefect-home"
    home.mkdir()
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--n", str(args.n), "--seed", str(args.seed)],
                   check=True, capture_output=True)
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)
    cmd = [str(Path(sys.executable).with_name("transcripts")), "serve", "--interval", str(args.interval),
           "--input", str(corpus), "--lake", str(lake_dir)]
    if args.no_ner:
        cmd += ["--ner-model", "none"]

    t0 = time.perf_counter()
    serve = subprocess.Popen(cmd, env=env, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    api: dict[str, object] = {}

    def read_stderr() -> None:
        assert serve.stderr is not None
        for line in serve.stderr:
            found = re.search(r"started a Prefect server at (http://\S+?)\s", line)
            if found and "url" not in api:
                api.update(url=found.group(1), ready_s=time.perf_counter() - t0)

    threading.Thread(target=read_stderr, daemon=True).start()
    lake = Lake(lake_dir)
    try:
        while _published(lake) is None:
            if serve.poll() is not None:
                sys.exit(f"serve exited with {serve.returncode} before publishing")
            if time.perf_counter() - t0 > args.timeout:
                sys.exit(f"no version within {args.timeout:.0f} s")
            time.sleep(0.5)
        first_version_s = time.perf_counter() - t0
        created = lake.query("SELECT created_at FROM versions WHERE version = 1")[1][0][0]
        runs = httpx.post(f"{api['url']}/flow_runs/filter", json={"sort": "EXPECTED_START_TIME_ASC"},
                          timeout=30).json()
        done = next(r for r in runs if r["end_time"])
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(60)
    figures = {
        "pages": args.n, "interval_s": args.interval, "ner": not args.no_ner,
        "server_ready_s": round(float(api.get("ready_s", float("nan"))), 1),  # type: ignore[arg-type]
        "first_version_s": round(first_version_s, 1),
        "tick_to_published_s": round((created - _when(done["expected_start_time"])).total_seconds(), 1),
        "run_s": round((_when(done["end_time"]) - _when(done["start_time"])).total_seconds(), 1),
        "load_before": os.getloadavg()[0],
    }
    results = ROOT / "bench" / "results" / f"schedule-{args.n}{'-noner' if args.no_ner else ''}.json"
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
