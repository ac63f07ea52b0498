"""Reliability soak: bad input, SIGKILLs at random moments, a reader querying while runs publish.

    python bench/soak.py [--work DIR] [--n 300] [--kills 20] [--reader-runs 10] [--kill-n 100]

(a) a corpus from ../shared/tools/make_corpus.py (--n files, seed 7, 20% bad, with truth): one run exits 0;
    documents + rejects = input files; every file the truth calls recoverable is a document; the truth's
    speaker count per file against the dataset's appearances per document.
(b) --kills runs, each over a slightly changed corpus, SIGKILLed at a random moment (half of them after the
    run took the writer lock, so that the kill lands in processing or publishing): after each, every
    published version reads whole (its rows per table equal what its versions row recorded), and the next run
    exits 0 and leaves no orphan file in data/.
(c) a reader process queries in a loop while --reader-runs runs each rewrite every page with a run marker:
    at the version it reads, all source hashes must be exactly one run's, and every page's text must carry
    that run's marker; any mix, or any failed query, is counted.

Runs are `transcripts run --ner-model none` processes against one Prefect server started here. Prints the
figures and writes them to bench/results/soak.json. Exit status 0 when every check held.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"
TRANSCRIPTS = Path(sys.executable).with_name("transcripts")
MARKER = re.compile(r"Soak marker run (\d+)\.")


def make_corpus(out: Path, n: int, seed: int, bad: float, truth: Path | None = None) -> None:
    cmd = [sys.executable, str(MAKE_CORPUS), str(out), "--n", str(n), "--seed", str(seed), "--bad-fraction", str(bad)]
    if truth is not None:
        cmd += ["--truth", str(truth)]
    subprocess.run(cmd, check=True, capture_output=True)


def run_cmd(pages: Path, lake: Path) -> list[str]:
    return [str(TRANSCRIPTS), "run", "--input", str(pages), "--lake", str(lake), "--ner-model", "none", "--json"]


def run(pages: Path, lake: Path, env: dict[str, str]) -> tuple[int, dict[str, Any], str]:
    p = subprocess.run(run_cmd(pages, lake), env=env, capture_output=True, text=True)
    try:
        summary = json.loads(p.stdout)
    except ValueError:
        summary = {}
    return p.returncode, summary, p.stderr[-2000:]


@contextlib.contextmanager
def prefect_server() -> Iterator[dict[str, str]]:
    """One Prefect server for every run (each run would otherwise start its own, ~10 s)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()), PREFECT_SERVER_ANALYTICS_ENABLED="false")


def data_files(lake: Path) -> set[str]:
    return {p.name for p in (lake / "data").rglob("*.parquet")}


def referenced_files(lake: Path) -> set[str]:
    """Parquet file names the catalog knows (data and delete files, and those scheduled for deletion)."""
    with contextlib.closing(sqlite3.connect(f"file:{lake / 'catalog.sqlite'}?mode=ro", uri=True)) as db:
        names: set[str] = set()
        for table in ("ducklake_data_file", "ducklake_delete_file", "ducklake_files_scheduled_for_deletion"):
            names |= {Path(r[0]).name for r in db.execute(f"SELECT path FROM {table}")}
    return names


def orphans(lake: Path) -> set[str]:
    return data_files(lake) - referenced_files(lake)


def versions_whole(lake: Path) -> tuple[int, list[str]]:
    """(versions checked, problems): each published version's rows per table against its versions row."""
    from transcripts.store.lake import Lake

    lk = Lake(lake)
    problems: list[str] = []
    rows = lk.versions() if lk.exists() else []
    for row in rows:
        version, recorded = row["version"], dict(row["rows"])
        try:
            con = lk.reader(version)
            try:
                for table, n in recorded.items():
                    got = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
                    if got is None or got[0] != n:
                        problems.append(f"v{version} {table}: {got} rows, versions row says {n}")
            finally:
                con.close()
        except Exception as exc:  # a version that cannot be read is exactly what we look for
            problems.append(f"v{version}: {type(exc).__name__}: {exc}")
    return len(rows), problems


