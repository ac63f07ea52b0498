"""Language: which language a page is written in, by the share of each language's commonest words."""

from __future__ import annotations

import re
from collections import Counter
from itertools import filterfalse, repeat

from transcripts.rules.words import NON_WORD_MARKS

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
_LETTERS = re.compile(r"[^\W\d_]++")
# bytes.translate: ASCII letters lowered, every other ASCII character a space, the bytes of other characters kept
_ASCII_LETTERS_ONLY = bytes(c if c >= 0x80 else ord(chr(c).lower()) if chr(c).isalpha() else 0x20 for c in range(256))
# Common non-letters beyond ASCII, made spaces before the split: far fewer pieces are left for the letter pattern
_SPACED_MARKS = "\u2019" + NON_WORD_MARKS  # the curly apostrophe too: it parts letter runs ("don’t")
MIN_WORDS = 8  # fewer words tell no language


def _word_counts(sample: str) -> tuple[dict[bytes, int], int]:
    """How often each run of letters stands in the text, lower-cased, as UTF-8, and how many runs there are.
    The text is split at ASCII non-letters in C and the pieces counted; only the distinct pieces holding other
    characters ("más", "straße", "ΟΔΟΣ") are lowered and read by the letter pattern, which splits them where
    the whole text lowered would be split (lowering is per character but for a final sigma, in no stopword)."""
    if not sample.isascii():
        for mark in _SPACED_MARKS:
            sample = sample.replace(mark, " ")
    words = sample.encode("utf-8", "surrogatepass").translate(_ASCII_LETTERS_ONLY).split()
    counts = Counter(words)
    n_words = len(words)
    for piece in list(filterfalse(bytes.isascii, counts)):
        times = counts.pop(piece)
        runs = _LETTERS.findall(piece.decode("utf-8", "surrogatepass").lower())
        n_words += times * (len(runs) - 1)
        for run in runs:
            counts[run.encode("utf-8", "surrogatepass")] += times
    return counts, n_words


def detect_language(text: str) -> str:
    """ISO 639-1 code by stopword share; English when the text is too short to tell."""
    counts, n_words = _word_counts(text[:20000])
    if n_words < MIN_WORDS:
        return "en"
    scores = {lang: sum(map(counts.get, stops, repeat(0))) for lang, stops in _STOP.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 1.2 * scores["en"] or best == "en" else "en"
