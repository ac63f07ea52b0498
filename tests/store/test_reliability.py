"""Reliability: every input ends as a document or a reject with a reason; a killed publish loses nothing and
leaves no orphan file behind; a second writer is refused; gc keeps the current version."""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.lakes import data_files, lake_args, lake_code
from test_lake import doc_rows, passing, version_row

from schemas.rejects import REJECT_REASONS
from transcripts.cli import parse_duration
from transcripts.model import Labeled, Reject, Source
from transcripts.pipeline import make_plan, process_file, scan_input
from transcripts.steps.decode import decode_page
from transcripts.store.integrity import open_catalog
from transcripts.store.lake import Changes, ExpiredVersion, Lake, UnknownVersion

ROOT = Path(__file__).resolve().parents[2]
SEED = "001_00c285dc558d520c.txt"


def parquet_names(lake: Lake | Path) -> set[str]:
    return data_files(lake if isinstance(lake, Lake) else Lake(lake))


def orphan_names(lake: Lake | Path) -> set[str]:
    """Parquet files in the data folder that the catalog does not know (checked with SQLite or PostgreSQL
    directly, not with DuckLake)."""
    lake = lake if isinstance(lake, Lake) else Lake(lake)
    with contextlib.closing(open_catalog(lake)) as db:
        known = {Path(r[0]).name for t in ("ducklake_data_file", "ducklake_delete_file",
                                            "ducklake_files_scheduled_for_deletion")
                 for r in db.execute(f"SELECT path FROM {t}")}
    return parquet_names(lake) - known


# ------------------------------------------------------------------------------ input: scan, plan, process


