import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from transcripts.rules.language import _SPACED_MARKS, _STOP, _word_counts

_LETTER_RUNS = re.compile(r"[^\W\d_]+")  # the words stopwords are counted among, as a plain pattern

_PIECES = ["the", "The", "AND", "of", "el", "La", "de", "más", "MÁS", "für", "não", "é", "È", "straße", "ΟΔΟΣ",
           "İn", "\u212a", "½", "don", "t", "x"]
_GAPS = [" ", "  ", "'", "’", "“", "”", "—", "-", "\n", "2", "_", ".", "\xa0", "\u00a9", "\ud800", ""]


def test_language_marks_made_spaces_are_no_letters() -> None:
    assert not any(_LETTER_RUNS.match(mark) for mark in _SPACED_MARKS)


@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_GAPS)), max_size=30) | st.text(max_size=60))
def test_language_counts_the_lowered_letter_runs(parts: list[tuple[str, str]] | str) -> None:
    # the split in C and the letter pattern over the lower-cased text find the same words, as often
    text = parts if isinstance(parts, str) else "".join(w + gap for w, gap in parts)
    runs = [w.encode("utf-8", "surrogatepass") for w in _LETTER_RUNS.findall(text.lower())]
    counts, n_words = _word_counts(text)
    expected = Counter(runs)
    assert n_words == len(runs)
    assert {w: counts.get(w, 0) for stops in _STOP.values() for w in stops} == \
        {w: expected[w] for stops in _STOP.values() for w in stops}

