"""Remote lake beside the local one: the same corpus run into a lake folder and into a PostgreSQL catalog with
its data in S3-compatible storage, NER off.

    python bench/bench_remote.py [--n 2000] [--seed 5] [--runner auto]

Starts a real PostgreSQL (pgserver) and a real S3 server (SeaweedFS `weed`) on this machine, as the tests do
(tests/support/services.py), then times, each as its own `transcripts run` process: the full run, a no-change
re-run, and their peak RSS, for both lakes. Writes bench/results/remote-<n>.json. Both services share the
machine's cores with the run: a real deployment's network latency is not in these figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

from bench_run import MAKE_CORPUS, timed  # noqa: E402
from support.services import postgres_server, s3_server  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--runner", default="auto")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-remote-"))
    corpus = work / "corpus"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--n", str(args.n), "--seed", str(args.seed)],
                   check=True, capture_output=True)
    cli = [str(Path(sys.executable).with_name("transcripts")), "run", "--input", str(corpus), "--runner",
           args.runner, "--ner-model", "none", "--json"]
    figures: dict[str, Any] = {"pages": args.n, "seed": args.seed, "runner": args.runner, "ner": False,
                               "load_before": os.getloadavg()[0]}

    def measure(name: str, lake_args: list[str], env: dict[str, str]) -> None:
        full_s, full_rss, out = timed([*cli, *lake_args], env)
        again_s, again_rss, _ = timed([*cli, *lake_args], env)
        figures[name] = {"full_s": round(full_s, 1), "full_peak_rss_mb": full_rss,
                         "version": json.loads(out).get("version"),
                         "nochange_s": round(again_s, 1), "nochange_peak_rss_mb": again_rss}

    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    measure("local", ["--lake", str(work / "lake")], env)
    with postgres_server() as pg, s3_server() as s3:
        s3.create_bucket("lake")
        remote_env = {**env, **s3.environment()}
        measure("remote", ["--lake", pg.url("transcripts"), "--data", "s3://lake/transcripts/"], remote_env)
    figures["load_after"] = os.getloadavg()[0]
    results = ROOT / "bench" / "results" / f"remote-{args.n}.json"
    results.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