def test_reliability_doc_id_collision_makes_the_second_file_a_reject(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("markdown page")
    (tmp_path / "a.txt").write_text("text page")
    plan = make_plan(scan_input(tmp_path), {}, "v1")
    results = {f.source_path: process_file(f) for f in plan.to_process}
    assert isinstance(results["a.md"], Labeled)
    dup = results["a.txt"]
    assert isinstance(dup, Reject) and dup.reason == "duplicate_doc_id" and "a.md" in dup.detail
    assert dup.source_sha256 is not None and "duplicate_doc_id" in REJECT_REASONS


def test_reliability_doc_id_collision_never_drops_the_published_document(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("text page")
    first = scan_input(tmp_path)
    published = {"documents": {"a": (first[0].sha256, "v1")}, "rejects": {}}
    # a.md arrives: it now owns doc_id a (path order), a.txt becomes a reject; doc a is replaced, not lost
    (tmp_path / "a.md").write_text("markdown page")
    plan = make_plan(scan_input(tmp_path), published, "v1")
    assert sorted(f.source_path for f in plan.to_process) == ["a.md", "a.txt"]
    assert plan.replace_doc_ids == {"a"}
    files = scan_input(tmp_path)
    state = {"documents": {"a": (files[0].sha256, "v1")}, "rejects": {"a.txt": (files[1].sha256, "v1")}}
    assert make_plan(files, state, "v1").nothing_to_do
    # a.md goes away: a.txt is the document again, and its duplicate reject is dropped
    (tmp_path / "a.md").unlink()
    plan = make_plan(scan_input(tmp_path), state, "v1")
    assert [f.source_path for f in plan.to_process] == ["a.txt"]
    assert isinstance(process_file(plan.to_process[0]), Labeled)
    assert plan.replace_reject_paths == {"a.txt"} and plan.replace_doc_ids == {"a"}


def test_reliability_scan_turns_folder_links_and_fifos_into_rejects(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "page.txt").write_text("page")
    os.symlink(outside, folder / "out_link")
    os.symlink(folder / "sub", folder / "in_link")
    os.mkfifo(folder / "pipe.txt")  # opening it to hash would block forever
    found = {f.source_path: f for f in scan_input(folder)}
    assert set(found) == {"in_link", "out_link", "pipe.txt", "sub/page.txt"}
    assert found["out_link"].problem is not None and found["out_link"].problem.reason == "outside_input"
    assert found["in_link"].problem is not None and found["in_link"].problem.reason == "unreadable"
    assert found["pipe.txt"].problem is not None and "not a regular file" in found["pipe.txt"].problem.detail
    assert found["sub/page.txt"].problem is None


def test_reliability_file_vanishing_or_changing_mid_run_becomes_a_reject(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").write_text("a page that will vanish")
    (tmp_path / "edited.txt").write_text("a page that will change")
    files = {f.source_path: f for f in scan_input(tmp_path)}
    (tmp_path / "gone.txt").unlink()
    (tmp_path / "edited.txt").write_text("changed after the scan")
    gone, edited = process_file(files["gone.txt"]), process_file(files["edited.txt"])
    assert isinstance(gone, Reject) and gone.reason == "unreadable" and "FileNotFoundError" in gone.detail
    assert isinstance(edited, Reject) and edited.reason == "unreadable" and "changed" in edited.detail
    # the reject carries the scanned hash, so the next run sees the new content as a change
    assert edited.source_sha256 == files["edited.txt"].sha256


_PLAIN = st.text(alphabet=st.characters(codec="latin-1", categories=("L", "N", "P", "Zs"),
                                        exclude_characters="\u00a0\u00c2\u00c3\u00c4\u00c5\u00e2<"), max_size=300)


def _reads_as_other_utf8(data: bytes, text: str) -> bool:
    try:
        return data.decode("utf-8") != text
    except UnicodeDecodeError:
        return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PLAIN, min_size=1, max_size=8), st.sampled_from(["utf-16", "utf-8-sig", "latin-1"]))
def test_reliability_encodings_decode_to_the_same_text(lines: list[str], encoding: str) -> None:
    text = "\n".join(lines)
    data = text.encode(encoding)
    # Latin-1 bytes that also read as UTF-8 ("Æ¡" is the UTF-8 of "ơ") are a UTF-8 page: no decoder can tell
    # which text was meant, and UTF-8 is the likelier reading.
    assume(not (encoding == "latin-1" and _reads_as_other_utf8(data, text)))
    out = decode_page(data, "p.txt")
    if not text.strip():
        assert isinstance(out, Reject) and out.reason == "empty"
        return
    assert isinstance(out, Source) and out.text == text
    assert ("bom" in out.repairs) == (encoding != "latin-1")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_reliability_any_bytes_end_as_document_or_reasoned_reject(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    (f,) = scan_input(tmp_path)
    out = process_file(f)
    # a step that crashes would still be quarantined (stage_error); no step should crash on any input
    assert isinstance(out, Labeled) or (out.reason in REJECT_REASONS and out.reason != "stage_error"), out


# ------------------------------------------------------------------------------ the real flow over bad input


def _bad_folder(root: Path, seeds: Path) -> tuple[Path, dict[str, str | None]]:
    """A folder with one of each bad kind; expected reject reason per path (None: a document)."""
    pages = root / "pages"
    pages.mkdir()
    good = (seeds / SEED).read_text("utf-8")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(good, "utf-8")
    files: dict[str, bytes] = {
        "good.txt": good.encode(),
        "empty.txt": b"",
        "blank.txt": b" \n\t\r\n  \n",
        "image.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
        "noise.bin": bytes(range(0, 9)) * 500,
        "nul.txt": good.replace("NPR", "N\x00PR").encode(),
        "utf16.txt": good.encode("utf-16"),
        "utf16nobom.txt": good.encode("utf-16-le"),
        "bom.txt": codecs.BOM_UTF8 + good.encode(),
        "latin1.txt": good.replace("Emily", "Émilie").encode("latin-1", "replace"),
        "crlf.txt": good.replace("\n", "\r\n").encode(),
        "one_line.txt": b"word " * 60_000,
        "page.html": ("<!DOCTYPE html><html><head><title>t</title><script>x()</script></head><body>"
                      + "".join(f"<p>{p}</p>" for p in good.split("\n\n")) + "</body></html>").encode(),
        "dup.md": good.replace("Emily", "Emilia").encode(),
        "dup.txt": good.encode(),
        "nested/deeper/page.txt": good.replace("Emily", "Emma").encode(),
    }
    for name, data in files.items():
        (pages / name).parent.mkdir(parents=True, exist_ok=True)
        (pages / name).write_bytes(data)
    os.symlink(outside / "secret.txt", pages / "outside_link.txt")
    os.symlink(outside, pages / "outside_dir")
    os.symlink(pages / "good.txt", pages / "inside_link.txt")
    os.mkfifo(pages / "fifo.txt")
    expected: dict[str, str | None] = {name: None for name in files}
    expected.update({"empty.txt": "empty", "blank.txt": "empty", "image.png": "binary", "noise.bin": "binary",
                     "one_line.txt": "too_large", "dup.txt": "duplicate_doc_id", "outside_link.txt": "outside_input",
                     "outside_dir": "outside_input", "inside_link.txt": None, "fifo.txt": "unreadable"})
    return pages, expected


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, prefect_harness: None, cli) -> dict:
    root = tmp_path_factory.mktemp("bad")
    pages, expected = _bad_folder(root, seeds_dir)
    lake = root / "lake"
    code, stdout, stderr = cli("run", "--input", pages, "--lake", lake, "--ner-model", "none", "--json")
    return {"pages": pages, "lake": lake, "expected": expected, "code": code, "stdout": stdout, "stderr": stderr}


def _fates(cli, lake: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    def rows(sql: str) -> list[dict]:
        code, out, err = cli("query", "--lake", lake, "--format", "json", sql)
        assert code == 0, err
        return json.loads(out)

    docs = {r["source_path"]: r for r in rows(
        "SELECT d.source_path, d.doc_id, d.doc_type, d.n_turns, s.encoding, s.repairs "
        "FROM documents d JOIN sources s USING (doc_id)")}
    rejects = {r["source_path"]: r for r in rows("SELECT source_path, reason, detail FROM rejects")}
    return docs, rejects


@pytest.mark.slow
def test_reliability_every_bad_input_ends_as_document_or_reject(bad_run: dict, cli) -> None:
    assert bad_run["code"] == 0, bad_run["stderr"]
    docs, rejects = _fates(cli, bad_run["lake"])
    expected = bad_run["expected"]
    assert not set(docs) & set(rejects)
    assert set(docs) | set(rejects) == set(expected)  # nothing skipped silently
    assert {p: r["reason"] for p, r in rejects.items()} == {p: r for p, r in expected.items() if r is not None}
    assert all(r["detail"] for r in rejects.values())
    assert "dup.md" in rejects["dup.txt"]["detail"]
    # decodable encodings yield a real transcript, with the repair recorded
    for path, repair in [("utf16.txt", "bom"), ("bom.txt", "bom"), ("nul.txt", "nul_bytes"), ("crlf.txt", "crlf"),
                         ("page.html", "html")]:
        assert docs[path]["doc_type"] == "transcript" and docs[path]["n_turns"] > 5, path
        assert repair in docs[path]["repairs"], path
    assert docs["utf16nobom.txt"]["encoding"] == "utf-16-le" and docs["utf16nobom.txt"]["n_turns"] > 5
    assert docs["latin1.txt"]["encoding"] in {"cp1252", "latin-1", "iso8859_1", "windows-1252"}
    assert docs["nested/deeper/page.txt"]["doc_id"] == "nested/deeper/page"


@pytest.mark.slow
def test_reliability_removing_the_colliding_file_frees_its_doc_id(bad_run: dict, cli) -> None:
    pages, lake = bad_run["pages"], bad_run["lake"]
    (pages / "dup.md").unlink()
    code, _, stderr = cli("run", "--input", pages, "--lake", lake, "--ner-model", "none", "--json")
    assert code == 0, stderr
    docs, rejects = _fates(cli, lake)
    assert docs["dup.txt"]["doc_id"] == "dup" and "dup.txt" not in rejects and "dup.md" not in docs
    assert set(docs) | set(rejects) == set(bad_run["expected"]) - {"dup.md"}


@pytest.mark.slow
def test_reliability_run_with_nothing_to_do_still_removes_orphans(bad_run: dict, cli) -> None:
    lake = bad_run["lake"]
    some = next((lake / "data").rglob("*.parquet"))
    planted = some.with_name("ducklake-00000000-0000-0000-0000-000000000000.parquet")
    shutil.copy(some, planted)  # what a killed transaction leaves: a file no snapshot references
    assert Lake(lake).has_orphans()
    code, stdout, stderr = cli("run", "--input", bad_run["pages"], "--lake", lake, "--ner-model", "none", "--json")
    assert code == 0 and json.loads(stdout)["status"] == "nothing_to_do", stderr
    assert not planted.exists() and some.exists() and not Lake(lake).has_orphans()


# ------------------------------------------------------------------------------ crash safety


# Child: publish a large-ish version through `publication` in several batches, touching a marker file after
# each step so that the parent can kill it at a chosen moment; then sleep while still holding the lock.
_KILLED_PUBLISH = """
    import sys, time
    from pathlib import Path
    sys.path[:0] = [{root!r}, {tests!r}, {tests!r} + "/.."]
    import test_lake as t
    from transcripts.store.lake import Lake, CheckOutcome
    lk, marks = {lake}, Path({marks!r})
    def check(con, catalog):
        (marks / "check").touch()
        time.sleep(30)
        return CheckOutcome(passed=True)
    with lk.publication() as pub:
        pub.replace(["a"], [])
        for i in range(4):
            pub.insert(t.doc_rows(f"k{{i}}", speakers=("sam",), n_segments=50))
            (marks / f"batch{{i}}").touch()
        out = pub.commit(t.version_row("killed"), check=check if {in_check} else None)
    (marks / "committed").touch()
    time.sleep(30)
"""


def _publish_then_kill(lake: Lake, tmp_path: Path, moment: str) -> None:
    marks = tmp_path / f"marks-{moment}"
    marks.mkdir()
    code = _KILLED_PUBLISH.format(root=str(ROOT), tests=str(ROOT / "tests" / "store"), lake=lake_code(lake),
                                  marks=str(marks), in_check=moment == "check")
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (marks / moment).exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, f"child never reached {moment}"
            time.sleep(0.02)
    finally:
        proc.kill()
        proc.wait()
        if proc.stderr:
            proc.stderr.close()


@pytest.mark.parametrize("moment", ["batch0", "batch3", "check", "committed"])
def test_reliability_sigkill_during_publish_loses_nothing_and_leaves_no_orphans(tmp_path: Path, make_lake,
                                                                               moment: str) -> None:
    lake = make_lake()
    lake.publish(Changes(rows=doc_rows("a"), version_row=version_row("v1")), check=passing)
    lake.publish(Changes(rows=doc_rows("b"), version_row=version_row("v2")), check=passing)
    before = {v: lake.query("SELECT doc_id, source_sha256 FROM documents ORDER BY 1", version=v)[1] for v in (1, 2)}
    _publish_then_kill(lake, tmp_path, moment)
    committed = moment == "committed"
    assert lake.current_version() == (3 if committed else 2)
    for v, rows in before.items():  # published versions read whole, as before the kill
        assert lake.query("SELECT doc_id, source_sha256 FROM documents ORDER BY 1", version=v)[1] == rows
    for row in lake.versions():  # every version's rows equal what its versions row recorded
        con = lake.reader(row["version"])
        try:
            counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in row["rows"]}
        finally:
            con.close()
        assert counts == row["rows"]
    assert bool(orphan_names(lake)) == (not committed)  # the killed transaction's files, uncommitted
    assert lake.has_orphans() == (not committed)
    # the next publish succeeds and removes them
    nxt = lake.publish(Changes(rows=doc_rows("c"), version_row=version_row("next")), check=passing)
    assert nxt.version == (4 if committed else 3)
    assert orphan_names(lake) == set()
    docs = [r[0] for r in lake.query("SELECT doc_id FROM documents ORDER BY 1")[1]]
    assert docs == (["b", "c", "k0", "k1", "k2", "k3"] if committed else ["a", "b", "c"])


def test_reliability_remove_orphans_spares_an_open_publication(make_lake) -> None:
    lake = make_lake()
    lake.publish(Changes(rows=doc_rows("a"), version_row=version_row("v1")), check=passing)
    with lake.publication() as pub:
        pub.insert(doc_rows("b"))
        pending = orphan_names(lake)
        assert pending and lake.remove_orphans() == []  # same process, transaction still open
        assert pending <= parquet_names(lake)
        assert pub.commit(version_row("v2"), check=passing).version == 2
    assert orphan_names(lake) == set()
    assert lake.query("SELECT count(*) FROM documents")[1] == [(2,)]


@pytest.mark.slow
def test_reliability_second_run_while_one_publishes_exits_3(tmp_path: Path, seeds_dir: Path, cli, make_lake,
                                                           prefect_harness: None) -> None:
    lake = make_lake()
    lake.init()
    held = tmp_path / "held"
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from transcripts.store.lake import Lake
        with {lake_code(lake)}.writer_lock():
            Path({str(held)!r}).touch()
            time.sleep(60)
    """)])
    try:
        deadline = time.monotonic() + 30
        while not held.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        code, _, stderr = cli("run", "--input", seeds_dir, *lake_args(lake), "--ner-model", "none")
        assert code == 3
        holder = f"pid {proc.pid}" if not lake.remote else f"writer {socket.gethostname()} pid {proc.pid}"
        assert "cannot start" in stderr and f"another run is publishing to {lake.display} ({holder})" in stderr
        code, _, stderr = cli("gc", "--keep", "1", *lake_args(lake))
        assert code == 3 and "another run is publishing" in stderr
    finally:
        proc.kill()
        proc.wait()
    assert lake.current_version() is None  # the refused run published nothing


@pytest.mark.slow
def test_reliability_two_real_runs_at_once_one_exits_3(tmp_path: Path, seeds_dir: Path,
                                                      prefect_harness: None) -> None:
    from prefect.settings import PREFECT_API_URL

    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(100):  # work enough that the run holding the lock still holds it when the other one asks
        for p in sorted(seeds_dir.iterdir()):
            (pages / f"{i:03d}_{p.name}").write_text(p.read_text("utf-8").replace("Emily", f"Emily{i}"), "utf-8")
    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()))
    cmd = [str(Path(sys.executable).with_name("transcripts")), "run", "--input", str(pages),
           "--lake", str(tmp_path / "lake"), "--ner-model", "none"]
    # the second starts once the first holds the writer lock, which it keeps for the whole run: started at the
    # same instant, a fast first run could finish before the second one asked, and both would rightly succeed
    runs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    deadline = time.monotonic() + 120
    while Lake(tmp_path / "lake").lock_holder() is None and runs[0].poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    runs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outcomes = [(proc.wait(timeout=180), proc.communicate()[1]) for proc in runs]
    assert sorted(code for code, _ in outcomes) == [0, 3], outcomes
    refused = next(err for code, err in outcomes if code == 3)
    assert "cannot start" in refused and "another run is publishing" in refused
    assert Lake(tmp_path / "lake").current_version() == 1


# ------------------------------------------------------------------------------ gc


@pytest.fixture
def four_versions(make_lake) -> Lake:
    lake = make_lake()
    for i in range(4):  # document a changes every time: each version has its own files
        lake.publish(Changes(rows=doc_rows("a", f"s{i}", n_segments=3 + i), version_row=version_row(f"v{i + 1}")),
                     check=passing)
    return lake


def test_reliability_gc_keep_expires_old_versions_and_deletes_their_files(four_versions: Lake, cli) -> None:
    lake = four_versions
    files_before = parquet_names(lake)
    code, stdout, stderr = cli("gc", "--keep", "2", *lake_args(lake), "--json")
    assert code == 0, stderr
    outcome = json.loads(stdout)
    assert outcome["expired"] == [1, 2] and outcome["kept"] == [3, 4] and outcome["files_deleted"] > 0
    files_after = parquet_names(lake)
    assert files_after < files_before and len(files_before - files_after) == outcome["files_deleted"]
    assert orphan_names(lake) == set()
    # current and kept versions read as before; expired ones give a clear error
    assert lake.query("SELECT count(*) FROM segments")[1] == [(6,)]
    assert lake.query("SELECT count(*) FROM segments", version=3)[1] == [(5,)]
    code, _, stderr = cli("query", *lake_args(lake), "--version", "1", "SELECT 1")
    assert code == 2 and "version 1 was expired by `transcripts gc`" in stderr
    with pytest.raises(ExpiredVersion):
        lake.diff(1, 4)
    with pytest.raises(UnknownVersion, match="unknown version 9"):
        lake.reader(9)
    assert [(v["version"], v["expired"]) for v in lake.versions()] == [(1, True), (2, True), (3, False), (4, False)]
    code, stdout, _ = cli("versions", *lake_args(lake))
    assert code == 0 and stdout.count("(expired by gc)") == 2
    # the lake goes on: the next version publishes and reads
    assert lake.publish(Changes(rows=doc_rows("b"), version_row=version_row("v5")), check=passing).version == 5
    assert lake.diff(4, 5)["added"] == ["b"]


def test_reliability_gc_never_expires_the_current_version(four_versions: Lake) -> None:
    lake = four_versions
    assert lake.gc(older_than=dt.timedelta(days=1))["expired"] == []  # all are younger than a day
    outcome = lake.gc(older_than=dt.timedelta(0))
    assert outcome["expired"] == [1, 2, 3] and outcome["kept"] == [4]
    assert lake.query("SELECT source_sha256 FROM documents")[1] == [("s3",)]
    assert lake.gc(keep=1)["expired"] == []  # nothing left to expire
    with pytest.raises(ValueError):
        lake.gc()
    with pytest.raises(ValueError):
        lake.gc(keep=0)


def test_reliability_gc_keep_and_older_than_must_both_hold(four_versions: Lake) -> None:
    assert four_versions.gc(keep=1, older_than=dt.timedelta(hours=1))["expired"] == []
    assert four_versions.gc(keep=3, older_than=dt.timedelta(0))["expired"] == [1]


def test_reliability_gc_command_refuses_bad_arguments(four_versions: Lake, cli) -> None:
    for args in ([], ["--keep", "0"], ["--older-than", "soon"]):
        code, _, stderr = cli("gc", *args, *lake_args(four_versions))
        assert code == 2 and stderr, args
    assert len(parquet_names(four_versions)) > 0 and four_versions.current_version() == 4


@pytest.mark.parametrize(("text", "expected"), [
    ("7d", dt.timedelta(days=7)), ("12h", dt.timedelta(hours=12)), ("30m", dt.timedelta(minutes=30)),
    ("1d12h", dt.timedelta(days=1, hours=12)), ("2w", dt.timedelta(weeks=2)), ("0s", dt.timedelta(0)),
])
def test_reliability_parse_duration(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "7 days", "-1d", "1x"])
def test_reliability_parse_duration_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)
