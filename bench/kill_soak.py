#!/usr/bin/env python3
"""No process outlives its run: SIGKILL runs at random moments and look for anything they started.

    python bench/kill_soak.py [--kills 10] [--n 200] [--max-delay 45] [--publish-every 3] [--work DIR] [--json FILE]

Each run is a `transcripts run --ner-model none` in its own session that starts its own Prefect server (no
$PREFECT_API_URL) and page workers; its whole process group is SIGKILLed after a random delay (some runs
finish first, and every --publish-every-th run is left to finish and publish, so that later kills land
on a lake with several versions). Everything a run starts inherits a marker in its environment, so after each kill
the script looks through /proc for processes still carrying it. At the end: one more run must exit 0 and
every published version must pass `transcripts validate`, and `transcripts check` must find the lake
whole. Prints the figures; exit status 0 when all held.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"
MARK = "TRANSCRIPTS_KILL_SOAK_MARK"
CLI = [sys.executable, "-m", "transcripts.cli"]


def marked(mark: str) -> list[int]:
    """Live (not zombie) processes whose environment carries the mark."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and f"{MARK}={mark}".encode() in (proc / "environ").read_bytes().split(b"\0") \
                    and "zombie" not in (proc / "status").read_text():
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def gone_after(mark: str, timeout: float = 15.0) -> tuple[list[int], float]:
    """Processes still marked after `timeout` s (none, when all is well) and the seconds until they were gone."""
    start = time.monotonic()
    while (left := marked(mark)) and time.monotonic() - start < timeout:
        time.sleep(0.1)
    return left, round(time.monotonic() - start, 2)


def start(pages: Path, lake: Path, mark: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, MARK: mark, "PREFECT_API_URL": "", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with (pages.parent / "run.stderr").open("wb") as stderr:  # the last run's, to tell why it failed
        return subprocess.Popen([*CLI, "run", "--input", str(pages), "--lake", str(lake), "--ner-model", "none",
                                 "--batch-size", "10"], env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                start_new_session=True)


def touch(pages: Path, rng: random.Random, k: int, tag: str) -> None:
    for path in rng.sample(sorted(pages.glob("*.txt")), k):
        path.write_text(path.read_text("utf-8", "replace") + f"\n\nHOST: Edited {tag}.\n", "utf-8")


def soak(work: Path, n: int, kills: int, max_delay: float, seed: int, publish_every: int) -> dict[str, Any]:
    rng = random.Random(seed)
    pages, lake = work / "pages", work / "lake"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(pages), "--n", str(n), "--seed", "7"], check=True,
                   stdout=subprocess.DEVNULL)
    mark = uuid.uuid4().hex
    rows: list[dict[str, Any]] = []
    for i in range(kills + kills // max(1, publish_every - 1)):
        touch(pages, rng, max(1, n // 20), f"kill-{i}")
        delay = 3600.0 if publish_every and i % publish_every == publish_every - 1 else rng.uniform(1.0, max_delay)
        run = start(pages, lake, mark)
        try:
            run.wait(timeout=delay)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
            peak = len(marked(mark))
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        left, seconds = gone_after(mark)
        if finished and run.returncode:
            print((work / "run.stderr").read_text("utf-8", "replace")[-500:], file=sys.stderr)
        rows.append({"delay_s": round(delay, 1), "finished_first": finished, "exit": run.returncode,
                     "processes_at_kill": 0 if finished else peak, "left_after": len(left), "gone_in_s": seconds})
        print(f"run {i + 1}: {f'exit {run.returncode}' if finished else f'killed after {delay:.1f} s'}, "
              f"{rows[-1]['processes_at_kill']} processes at the kill, {len(left)} left", flush=True)
    final = start(pages, lake, mark)
    final.wait()
    listing = subprocess.run([*CLI, "versions", "--lake", str(lake), "--format", "json"], capture_output=True,
                             text=True)
    versions = json.loads(listing.stdout) if listing.returncode == 0 else []
    invalid = [v["version"] for v in versions if subprocess.run(
        [*CLI, "validate", "--lake", str(lake), "--version", str(v["version"])], capture_output=True).returncode]
    whole = subprocess.run([*CLI, "check", "--lake", str(lake)], capture_output=True).returncode
    return {"kills": sum(not r["finished_first"] for r in rows), "runs": rows, "check_exit": whole,
            "processes_left": sum(r["left_after"] for r in rows) + len(gone_after(mark)[0]),
            "final_run_exit": final.returncode, "versions": len(versions), "versions_invalid": invalid}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--n", type=int, default=200, help="pages in the corpus")
    parser.add_argument("--max-delay", type=float, default=45.0, help="latest kill, seconds after the start")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--publish-every", type=int, default=3, help="every Nth run is not killed (0: none)")
    parser.add_argument("--work", type=Path, help="keep the corpus and lake here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kill-soak-") as tmp:
        work = args.work or Path(tmp)
        figures = soak(work, args.n, args.kills, args.max_delay, args.seed, args.publish_every)
    print(f"{figures['kills']} SIGKILLs, {figures['processes_left']} processes left behind; final run exit "
          f"{figures['final_run_exit']}; {figures['versions']} versions, invalid: {figures['versions_invalid']}; "
          f"check exit {figures['check_exit']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    ok = (figures["processes_left"] == 0 and figures["final_run_exit"] == 0 and not figures["versions_invalid"]
          and figures["check_exit"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
