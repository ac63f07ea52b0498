from __future__ import annotations

import json
from typing import Any

from transcripts.explore.search import index_path, remove_stale_indexes, snippet


def test_snippet_marks_the_hit_in_context_cut_at_words() -> None:
    text = "word " * 40 + "the economy grew\nfast " + "tail " * 40
    piece = snippet(text, ["econom"], context=30)
    assert piece.startswith("…") and piece.endswith("…")
    assert "the «economy» grew fast" in piece
    assert all(w in ("…", "word", "tail", "the", "«economy»", "grew", "fast") for w in piece.strip("…").split())


def test_search_ranks_turns_with_speaker_role_and_snippet(cli, seeds_lake: dict[str, Any]) -> None:
    code, out, err = cli("search", "Taiwan", "--lake", seeds_lake["dir"], "--format", "json")
    assert code == 0, err
    hits = json.loads(out)
    assert hits and hits[0]["doc_id"] == seeds_lake["shown"]
    assert hits[0]["speaker"] == "Emily Feng" and hits[0]["role"] == "correspondent"
    assert "«Taiwan»" in hits[0]["snippet"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert index_path(seeds_lake["dir"], 2).is_file()  # derived data, beside the published tables


def test_search_filters(cli, seeds_lake: dict[str, Any]) -> None:
    def hits(*args: str) -> list[dict[str, Any]]:
        code, out, err = cli("search", "China", "--lake", seeds_lake["dir"], "--format", "json", *args)
        assert code == 0, err
        return json.loads(out)

    assert {h["role"] for h in hits("--role", "host")} == {"host"}
    assert {h["speaker"] for h in hits("--speaker", "feng")} == {"Emily Feng"}
    assert hits("--program", "morning edition") and {h["program"] for h in hits("--program", "morning")} == \
        {"Morning Edition"}
    assert len(hits("--limit", "2")) == 2
    assert hits("--year", "1901") == []


def test_search_bad_role_is_one_line(cli, seeds_lake: dict[str, Any]) -> None:
    code, out, err = cli("search", "China", "--role", "anchor", "--lake", seeds_lake["dir"])
    assert code == 2 and out == "" and "--role must be one of" in err


def test_gc_removes_the_indexes_of_expired_versions(tmp_path) -> None:
    for version in (1, 2, 3):
        path = index_path(tmp_path, version)
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"")
    deleted = remove_stale_indexes(tmp_path, [3])
    assert sorted(p.name for p in deleted) == ["v1.duckdb", "v2.duckdb"]
    assert index_path(tmp_path, 3).is_file()


def test_gc_command_deletes_the_index_of_an_expired_version(cli, publish_pages, seeds_dir, tmp_path) -> None:
    import shutil

    from transcripts.store.lake import Lake

    pages = tmp_path / "pages"
    shutil.copytree(seeds_dir, pages)
    lake = Lake(tmp_path / "lake")
    publish_pages(lake, pages, set())
    (pages / "002_a7df522fb442f5e4.txt").unlink()
    publish_pages(lake, pages, {"002_a7df522fb442f5e4"})
    for version in ("1", "2"):
        code, _, err = cli("search", "China", "--version", version, "--lake", lake.root)
        assert code == 0, err
    assert index_path(lake.root, 1).is_file() and index_path(lake.root, 2).is_file()
    code, _, err = cli("gc", "--keep", "1", "--lake", lake.root)
    assert code == 0, err
    assert not index_path(lake.root, 1).exists() and index_path(lake.root, 2).is_file()


def test_scores_equal_the_extensions_match_bm25(cli, seeds_lake: dict[str, Any]) -> None:
    from transcripts.explore.search import Filters, search
    from transcripts.store.extensions import connect

    code, _, err = cli("search", "China", "--lake", seeds_lake["dir"])
    assert code == 0, err
    path = index_path(seeds_lake["dir"], 2)
    ours = [(doc, seg, score) for score, doc, seg, *_ in search(path, "China Putin Taiwan", Filters(), 50)]
    con = connect(str(path), read_only=True, extensions=("fts",))
    try:
        theirs = con.execute("""
            SELECT doc_id, seg_idx, round(score, 3) FROM (
                SELECT *, fts_main_passages.match_bm25(id, 'China Putin Taiwan') AS score FROM passages)
            WHERE score IS NOT NULL ORDER BY score DESC, doc_id, seg_idx LIMIT 50""").fetchall()
    finally:
        con.close()
    assert len(ours) > 3 and ours == [tuple(r) for r in theirs]
