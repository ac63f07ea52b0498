"""Language: which language a page is written in, by the share of each language's commonest words."""

from __future__ import annotations

import re
from collections import Counter
from itertools import filterfalse

STOPWORDS = {
    "en": "the and of to in is that it was for on are with as be this have not but they you at by from or",
    "es": "el la de que y en los las un una por con no es para se del al lo como más pero sus le ya",
    "fr": "le la les de des et est un une que qui dans pour pas sur au avec ce il elle ne sont du en",
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es an als",
    "pt": "o a os as de que e do da em um uma para com não é se no na por mais dos das ao",
    "it": "il la di che e è un una per non con del della le si sono da gli nel anche al come",
}
# as UTF-8, the form the words are counted in
_STOP = {lang: {w.encode() for w in words.split()} for lang, words in STOPWORDS.items()}
_ALL_STOPS = set().union(*_STOP.values())
_ASCII_STOPS = {w for w in _ALL_STOPS if w.isascii()}
_LETTERS = re.compile(r"[^\W\d_]++")
# bytes.translate: ASCII letters kept, every other ASCII character a space, the bytes of other characters kept
_ASCII_LETTERS_ONLY = bytes(c if c >= 0x80 or chr(c).isalpha() else 0x20 for c in range(256))
MIN_WORDS = 8  # fewer words tell no language


def _stopword_counts(sample: str) -> tuple[Counter[bytes], int]:
    """How often each stopword stands as a run of letters in the text (as UTF-8), and how many runs there are.
    The text is split at ASCII non-letters in C; only the pieces holding other characters ("don’t", "más") are
    read by the letter pattern: a scan of the whole text by the pattern, counting every word, cost more."""
    words = sample.encode("utf-8", "surrogatepass").translate(_ASCII_LETTERS_ONLY).split()
    counts = Counter(filter(_ASCII_STOPS.__contains__, words))
    n_words = len(words)
    for piece in filterfalse(bytes.isascii, words):
        runs = _LETTERS.findall(piece.decode("utf-8", "surrogatepass"))
        n_words += len(runs) - 1
        counts.update(w for w in (run.encode("utf-8", "surrogatepass") for run in runs) if w in _ALL_STOPS)
    return counts, n_words


def detect_language(text: str) -> str:
    """ISO 639-1 code by stopword share; English when the text is too short to tell."""
    counts, n_words = _stopword_counts(text[:20000].lower())
    if n_words < MIN_WORDS:
        return "en"
    scores = {lang: sum(map(counts.__getitem__, stops)) for lang, stops in _STOP.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 1.2 * scores["en"] or best == "en" else "en"
