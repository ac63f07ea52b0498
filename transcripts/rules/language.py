"""Language: which language a page is written in, by the share of each language's commonest words."""

from __future__ import annotations

import re
from collections import Counter

from transcripts.rules.words import bmp_ranges, has_astral

STOPWORDS = {
    "en": "the and of to in is that it was for on are with as be this have not but they you at by from or",
    "es": "el la de que y en los las un una por con no es para se del al lo como más pero sus le ya",
    "fr": "le la les de des et est un une que qui dans pour pas sur au avec ce il elle ne sont du en",
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es an als",
    "pt": "o a os as de que e do da em um uma para com não é se no na por mais dos das ao",
    "it": "il la di che e è un una per non con del della le si sono da gli nel anche al come",
}
_STOP = {lang: set(words.split()) for lang, words in STOPWORDS.items()}
_LETTER = r"[^\W\d_]"
_LETTERS = re.compile(f"{_LETTER}++")
_BMP_LETTERS = re.compile(f"[{bmp_ranges(_LETTER)}]++")  # the same runs, read twice as fast, where it applies


def detect_language(text: str) -> str:
    """ISO 639-1 code by stopword share; English when the text is too short to tell."""
    sample = text[:20000].lower()
    words = (_LETTERS if has_astral(sample) else _BMP_LETTERS).findall(sample)
    if len(words) < 8:
        return "en"
    counts = Counter(words)
    scores = {lang: sum(map(counts.__getitem__, stops & counts.keys())) for lang, stops in _STOP.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 1.2 * scores["en"] or best == "en" else "en"