# ------------------------------------------------------------------------------------------ (a)
def soak_corpus(work: Path, n: int, env: dict[str, str]) -> dict[str, Any]:
    from transcripts.store.lake import Lake

    pages, truth_path, lake = work / "a-corpus", work / "a-truth.jsonl", work / "a-lake"
    make_corpus(pages, n, 7, 0.2, truth_path)
    truth = [json.loads(line) for line in truth_path.read_text("utf-8").splitlines()]
    t0 = time.monotonic()
    code, summary, err = run(pages, lake, env)
    seconds = time.monotonic() - t0
    lk = Lake(lake)
    docs = dict(lk.query("SELECT source_path, doc_id FROM documents")[1])
    rejects = dict(lk.query("SELECT source_path, reason FROM rejects")[1])
    appearances = dict(lk.query("SELECT doc_id, count(*) FROM appearances GROUP BY doc_id")[1])
    files = sorted(p.name for p in pages.iterdir())
    recoverable = [t["file"] for t in truth if t["recoverable"]]
    lost = [f for f in recoverable if f not in docs]
    compared = [(t, appearances.get(docs[t["file"]], 0)) for t in truth
                if t["recoverable"] and t["file"] in docs and t["kind"] not in ("no_content",)]
    exact = sum(1 for t, got in compared if got == len(t["speakers"]))
    within1 = sum(1 for t, got in compared if abs(got - len(t["speakers"])) <= 1)
    transcripts = [(t, got) for t, got in compared if len(t["speakers"]) > 0]
    exact_tr = sum(1 for t, got in transcripts if got == len(t["speakers"]))
    out = {
        "exit": code, "seconds": round(seconds, 1), "files": len(files), "documents": len(docs),
        "rejects": len(rejects), "accounted": len(set(docs) | set(rejects)) == len(files)
        and not set(docs) & set(rejects) and set(docs) | set(rejects) == set(files),
        "reject_reasons": {r: list(rejects.values()).count(r) for r in sorted(set(rejects.values()))},
        "recoverable": len(recoverable), "recoverable_lost": lost,
        "speaker_counts_compared": len(compared), "speaker_counts_exact": exact, "speaker_counts_within_1": within1,
        "speaker_counts_exact_pct": round(100 * exact / max(1, len(compared)), 1),
        "with_speakers_compared": len(transcripts), "with_speakers_exact": exact_tr,
        "with_speakers_exact_pct": round(100 * exact_tr / max(1, len(transcripts)), 1),
        "error": err if code else "",
        "ok": code == 0 and not lost and len(docs) + len(rejects) == len(files),
    }
    if summary:
        out["run_seconds"] = summary.get("seconds")
    return out


# ------------------------------------------------------------------------------------------ (b)
def touch_pages(pages: Path, rng: random.Random, k: int, tag: str) -> None:
    """Change k good pages (append a line) so that the next run has work."""
    names = sorted(p for p in pages.iterdir() if p.stat().st_size > 2000)
    for path in rng.sample(names, min(k, len(names))):
        with path.open("ab") as fh:
            fh.write(f"\n\nEdited in soak step {tag}.\n".encode())


def lock_holder(lake: Path) -> str:
    with contextlib.suppress(OSError):
        return (lake / "lock").read_text("ascii").strip()
    return ""


