from __future__ import annotations

import json
from typing import Any

from transcripts.explore.show import Passage, Transcript, render_markdown, render_text


def _transcript() -> Transcript:
    return Transcript("doc", "A title", "Morning Edition", 2021, "transcript", None, ["Ann Reporter"], 2, 30, [
        Passage(0, "marker", "(SOUNDBITE OF MUSIC)"),
        Passage(1, "turn", "Good morning. " * 12 + "\n\nA second paragraph.", "Steve Inskeep", "host"),
        Passage(2, "turn", "Thanks.", "Unidentified"),
    ])


def test_text_has_the_header_then_speaker_role_turns_wrapped_to_width() -> None:
    text = render_text(_transcript(), width=40)
    lines = text.splitlines()
    assert lines[0] == "A title"
    assert "Morning Edition · 2021 · transcript" in lines[2]
    assert "By Ann Reporter" in lines
    assert "(SOUNDBITE OF MUSIC)" in lines
    assert any(line.startswith("Steve Inskeep (host): Good morning.") for line in lines)
    assert "    A second paragraph." in lines
    assert "Unidentified: Thanks." in lines
    assert max(len(line) for line in lines) <= 40


def test_markdown_bolds_speakers_and_italicises_markers() -> None:
    md = render_markdown(_transcript())
    assert md.startswith("# A title\n")
    assert "**Steve Inskeep** (host): Good morning." in md and "*(SOUNDBITE OF MUSIC)*" in md


def test_show_prints_a_seed_transcript(cli, seeds_lake: dict[str, Any]) -> None:
    code, out, _ = cli("show", seeds_lake["shown"], "--lake", seeds_lake["dir"], "--width", "100")
    assert code == 0
    assert out.startswith("Xi-Putin meeting marks a closer relationship")
    assert "Steve Inskeep (host): " in out and "Emily Feng (correspondent): Good morning, Steve." in out


def test_show_json_and_an_earlier_version(cli, seeds_lake: dict[str, Any]) -> None:
    code, out, err = cli("show", seeds_lake["removed"], "--lake", seeds_lake["dir"])
    assert code == 2 and "no document" in err
    code, out, _ = cli("show", seeds_lake["removed"], "--version", "1", "--format", "json", "--lake", seeds_lake["dir"])
    assert code == 0
    doc = json.loads(out)
    assert doc["doc_id"] == seeds_lake["removed"] and doc["passages"][0]["seg_idx"] == 0


def test_show_unknown_document_suggests_close_ids(cli, seeds_lake: dict[str, Any]) -> None:
    code, out, err = cli("show", "001", "--lake", seeds_lake["dir"])
    assert code == 2 and out == ""
    assert "did you mean " + seeds_lake["shown"] in err and err.strip().count("\n") == 0
