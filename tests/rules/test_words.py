import pytest

from transcripts.rules.words import APOSTROPHES, count_words, english_words, repair_glued


def test_words_count_keeps_inner_apostrophes() -> None:
    assert count_words("Don't stop — it’s 9 o'clock, 2024.") == 6
    assert count_words("") == 0


def test_words_apostrophe_table_unifies_curly_quotes() -> None:
    assert "it’s ʼtwas ‘x".translate(APOSTROPHES) == "it's 'twas 'x"


@pytest.mark.parametrize(("glued", "split"), [
    ("forexpanding", "for expanding"), ("theplan", "the plan"), ("tojoin", "to join"), ("ofthe", "of the"),
    ("toanyone", "to anyone"),
])
def test_words_repair_splits_run_together_words(glued: str, split: str) -> None:
    line = f"She said {glued} was the point."
    fixed, notes = repair_glued(line, {}, english_words())
    assert fixed == f"She said {split} was the point." and notes == [f"split:{glued}"]


@pytest.mark.parametrize("word", ["overcovered", "overcute", "puzzlemaster", "schoolteacher", "astringent", "iframe",
                                  "dovetailed"])
def test_words_repair_leaves_real_words_alone(word: str) -> None:
    line = f"It was {word} in the end."
    assert repair_glued(line, {}, english_words()) == (line, [])


def test_words_repair_never_touches_names() -> None:
    line = "Fed Chair Michelle Jensenmay and Theplan Smith spoke."
    assert repair_glued(line, {}, english_words()) == (line, [])


def test_words_lexicon_does_not_depend_on_the_ner_model() -> None:
    import transcripts.rules.words as words

    assert "expanding" in english_words() and "spacy" not in words.__dict__