def soak_kills(work: Path, n: int, kills: int, env: dict[str, str], seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    pages, lake = work / "b-corpus", work / "b-lake"
    make_corpus(pages, n, 13, 0.1)
    t0 = time.monotonic()
    code, _, err = run(pages, lake, env)
    if code != 0:
        raise SystemExit(f"(b) first run failed: {err}")
    touch_pages(pages, rng, max(2, n // 5), "warmup")
    t0 = time.monotonic()
    run(pages, lake, env)
    typical = time.monotonic() - t0  # an incremental run over n/5 changed pages
    log: list[dict[str, Any]] = []
    i = -1
    # a run may finish before its kill moment: try again until `kills` runs were really killed
    while sum(not e["finished_before_kill"] for e in log) < kills and len(log) < 2 * kills:
        i += 1
        touch_pages(pages, rng, max(2, n // 5), f"kill-{i}")
        before = data_files(lake)
        proc = subprocess.Popen(run_cmd(pages, lake), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = time.monotonic()
        if i % 2:  # a random moment after the run took the writer lock: processing, writing or committing
            while lock_holder(lake) != str(proc.pid) and proc.poll() is None and time.monotonic() - started < 60:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 2.5))
        else:  # a random moment of the whole run
            time.sleep(rng.uniform(0.2, typical))
        held = lock_holder(lake) == str(proc.pid)
        at = time.monotonic() - started
        finished_first = proc.poll() is not None
        if not finished_first:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with contextlib.suppress(Exception):
            proc.stderr.close() if proc.stderr else None
        checked, problems = versions_whole(lake)
        left_behind = len(orphans(lake))
        new_files = len(data_files(lake) - before)
        code, summary, err = run(pages, lake, env)
        _, problems_after = versions_whole(lake)
        entry = {
            "kill": i, "at_s": round(at, 2), "lock_held": held,
            "finished_before_kill": finished_first, "new_files_at_kill": new_files,
            "orphans_after_kill": left_behind, "versions_readable": checked - len(problems),
            "versions": checked, "problems": problems, "next_run_exit": code,
            "next_run_status": summary.get("status"), "next_run_version": summary.get("version"),
            "orphans_after_next_run": len(orphans(lake)), "problems_after_next_run": problems_after,
        }
        if code:
            entry["next_run_error"] = err
        log.append(entry)
        print(f"  kill {i:2d} at {entry['at_s']:5.2f}s lock_held={held!s:5} orphans {left_behind:3d} -> "
              f"{entry['orphans_after_next_run']}; versions {checked} readable {entry['versions_readable']}; "
              f"next run exit {code} ({entry['next_run_status']} v{entry['next_run_version']})", flush=True)
    killed = [e for e in log if not e["finished_before_kill"]]
    return {
        "kills": len(killed), "attempts": len(log), "kills_with_lock_held": sum(e["lock_held"] for e in killed),
        "kills_leaving_orphans": sum(1 for e in killed if e["orphans_after_kill"]),
        "orphan_files_left_by_kills": sum(e["orphans_after_kill"] for e in killed),
        "survived": sum(1 for e in log if not e["problems"] and e["next_run_exit"] == 0
                        and not e["orphans_after_next_run"] and not e["problems_after_next_run"]),
        "typical_run_s": round(typical, 1), "log": log,
        "ok": all(not e["problems"] and e["next_run_exit"] == 0 and not e["orphans_after_next_run"]
                  and not e["problems_after_next_run"] for e in log),
    }


# ------------------------------------------------------------------------------------------ (c)
def marked(base: bytes, r: int) -> bytes:
    return base + f"\n\nSoak marker run {r}.\n".encode()


def reader_loop(lake: Path, expected_path: Path, stop: Path, out: Path) -> None:
    """The reader process: query the current version until `stop` exists; count failures and mixes."""
    from transcripts.store.lake import Lake

    expected = {int(r): set(shas) for r, shas in json.loads(expected_path.read_text("utf-8")).items()}
    lk = Lake(lake)
    stats: dict[str, Any] = {"queries": 0, "failures": 0, "mixed": 0, "versions_seen": [], "errors": [],
                             "mixes": []}
    seen: set[int] = set()
    last = 0
    while not stop.exists():
        try:
            con = lk.reader()  # pinned to the current version for every query below
            try:
                version = con.execute("SELECT max(version) FROM versions").fetchone()[0]  # type: ignore[index]
                shas = {r[0] for r in con.execute(
                    "SELECT source_sha256 FROM documents UNION ALL SELECT source_sha256 FROM rejects").fetchall()}
                markers = con.execute(
                    r"SELECT regexp_extract(text, 'Soak marker run (\d+)\.', 1) AS m, count(*) FROM sources "
                    "GROUP BY m").fetchall()
                n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]  # type: ignore[index]
                n_sources = con.execute("SELECT count(*) FROM sources").fetchone()[0]  # type: ignore[index]
                turns = con.execute("SELECT count(DISTINCT doc_id) FROM segments").fetchone()[0]  # type: ignore[index]
            finally:
                con.close()
            stats["queries"] += 1
            runs = [r for r, s in expected.items() if s == shas]
            marks = {m for m, _ in markers}
            problem = None
            if len(runs) != 1:
                problem = f"v{version}: source hashes match no single run"
            elif marks != {str(runs[0])}:
                problem = f"v{version}: markers {sorted(marks)} but hashes of run {runs[0]}"
            elif n_docs != n_sources or turns > n_docs:
                problem = f"v{version}: {n_docs} documents, {n_sources} sources, {turns} documents with segments"
            elif version < last:
                problem = f"went back from v{last} to v{version}"
            if problem:
                stats["mixed"] += 1
                stats["mixes"].append(problem)
            last = max(last, version)
            seen.add(version)
        except Exception as exc:
            stats["failures"] += 1
            stats["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
    stats["versions_seen"] = sorted(seen)
    stats["errors"], stats["mixes"] = stats["errors"][:10], stats["mixes"][:10]
    out.write_text(json.dumps(stats), "utf-8")


def soak_reader(work: Path, n: int, runs: int, env: dict[str, str]) -> dict[str, Any]:
    pages, lake = work / "c-corpus", work / "c-lake"
    make_corpus(work / "c-base", n, 17, 0.0)
    base = {p.name: p.read_bytes() for p in sorted((work / "c-base").iterdir())}
    expected = {r: sorted(hashlib.sha256(marked(b, r)).hexdigest() for b in base.values()) for r in range(runs + 1)}
    (work / "c-expected.json").write_text(json.dumps(expected), "utf-8")
    pages.mkdir(exist_ok=True)

    def write_run(r: int) -> None:
        for name, data in base.items():
            (pages / name).write_bytes(marked(data, r))

    write_run(0)
    code, _, err = run(pages, lake, env)
    if code != 0:
        raise SystemExit(f"(c) first run failed: {err}")
    stop, out = work / "c-stop", work / "c-reader.json"
    reader = subprocess.Popen([sys.executable, __file__, "--reader", str(lake), str(work / "c-expected.json"),
                               str(stop), str(out)], env=env)
    time.sleep(2)
    exits = []
    t0 = time.monotonic()
    for r in range(1, runs + 1):
        write_run(r)
        code, summary, err = run(pages, lake, env)
        exits.append(code)
        print(f"  run {r:2d}: exit {code} {summary.get('status')} v{summary.get('version')}", flush=True)
    time.sleep(1)
    stop.touch()
    reader.wait(timeout=120)
    stats = json.loads(out.read_text("utf-8"))
    return {"runs": runs, "run_exits": exits, "seconds": round(time.monotonic() - t0, 1), **stats,
            "ok": all(c == 0 for c in exits) and stats["failures"] == 0 and stats["mixed"] == 0
            and len(stats["versions_seen"]) > 1}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    ap.add_argument("--n", type=int, default=300, help="files in corpus (a)")
    ap.add_argument("--kill-n", type=int, default=100, help="files in the corpus of the kill runs (b)")
    ap.add_argument("--reader-n", type=int, default=60, help="files in the corpus of the reader runs (c)")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--reader-runs", type=int, default=10)
    ap.add_argument("--only", choices=["a", "b", "c"], action="append", help="run only these parts")
    ap.add_argument("--reader", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reader:
        lake, expected, stop, out = map(Path, args.reader)
        reader_loop(lake, expected, stop, out)
        return 0
    parts = args.only or ["a", "b", "c"]
    work = args.work or Path(tempfile.mkdtemp(prefix="soak-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"work": str(work)}
    with prefect_server() as env:
        if "a" in parts:
            print(f"(a) corpus of {args.n} files, 20% bad", flush=True)
            results["a"] = soak_corpus(work, args.n, env)
            print(json.dumps(results["a"], indent=1), flush=True)
        if "b" in parts:
            print(f"(b) {args.kills} SIGKILLs over a corpus of {args.kill_n} files", flush=True)
            results["b"] = soak_kills(work, args.kill_n, args.kills, env)
            print(json.dumps({k: v for k, v in results["b"].items() if k != "log"}, indent=1), flush=True)
        if "c" in parts:
            print(f"(c) a reader during {args.reader_runs} runs over {args.reader_n} files", flush=True)
            results["c"] = soak_reader(work, args.reader_n, args.reader_runs, env)
            print(json.dumps(results["c"], indent=1), flush=True)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "soak.json").write_text(json.dumps(results, indent=1, default=str), "utf-8")
    ok = all(results[p]["ok"] for p in parts)
    print("soak", "PASSED" if ok else "FAILED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
