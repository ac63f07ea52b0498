"""The invented layout pages (tests/pages/layouts) through decode -> clean -> segment -> label: who speaks each
turn and in what role, against the page's gold file, for the label, turn and name classes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from transcripts.model import Appearance, Labeled
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.label import label_page
from transcripts.steps.segment import segment_page

LAYOUTS = Path(__file__).resolve().parents[1] / "pages" / "layouts"


def labeled(name: str) -> Labeled:
    src = decode_page((LAYOUTS / "docs" / f"{name}.txt").read_bytes(), f"{name}.txt")
    assert not hasattr(src, "reason"), src
    return label_page(segment_page(clean_page(src)))  # type: ignore[arg-type]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().casefold()


def turns_by_gold(page: Labeled, gold: dict) -> list[tuple[str, str, str]]:
    """(gold start, speaker, role) of the turn that starts with each gold turn's start, in order."""
    apps: dict[str | None, Appearance] = {a.speaker_id: a for a in page.appearances}
    turns = [s for s in page.segmented.segments if s.kind == "turn"]
    out, pos = [], 0
    for g in gold["turns"]:
        k = next((j for j in range(pos, len(turns)) if _flat(turns[j].text).startswith(_flat(g["starts"]))), None)
        if k is None:
            out.append((g["starts"], "<missing>", ""))
            continue
        pos = k + 1
        app = apps[turns[k].speaker_id]
        out.append((g["starts"], app.name, app.role))
    return out


@pytest.mark.parametrize("name", [
    "inv06_cohosts_surname_initial_typo",  # co-host intros, surname, initial+surname and typo labels
    "inv07_guest_host_opening_suffix",  # a guest host's opening, a III suffix
    "inv14_long_label_colon_in_parenthetical",  # a colon inside a label's quoted book title
    "inv15_guest_host_never_labeled",  # a guest host's unlabeled opening, never labeled afterwards
    "inv16_announcer_hands_over_surname_host",  # a surname label completed by the announcer's hand-over
    "inv17_teaser_above_station_id",  # a web teaser above the station ID that opens the show
    "inv18_short_qa_names_in_intro",  # two title-case labels whose names the introduction writes
    "inv19_cold_open_names_other_program",  # a cold open before the host's self-introduction
    "inv08_es_bracket_labels",  # bracketed labels, an app promo, the show's own producer
])
def test_layout_page_speakers_match_gold(name: str) -> None:
    gold = json.loads((LAYOUTS / "gold" / f"{name}.json").read_text())
    page = labeled(name)
    got = turns_by_gold(page, gold)
    want = [(g["starts"], g["speaker"], g["role"]) for g in gold["turns"]]
    assert got == want


def test_cohost_intros_become_two_host_turns_and_resolve_surname_labels() -> None:
    page = labeled("inv06_cohosts_surname_initial_typo")
    names = {a.name: a for a in page.appearances}
    assert set(names) == {"Emily Kwong", "Regina Barber", "Juno Okafor", "Tobias Okafor"}
    assert names["Regina Barber"].role == "host"
    assert "BRABER" in names["Regina Barber"].labels  # the typo joins the person it misspells


def test_suffix_cased_and_surname_label_resolves_through_it() -> None:
    names = {a.name: a for a in labeled("inv07_guest_host_opening_suffix").appearances}
    assert "Bram Kessler III" in names and "KESSLER" in names["Bram Kessler III"].labels
    assert names["Tonya Mosley"].role == "host"


def test_bracketed_cased_labels_make_a_transcript() -> None:
    page = labeled("inv08_es_bracket_labels")
    segs = page.segmented.segments
    assert page.segmented.doc_type == "transcript"
    assert [s.text for s in segs if s.kind == "marker"] == ["[AUDIO de olas y viento]"]
    names = {a.name: a for a in page.appearances}
    assert set(names) == {"Daniel Alarcón", "Marcela Quiroga", "Anselmo Rivas"}
    assert names["Daniel Alarcón"].role == "host"  # "Esto es Radio Ambulante ... Soy Daniel Alarcón."
    assert set(names["Marcela Quiroga"].labels) == {"[Marcela Quiroga]", "[Marcela]"}


def test_guest_host_who_names_herself_speaks_the_opening_not_the_first_labeled_guest() -> None:
    names = {a.name: a for a in labeled("inv15_guest_host_never_labeled").appearances}
    assert set(names) == {"Hollis Grant", "Mara Lindqvist"}
    assert (names["Hollis Grant"].role, names["Mara Lindqvist"].role) == ("host", "guest")


def test_surname_label_of_the_host_the_announcer_hands_over_to() -> None:
    names = {a.name: a for a in labeled("inv16_announcer_hands_over_surname_host").appearances}
    assert names["Peter Sagal"].labels == ["SAGAL"] and names["Peter Sagal"].role == "host"
    assert names["Bill Kurtis"].role == "guest"  # the announcer who hands over is not the host


