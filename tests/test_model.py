"""The steps' plain data: objects built by fast_constructor are the dataclasses' own objects."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest

from transcripts.model import Line, Removed, Segment, Sentence, fast_constructor


@pytest.mark.parametrize(("cls", "values"), [
    (Sentence, (2, 0, 10, 25, "It rained. ")),
    (Segment, ("turn", 0, 40, "Hello there.", "JANE DOE", [(10, 22)], "jane-doe")),
    (Removed, (0, 12, "page_chrome", None)),
    (Line, (5, 9, "Text", 2)),
])
def test_model_fast_constructor_builds_what_the_class_builds(cls: type[Any], values: tuple) -> None:
    built = fast_constructor(cls)(*values)
    assert type(built) is cls and built == cls(*values)
    assert pickle.loads(pickle.dumps(built)) == built  # as a page worker hands it on
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.char_start = 1


def test_model_fast_constructor_keeps_defaults_and_refuses_wrong_arguments() -> None:
    assert fast_constructor(Removed)(3, 7, "copyright") == Removed(3, 7, "copyright")  # seg_idx None
    assert fast_constructor(Line)(0, 4, "Text") == Line(0, 4, "Text", 0)
    first, second = fast_constructor(Segment)("turn", 0, 5, "Hi."), fast_constructor(Segment)("turn", 6, 9, "Yo.")
    assert first.paragraphs == [] and first.paragraphs is not second.paragraphs  # a fresh list each, as Segment's
    with pytest.raises(TypeError):
        fast_constructor(Line)(0, 4)
