import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transcripts.rules.words import (
    APOSTROPHES,
    PageWords,
    bmp_ranges,
    count_words,
    english_words,
    has_astral,
    joint_starts,
    page_splits,
    repair_glued,
    texts_holding,
    unify_apostrophes,
    unknown_tokens,
)


def test_words_count_keeps_inner_apostrophes() -> None:
    assert count_words("Don't stop — it’s 9 o'clock, 2024.") == 6
    assert count_words("") == 0


def test_words_apostrophe_table_unifies_curly_quotes() -> None:
    assert "it’s ʼtwas ‘x".translate(APOSTROPHES) == "it's 'twas 'x"
    assert unify_apostrophes("it’s ʼtwas ‘x") == "it's 'twas 'x"


@pytest.mark.parametrize(("glued", "split"), [
    ("forexpanding", "for expanding"), ("theplan", "the plan"), ("tojoin", "to join"), ("ofthe", "of the"),
    ("toanyone", "to anyone"),
])
def test_words_repair_splits_run_together_words(glued: str, split: str) -> None:
    line = f"She said {glued} was the point."
    fixed, notes = repair_glued(line, {}, english_words())
    assert fixed == f"She said {split} was the point." and notes == [f"split:{glued}"]


@pytest.mark.parametrize("word", ["overcovered", "overcute", "puzzlemaster", "schoolteacher", "astringent", "iframe",
                                  "dovetailed", "overdiagnose", "overtreat", "playlists", "methamphetamine",
                                  "begets", "apron"])
def test_words_repair_leaves_real_words_alone(word: str) -> None:
    line = f"It was {word} in the end."
    assert repair_glued(line, {}, english_words()) == (line, [])


def test_words_repair_never_touches_names() -> None:
    line = "Fed Chair Michelle Jensenmay and Theplan Smith spoke."
    assert repair_glued(line, {}, english_words()) == (line, [])


def test_words_lexicon_does_not_depend_on_the_ner_model() -> None:
    import transcripts.rules.words as words

    assert "expanding" in english_words() and "spacy" not in words.__dict__


@pytest.mark.parametrize("word", ["puzzlemaster", "playlists", "methamphetamine", "schoolteacher"])
def test_words_repair_keeps_compounds_whose_halves_the_page_prints(word: str) -> None:
    # two content words make a compound, not a stripped link's seam, even when the page uses each half alone
    page = {"puzzle": 3, "master": 1, "play": 2, "lists": 1, "meth": 1, "school": 2, "teacher": 1}
    line = f"The {word} spoke first."
    assert repair_glued(line, page, english_words()) == (line, [])


def test_words_repair_splits_a_page_word_then_a_verb_form() -> None:
    fixed, _ = repair_glued("a position paperaimed at peace", {"paper": 2}, english_words())
    assert fixed == "a position paper aimed at peace"


@pytest.mark.parametrize("line", [
    '<iframe src="https://www.example.org/player/theplan" title="player">',
    "Write to tojoin@example.org or see www.example.org/forexpanding/ofthe.html today.",
])
def test_words_repair_never_touches_markup_urls_or_addresses(line: str) -> None:
    assert repair_glued(line, {}, english_words()) == (line, [])


def test_words_unknown_tokens_stand_alone_from_the_first_character() -> None:
    lexicon = english_words()
    assert unknown_tokens("forexpanding the plan", lexicon) == {"forexpanding"}
    text = "“theplan” — ofthe\nwww.forexpanding.com <iframe> x-forexpanding"
    assert unknown_tokens(text, lexicon) == {"theplan", "ofthe"}


def test_words_page_words_are_the_runs_of_a_to_z() -> None:
    text = "The café’s plan; the plan2 and thePlan, naïve Über plan_b"
    assert dict(PageWords(text)) == dict(Counter(re.findall("[a-z]+", text)))


def test_words_page_words_counts_each_word_asked_as_a_whole_run() -> None:
    page = PageWords("plan plan,plan planet Plan explanation plan-b")  # "Plan" holds the run "lan"
    assert [page[w] for w in ("plan", "planet", "lan", "an", "Plan", "plan-b", "")] == [4, 1, 1, 0, 0, 0, 0]


def test_words_page_splits_spare_the_last_word_cut_by_an_excerpt() -> None:
    text = "He said forexpanding the plan would help them get themsel"
    assert page_splits(text, {}, english_words()) == {"forexpanding": ("for", "expanding")}


@pytest.mark.parametrize("category", [r"\w", r"[^\W\d_]"])
def test_words_bmp_ranges_match_as_the_category_class(category: str) -> None:
    plane = "".join(map(chr, range(0x10000)))
    spelled = re.compile(f"[{bmp_ranges(category)}]")
    assert [c for c in plane if spelled.match(c)] == re.findall(category, plane)


@pytest.mark.parametrize(("text", "astral"), [
    ("plain", False), ("é’ and \uffff", False), ("a lone \ud800 surrogate", False), ("", False),
    ("emoji \U0001f600", True), ("\U00010000", True)])
def test_words_has_astral_finds_characters_outside_the_bmp(text: str, astral: bool) -> None:
    assert has_astral(text) is astral


def test_texts_holding_finds_each_text_holding_a_literal_once_in_order() -> None:
    texts = ["I'm Ann.", "nothing here", "", "and I'm Bo, I'm here", "I'm"]
    joined = "\n".join(texts)
    assert texts_holding(joined, joint_starts(texts), ("I'm", "here")) == [0, 1, 3, 4]
    assert texts_holding(joined, joint_starts(texts), ("absent",)) == []


_WORD_COUNTED = re.compile(r"\w+(?:['\u2019]\w+)*")  # the words analysts count, as a plain pattern


@given(st.text(alphabet=st.sampled_from("ab_9 '\u2019\u2018-.\n\té\u00df\u201c\u2014\xa0\u00a9\ud800\U0001d400"),
               max_size=40) | st.text(max_size=40))
def test_words_count_is_the_pattern_count(text: str) -> None:
    # the ASCII shortcut and the pattern count alike: "'tis", "dogs'", "a''b", "rock'n'roll", "o'clock"
    count_words.cache_clear()
    assert count_words(text) == len(_WORD_COUNTED.findall(text))


@pytest.mark.parametrize(("text", "n"), [("'tis", 1), ("dogs'", 1), ("a''b", 2), ("rock'n'roll", 1), ("'", 0),
                                         ("a'b'c d", 2), ("don’t", 1), ("x_y'z", 1),
                                         ("“Café—olé” ‘x’ «y»", 4), ("\u00e9\ud800\u00e9", 2)])
def test_words_count_inner_apostrophes_only(text: str, n: int) -> None:
    assert count_words(text) == n


@pytest.mark.parametrize("texts", [[], [""], ["I'm Ann.", "", "and Bo", "é’\U0001f600"], ["a", "bc", "", ""]])
def test_joint_starts_are_where_each_text_starts_in_the_texts_joined(texts: list[str]) -> None:
    joined, starts = "\n".join(texts), joint_starts(texts)
    assert len(starts) == len(texts) + 1 and starts[-1] == (len(joined) + 1 if texts else 0)
    assert all(joined[a:b - 1] == text for a, b, text in zip(starts[:-1], starts[1:], texts, strict=True))
