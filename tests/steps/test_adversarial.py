"""No page can stall a run: on the adversarial shapes of bench/adversarial.py (long runs of capitals, labels,
dots, colons, parentheses, quotes, one-line pages) every step stays linear, and the steps' invariants hold.

Time is process time (CPU of this process), so other work on the machine does not count, and the bound is
generous: 4x the input may cost up to 10x the time (a quadratic step costs 16x)."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from transcripts.model import Reject, Segmented
from transcripts.rules.words import english_words
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.label import label_page
from transcripts.steps.segment import invariant_violations, segment_page


def _load_bench() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "adversarial.py"
    spec = importlib.util.spec_from_file_location("adversarial", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["adversarial"] = module
    spec.loader.exec_module(module)
    return module


adversarial = _load_bench()
SHAPES: list[str] = sorted(adversarial.SHAPES)


def steps_seconds(data: bytes) -> tuple[float, Segmented | None]:
    """CPU seconds through decode..label, and the segmentation (None when the page is rejected)."""
    t0 = time.process_time()
    src = decode_page(data, "adversarial.txt", max_bytes=10**9)
    if isinstance(src, Reject):
        return time.process_time() - t0, None
    segmented = segment_page(clean_page(src))
    label_page(segmented)
    return time.process_time() - t0, segmented


@pytest.fixture(scope="module", autouse=True)
def _vocabulary_loaded() -> None:
    english_words()  # loads once; keep it out of the timings


@pytest.mark.parametrize("shape", SHAPES)
def test_adversarial_shape_costs_linear_time(shape: str) -> None:
    small, _ = steps_seconds(adversarial.page(shape, 8))
    large, segmented = steps_seconds(adversarial.page(shape, 32))
    assert large < max(10 * small, 0.25), f"{shape}: 4x the input took {large / max(small, 1e-6):.1f}x the time"
    if segmented is not None:
        assert invariant_violations(segmented) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=4), st.sampled_from(["", "\n", " ", "\n\n"]))
@example(["capitals", "capitals_lines", "spaces"], "\n\n")  # once minutes: difflib aligning a repaired paragraph
def test_adversarial_mixed_shapes_stay_fast_and_sound(shapes: list[str], joiner: str) -> None:
    """Shapes glued together (a label run after a dot run, on one line or several): a 40 KB page stays well
    under the 2 s per 100 KB target, and the segmentation is sound."""
    text = joiner.join(adversarial.SHAPES[s](40_000 // len(shapes)) for s in shapes)
    seconds, segmented = steps_seconds(text.encode("utf-8"))
    assert seconds < 2.0, f"{shapes}: {seconds:.2f} s for {len(text)} characters"
    if segmented is not None:
        assert invariant_violations(segmented) == []
