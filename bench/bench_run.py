"""Full-run benchmark over one synthetic corpus from ../shared/tools/make_corpus.py, every figure from one invocation.

    python bench/bench_run.py --n 2000 [--seed 5] [--ner off|on|both] [--runners processes,threads] [--keep DIR]
                              [--ner-sample PAGES]
    python bench/bench_run.py --corpus DIR --runs-only [--runners threads] [--code CHECKOUT] [--repeat N]

On one corpus, in this order:
  floor      bench/floor.py (read, one regex, one Parquet file)
  steps      decode -> clean -> segment -> label in this process on one core (CPU time; bench/bench_steps.py's
             loop), and with NER on, the NER step (add_mentions, fresh model) on one core too
  nlp.pipe   spaCy alone over the same paragraphs with n_process = cores (the NER anchor)
  runs       `transcripts run` as its own process per runner (NER off), then NER on with the first runner,
             then a no-change re-run and a re-run with 1% of the pages changed
and the ratios the issue asks for: run / (steps / cores), with and without Prefect's start-up (the run's wall time
not spent in any of its stages), the validation share, the NER ratio to nlp.pipe over all cores, the 1%-changed
re-run's share. Prints a table, writes bench/results/run-<n>.json. Wall times are noisy on a shared machine: note
the load (printed) with the figures.

--runs-only times just the NER-off runs (no floor, steps, NER or re-runs; nothing written to bench/results), each
on a fresh lake, with --code running `transcripts` from another checkout (e.g. `git worktree add` of the code
before a change): alternate the two on a shared machine and compare CPU seconds rather than wall times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"
TOP_STAGES = ("plan", "load_model", "process", "publish")  # the others run during `process`
sys.path.insert(0, str(ROOT / "bench"))


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, dict[str, Any], str]:
    """(seconds, {peak RSS in MB of the run process and of its process tree, CPU seconds of the tree}, stdout).

    The tree includes Prefect's temporary API server, a separate process the pipeline does not control. Its CPU
    seconds (each process's own user + system time, sampled every 0.1 s) measure the run's cost even when other
    jobs share the cores and wall times mean little."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    main_peak = tree_peak = 0
    cpu: dict[tuple[int, float], float] = {}  # (pid, create time) -> CPU seconds last seen
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            tree = [ps, *ps.children(recursive=True)]
            rss = 0
            for p in tree:
                with contextlib.suppress(psutil.Error):
                    rss += p.memory_info().rss
                    t = p.cpu_times()
                    cpu[(p.pid, p.create_time())] = t.user + t.system
            main_peak, tree_peak = max(main_peak, ps.memory_info().rss), max(tree_peak, rss)
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return seconds, {"run_mb": round(main_peak / 2**20), "tree_mb": round(tree_peak / 2**20),
                     "tree_cpu_s": round(sum(cpu.values()), 1)}, stdout


def steps_one_core(corpus: Path, ner: bool, ner_sample: int = 0) -> dict[str, Any]:
    """CPU seconds of the pure steps over the corpus on one core; with `ner`, of the NER step too (fresh model,
    batches of 100 pages as a run sends them), its words, and spaCy's nlp.pipe over all cores on the same texts.

    With `ner_sample` pages (fewer than the corpus), both NER anchors run over that many pages spread evenly
    through the corpus, and their seconds for the whole corpus are its words at the sample's words per second
    (nlp.pipe's start-up, timed on its own, counted once; `ner_anchor` says so): the anchors are rates, and at
    10,000 pages measuring them in full takes 45 minutes."""
    from bench_steps import cold_caches, run

    from transcripts.model import Labeled, Source, count_words
    from transcripts.pipeline import settle_after_loading
    from transcripts.rules.words import english_words
    from transcripts.steps.clean import clean_page
    from transcripts.steps.decode import decode_page
    from transcripts.steps.entities import _pieces, add_mentions, load_nlp
    from transcripts.steps.label import label_page
    from transcripts.steps.segment import segment_page

    pages = [(p.name, p.read_bytes()) for p in sorted(corpus.iterdir()) if p.is_file()]
    english_words()
    settle_after_loading()  # as a page worker runs the steps
    cold_caches()
    times, _ = run(pages, keep=False)
    out: dict[str, Any] = {"steps_s": round(sum(times.values()), 2),
                           "steps_ms_per_page": round(1000 * sum(times.values()) / len(pages), 2)}
    if not ner:
        return out
    labeled: list[Labeled] = []
    for key, data in pages:
        src = decode_page(data, key)
        if isinstance(src, Source):
            labeled.append(label_page(segment_page(clean_page(src))))
    words = sum(count_words(piece) for _, _, _, piece in _pieces(labeled))
    sampled = labeled
    if 0 < ner_sample < len(labeled):
        step = len(labeled) / ner_sample
        sampled = [labeled[int(i * step)] for i in range(ner_sample)]
    texts = [piece for _, _, _, piece in _pieces(sampled)]
    sample_words = sum(count_words(t) for t in texts)
    nlp = load_nlp(None)
    c0 = time.process_time()
    for i in range(0, len(sampled), 100):
        add_mentions(sampled[i:i + 100], nlp)
    one_core_s = time.process_time() - c0
    fresh = load_nlp(None)
    assert fresh is not None
    t0 = time.perf_counter()
    for _ in fresh.pipe(texts, batch_size=512, n_process=os.cpu_count() or 2):
        pass
    pipe_s = time.perf_counter() - t0
    scale = words / sample_words
    out.update(ner_s=round(one_core_s * scale, 2), ner_words=words, pipe_all_cores_s=round(pipe_s, 2))
    if sampled is not labeled:
        # nlp.pipe's start-up (its processes load the model) is paid once, whatever the words: scale the rest
        t0 = time.perf_counter()
        for _ in fresh.pipe(texts[:4], batch_size=512, n_process=os.cpu_count() or 2):
            pass
        pipe_startup_s = min(time.perf_counter() - t0, pipe_s)
        out["pipe_all_cores_s"] = round(pipe_startup_s + (pipe_s - pipe_startup_s) * scale, 2)
        out["ner_anchor"] = {"sample_pages": len(sampled), "sample_words": sample_words,
                             "sample_one_core_s": round(one_core_s, 2), "sample_pipe_all_cores_s": round(pipe_s, 2),
                             "pipe_startup_s": round(pipe_startup_s, 2), "scaled_to_words": words}
    return out


def run_figures(seconds: float, rss: dict[str, Any], stdout: str, steps_s: float, cores: int) -> dict[str, Any]:
    summary = json.loads(stdout)
    cpu = rss.pop("tree_cpu_s")
    stages = summary["seconds"]
    startup = max(0.0, seconds - sum(stages.get(s, 0.0) for s in TOP_STAGES))
    work = seconds - startup
    return {"s": round(seconds, 1), "startup_s": round(startup, 1), "stages": stages, "peak_rss_mb": rss,
            "cpu_s": cpu, "cpu_ratio_to_steps": round(cpu / steps_s, 2),
            "ratio_to_steps_per_core": round(seconds / (steps_s / cores), 2),
            "ratio_to_steps_per_core_without_startup": round(work / (steps_s / cores), 2),
            "validate_share": round(stages.get("validate", 0.0) / seconds, 3),
            "validate_share_without_startup": round(stages.get("validate", 0.0) / work, 3) if work else None,
            # importing GE and setting up its context, on the validation thread during `process`
            "validate_setup_s": stages.get("validate_setup"),
            "rows": summary["rows"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--ner", choices=("off", "on", "both"), default="both")
    ap.add_argument("--runners", default="processes,threads", help="comma-separated; the first is used for NER "
                                                                   "and the re-runs")
    ap.add_argument("--ner-sample", type=int, default=0, metavar="PAGES",
                    help="measure the NER anchors (one core, nlp.pipe) over this many pages spread through the "
                         "corpus and scale them to its words (default: every page)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--corpus", type=Path, help="copy this corpus instead of generating one")
    ap.add_argument("--runs-only", action="store_true", help="only the NER-off runs of each runner")
    ap.add_argument("--code", type=Path, help="with --runs-only: run `transcripts` from this checkout")
    ap.add_argument("--repeat", type=int, default=1, help="with --runs-only: runs per runner")
    args = ap.parse_args()
    if args.runs_only:
        runs_only(args)
        return

    cores = os.cpu_count() or 2
    runners = args.runners.split(",")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-run-"))
    corpus = work / "corpus"
    if args.corpus and not corpus.is_dir():
        shutil.copytree(args.corpus, corpus)
    if not corpus.is_dir():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--n", str(args.n), "--seed",
                        str(args.seed)], check=True, capture_output=True)
    mb = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
    figures: dict[str, Any] = {"pages": args.n, "seed": args.seed, "mb": round(mb, 1), "cores": cores,
                               "load_before": os.getloadavg()}
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    cli = [str(Path(sys.executable).with_name("transcripts"))]

    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "floor.py"), str(corpus), str(work / "floor.parquet")],
                   check=True, capture_output=True)
    figures["floor_s"] = round(time.perf_counter() - t0, 2)
    figures.update(steps_one_core(corpus, ner=args.ner != "off", ner_sample=args.ner_sample))
    steps_s = figures["steps_s"]

    def transcripts_run(lake: Path, runner: str, ner: bool) -> tuple[float, dict[str, int], str]:
        cmd = [*cli, "run", "--input", str(corpus), "--lake", str(lake), "--runner", runner, "--json"]
        return timed(cmd + ([] if ner else ["--ner-model", "none"]), env)

    runs: dict[str, Any] = {}
    if args.ner != "on":
        for runner in runners:
            shutil.rmtree(work / f"lake-{runner}", ignore_errors=True)
            runs[f"{runner}, NER off"] = run_figures(*transcripts_run(work / f"lake-{runner}", runner, False),
                                                     steps_s, cores)
            runs[f"{runner}, NER off"]["floor_ratio"] = round(runs[f"{runner}, NER off"]["s"] / figures["floor_s"], 1)
    if args.ner != "off":
        lake = work / "lake-ner"
        shutil.rmtree(lake, ignore_errors=True)
        with_ner = run_figures(*transcripts_run(lake, runners[0], True), steps_s + figures["ner_s"], cores)
        without = runs.get(f"{runners[0]}, NER off")
        if without:  # the run's NER time: the NER-on run less the NER-off run, against nlp.pipe on all cores
            ner_in_run = with_ner["s"] - without["s"]
            with_ner["ner_words_per_s"] = round(figures["ner_words"] / ner_in_run) if ner_in_run > 0 else None
            with_ner["ner_ratio_to_pipe_all_cores"] = round(figures["pipe_all_cores_s"] / ner_in_run, 2) \
                if ner_in_run > 0 else None
        runs[f"{runners[0]}, NER on"] = with_ner
    figures["pipe_words_per_s"] = round(figures["ner_words"] / figures["pipe_all_cores_s"]) \
        if "pipe_all_cores_s" in figures else None

    # re-runs with the first runner (with NER when it was on): nothing changed, then 1% of the pages changed
    ner = args.ner != "off"
    base_name = f"{runners[0]}, NER {'on' if ner else 'off'}"
    lake = work / ("lake-ner" if ner else f"lake-{runners[0]}")
    again_s, _, _ = transcripts_run(lake, runners[0], ner)
    changed = sorted(corpus.iterdir())[::100]
    for path in changed:
        path.write_bytes(path.read_bytes() + b"\n\nAn added closing paragraph for the benchmark.\n")
    one_pct_s, one_pct_rss, _ = transcripts_run(lake, runners[0], ner)
    full = runs[base_name]["s"]
    figures["reruns"] = {"of": base_name, "nochange_s": round(again_s, 1), "nochange_share": round(again_s / full, 3),
                         "one_pct_changed": len(changed), "one_pct_s": round(one_pct_s, 1),
                         "one_pct_share": round(one_pct_s / full, 3), "one_pct_peak_rss_mb": one_pct_rss}
    figures["runs"] = runs
    figures["load_after"] = os.getloadavg()

    results = ROOT / "bench" / "results" / f"run-{args.n}.json"
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"{args.n} pages, {mb:.1f} MB, {cores} cores; load average {figures['load_before'][0]:.1f} before, "
          f"{figures['load_after'][0]:.1f} after")
    print(f"floor {figures['floor_s']} s; steps one core {steps_s} s ({figures['steps_ms_per_page']} ms/page)"
          + (f"; NER one core {figures['ner_s']} s; nlp.pipe n_process={cores} {figures['pipe_all_cores_s']} s "
             f"({figures['pipe_words_per_s']} words/s)" if "ner_s" in figures else "")
          + (f" (NER anchors over {figures['ner_anchor']['sample_pages']} pages, scaled to the corpus's words)"
             if "ner_anchor" in figures else ""))
    for name, r in runs.items():
        print(f"{name:22} {r['s']:7.1f} s (start-up {r['startup_s']} s) = {r['ratio_to_steps_per_core']}x "
              f"steps/cores ({r['ratio_to_steps_per_core_without_startup']}x without start-up); validation "
              f"{r['validate_share']:.1%} ({r['validate_share_without_startup']:.1%} without start-up); CPU "
              f"{r['cpu_s']} s = {r['cpu_ratio_to_steps']}x the steps'"
              + (f"; NER ratio to nlp.pipe {r.get('ner_ratio_to_pipe_all_cores')}" if "NER on" in name else ""))
    rr = figures["reruns"]
    print(f"re-runs of '{rr['of']}': no change {rr['nochange_s']} s ({rr['nochange_share']:.1%}); "
          f"{rr['one_pct_changed']} pages changed {rr['one_pct_s']} s ({rr['one_pct_share']:.1%})")
    print(f"figures: {results}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def runs_only(args: argparse.Namespace) -> None:
    """`transcripts run` over --corpus (read only: a no-change re-run is not timed), NER off, once per runner and
    repeat, each on a fresh lake; prints wall, start-up, CPU of the process tree and the validation figures."""
    if args.corpus is None:
        raise SystemExit("--runs-only needs --corpus")
    code = (args.code or ROOT).resolve()
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-run-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for i in range(args.repeat):
            for runner in args.runners.split(","):
                lake = work / f"lake-{runner}-{i}"
                shutil.rmtree(lake, ignore_errors=True)
                cmd = [sys.executable, "-m", "transcripts.cli", "run", "--input", str(args.corpus.resolve()),
                       "--lake", str(lake), "--runner", runner, "--json", "--ner-model", "none"]
                load = os.getloadavg()[0]
                with contextlib.chdir(code):  # `python -m` and the page workers import the code from here
                    seconds, rss, stdout = timed(cmd, env)
                stages = json.loads(stdout)["seconds"]
                startup = max(0.0, seconds - sum(stages.get(s, 0.0) for s in TOP_STAGES))
                print(json.dumps({"code": str(code), "runner": runner, "load": round(load, 1),
                                  "s": round(seconds, 1), "startup_s": round(startup, 1), "cpu_s": rss["tree_cpu_s"],
                                  "validate_share": round(stages.get("validate", 0.0) / seconds, 3),
                                  "stages": stages}), flush=True)
                shutil.rmtree(lake, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
