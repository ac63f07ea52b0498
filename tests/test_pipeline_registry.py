"""The step registry (pipeline.STEPS) says what each step reads and assigns: run every step over the seeds and
check that, and that no step changes its input."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from transcripts import model
from transcripts.model import Labeled, Source
from transcripts.pipeline import STEPS
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.label import label_page
from transcripts.steps.segment import segment_page

SEEDS = sorted(Path(__file__).resolve().parents[1].joinpath("seeds").glob("*.txt"))
BY_NAME = {s.name: s for s in STEPS}


def fields_of(type_name: str) -> set[str]:
    cls = getattr(model, type_name)
    return {f.name for f in dataclasses.fields(cls)}


def test_registry_names_real_model_fields() -> None:
    assert [s.name for s in STEPS] == ["decode", "clean", "segment", "label", "entities"]
    for step in STEPS:
        for ref in (*step.requires, *step.assigns):
            type_name, _, field = ref.partition(".")
            assert field in fields_of(type_name), f"{step.name}: {ref} is no field of transcripts.model"


def assigned(step: str, type_name: str) -> set[str]:
    return {ref.partition(".")[2] for ref in BY_NAME[step].assigns if ref.startswith(type_name + ".")}


def set_fields(obj: Any, carried: str) -> set[str]:
    """Fields of a step's output that hold something, except the one carrying the step's input."""
    return {f.name for f in dataclasses.fields(obj) if f.name != carried and getattr(obj, f.name) not in (None, [], {})}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_registry_assigns_are_what_each_step_sets(seed: Path) -> None:
    src = decode_page(seed.read_bytes(), seed.name)
    assert isinstance(src, Source)
    assert set_fields(src, "") <= assigned("decode", "Source")
    cleaned = clean_page(src)
    assert cleaned.source is src and set_fields(cleaned, "source") <= assigned("clean", "Cleaned")
    segmented = segment_page(cleaned)
    assert set_fields(segmented, "cleaned") <= assigned("segment", "Segmented")
    # segment assigns Removed.seg_idx: the removals are the clean step's, with seg_idx filled in
    assert [dataclasses.replace(r, seg_idx=None) for r in segmented.cleaned.removed] == cleaned.removed
    labeled = label_page(segmented)
    assert set_fields(labeled, "segmented") <= assigned("label", "Labeled")
    # label assigns Segment.speaker_id and nothing else of the segments
    turns = [s for s in labeled.segmented.segments if s.kind == "turn"]
    assert all(s.speaker_id for s in turns) and all(s.speaker_id is None for s in segmented.segments)
    assert [dataclasses.replace(s, speaker_id=None) for s in labeled.segmented.segments] == segmented.segments
    assert not labeled.mentions and "mentions" not in assigned("label", "Labeled")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_steps_never_change_their_input(seed: Path) -> None:
    src = decode_page(seed.read_bytes(), seed.name)
    assert isinstance(src, Source)
    before = copy.deepcopy(src)
    cleaned = clean_page(src)
    assert src == before
    before_cleaned = copy.deepcopy(cleaned)
    segmented = segment_page(cleaned)
    assert cleaned == before_cleaned
    before_segmented = copy.deepcopy(segmented)
    labeled = label_page(segmented)
    assert segmented == before_segmented and isinstance(labeled, Labeled)
    with pytest.raises(dataclasses.FrozenInstanceError):
        labeled.year = 1999  # type: ignore[misc]