@pytest.mark.parametrize("name", [
    "inv08_es_bracket_labels",  # an app promo above a first labeled turn that opens the show
    "inv09_mixedcase_qa",  # an interview's introduction above title-case Q&A labels
    "inv17_teaser_above_station_id",  # a web teaser above the unlabeled station ID
    "inv18_short_qa_names_in_intro",  # an interview's introduction, photo caption and credit above two labels
])
def test_lines_above_the_shows_opening_are_not_a_turn(name: str) -> None:
    gold = json.loads((LAYOUTS / "gold" / f"{name}.json").read_text())
    page = labeled(name)
    turns = [s for s in page.segmented.segments if s.kind == "turn"]
    assert len(turns) == len(gold["turns"])
    assert all(_flat(t.text).startswith(_flat(g["starts"])) for t, g in zip(turns, gold["turns"], strict=True))
    assert {a.name for a in page.appearances} == {s["name"] for s in gold["speakers"]}
    removed = [r.reason for r in page.segmented.cleaned.removed]
    assert "teaser" in removed


@pytest.mark.parametrize(("name", "interviewer", "interviewee"), [
    ("inv09_mixedcase_qa", "Hollis Vance", "Priya Lindgren"),
    ("inv18_short_qa_names_in_intro", "Nadia Ferreira", "Ravi Chandran"),
])
def test_printed_interview_is_run_by_the_one_who_asks(name: str, interviewer: str, interviewee: str) -> None:
    page = labeled(name)
    assert page.segmented.doc_type == "transcript"
    roles = {a.name: a.role for a in page.appearances}
    assert roles[interviewer] == "host" and roles[interviewee] != "host"


def test_timed_clip_label_is_a_turn_and_the_host_speaks_again_after_it() -> None:
    src = decode_page((LAYOUTS.parent / "es_timecode_clip.txt").read_bytes(), "es_timecode_clip.txt")
    page = label_page(segment_page(clean_page(src)))  # type: ignore[arg-type]
    apps = {a.speaker_id: a for a in page.appearances}
    turns = [(s.speaker_label, apps[s.speaker_id].name, s.text.split(".")[0])
             for s in page.segmented.segments if s.kind == "turn"]
    assert turns == [
        (None, "Inés Barrera", "Bienvenidos a Radio Ambulante desde NPR, soy Inés Barrera"),
        ("[01:12] (Tomás)", "Tomás Ledesma", "El mercado abre a las cuatro de la mañana y no cierra nunca"),
        (None, "Inés Barrera", "Así empezaba aquel episodio"),  # the closing time code ended the clip
        ("Tomás", "Tomás Ledesma", "¿Se acuerda de la primera vez que vine?"),  # first names completed
        ("Rosa", "Rosa Villalba", "Claro"),
        ("Tomás", "Tomás Ledesma", "Es verdad"),
    ]
    assert {a.name: a.role for a in page.appearances}["Inés Barrera"] == "host"


def test_program_in_capitals_after_the_self_introduction_outranks_a_cold_open_mention() -> None:
    # the cold open says "All Things Considered host Ari Shapiro"; the host says "IT'S BEEN A MINUTE here"
    assert labeled("inv19_cold_open_names_other_program").program == "It's Been a Minute"


def test_the_shows_own_producer_is_a_correspondent() -> None:
    # "Nuestra productora Marcela Quiroga viajó hasta allá": staff, not a guest
    page = labeled("inv08_es_bracket_labels")
    roles = {a.name: a.role for a in page.appearances}
    assert roles == {"Daniel Alarcón": "host", "Marcela Quiroga": "correspondent", "Anselmo Rivas": "guest"}
    assert page.bylines == []  # the show's crew; nothing on the page credits her as the story's reporter


def test_the_reporter_the_host_hands_a_story_to_is_a_correspondent() -> None:
    text = ("El mercado que nunca cierra\n\n"
            "[Inés Barrera]: Esto es Radio Ambulante, desde NPR. Soy Inés Barrera.\n\n"
            "Bueno, empecemos con Rosa Villalba.\n\n"
            "[Rosa Villalba]: Hola, desde Lima.\n\n"
            "[Inés]: Rosa está trabajando en la crónica de un mercado que nunca cierra.\n\n"
            "[Tomás Ledesma]: El mercado abre a las cuatro de la mañana.\n")
    src = decode_page(text.encode("utf-8"), "staff.txt")
    page = label_page(segment_page(clean_page(src)))  # type: ignore[arg-type]
    roles = {a.name: a.role for a in page.appearances}
    assert roles == {"Inés Barrera": "host", "Rosa Villalba": "correspondent", "Tomás Ledesma": "guest"}
    assert page.bylines == []
