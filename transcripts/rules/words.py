"""Words: the apostrophe table, the one word counter, and the run-together word repair ("forexpanding" ->
"for expanding") with its lexicon."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import accumulate, count
from operator import add

# Apostrophes pages print, unified to the straight one by `APOSTROPHES`; `APOS` is the class for patterns.
_APOSTROPHE_FORMS = {"\u2019": "'", "\u2018": "'", "\u02bc": "'"}
APOSTROPHES = str.maketrans(_APOSTROPHE_FORMS)
APOS_CHARS = "'\u2019"  # straight and right single quote, as pages print them
APOS = f"[{APOS_CHARS}]"


def unify_apostrophes(text: str) -> str:
    """text.translate(APOSTROPHES), by str.replace: several times cheaper on a long text."""
    for form, straight in _APOSTROPHE_FORMS.items():
        text = text.replace(form, straight)
    return text


def wordset(words: str, sep: str | None = None) -> frozenset[str]:
    """A word list written as text (whitespace- or `sep`-separated) as a set."""
    return frozenset(w.strip() for w in words.split(sep) if w.strip())


# A class of Unicode categories (\w, [^\W\d_]) costs the regex engine database calls for every character it
# tests; the same class spelled as code point ranges costs two table lookups. Spelled for the Basic Multilingual
# Plane only, it matches as the category class does in any text without an astral character (has_astral).


def has_astral(text: str) -> bool:
    """Whether the text holds a character outside the Basic Multilingual Plane: in UTF-16 it takes two code
    units (encoding is many times cheaper than a regex scan for such characters; a lone surrogate takes one);
    str.isascii answers at once for an ASCII text."""
    return not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)


def bmp_ranges(category: str) -> str:
    r"""The BMP characters a category class (r"\w", r"[^\W\d_]") matches, as ranges to put in [...]."""
    plane = "".join(map(chr, range(0x10000)))
    return "".join(f"{re.escape(m[0][0])}-{re.escape(m[0][-1])}" for m in re.finditer(f"{category}+", plane))


def prefix_tree(phrases: list[str]) -> str:
    """The phrases as one alternation factored on their common starts ("close(?:\\ menu)?"): a text is compared
    with each first letter once, not with every phrase in turn."""
    heads: dict[str, list[str]] = {}
    for phrase in phrases:
        if phrase:
            heads.setdefault(phrase[0], []).append(phrase[1:])
    alts = [re.escape(c) + prefix_tree(rest) for c, rest in sorted(heads.items())]
    if len(alts) == 1 and "" not in phrases:
        return alts[0]
    return f"(?:{'|'.join(alts)})" + ("?" if "" in phrases else "") if alts else ""


def joint_starts(texts: list[str]) -> list[int]:
    """Where each text starts in "\n".join(texts), and where one more would (len + 1)."""
    return list(map(add, accumulate(map(len, texts), initial=0), count()))  # sum of lengths + newlines, in C


def texts_holding(joined: str, starts: list[int], literals: tuple[str, ...] | list[str]) -> list[int]:
    """The texts (by index) that hold one of `literals`, in order: `joined` is the texts joined by newlines (or a
    same-length fold of them), text k starting at starts[k] (joint_starts). One search of the page per literal
    rather than one per text; no literal may hold a newline (none crosses a joint)."""
    found: set[int] = set()
    for literal in literals:
        i = joined.find(literal)
        while i >= 0:
            k = bisect_right(starts, i) - 1
            found.add(k)
            i = joined.find(literal, starts[k + 1])  # on from the next text
    return sorted(found)


# possessive: the same words (nothing follows a run to give back to), without the backtracking bookkeeping
_WORD = re.compile(rf"\w++(?:{APOS}\w++)*+")
_W_BMP = bmp_ranges(r"\w")
_WORD_BMP = re.compile(rf"[{_W_BMP}]++(?:{APOS}[{_W_BMP}]++)*+")  # the same words where has_astral is False


# Counting without a Match per word, in C: a text as UTF-8 with each word byte made "a", each apostrophe kept
# and every other byte a space; a word starts at "a" after a space or at the start, or at "'a" (an apostrophe
# opening or doubled joins nothing: "'tis", "a''b"). Exact where every non-ASCII character is a word character
# (bytes >= 0x80 count as "a") once these common non-word ones are made spaces and the curly apostrophe straight.
_ASCII_WORD = {c for c in range(128) if re.match(r"\w", chr(c))}
_WORD_BYTES = bytes(0x61 if c >= 0x80 or c in _ASCII_WORD else c if c == 0x27 else 0x20 for c in range(256))
# The commonest characters outside ASCII that are no word characters (nor the apostrophe ’): word passes in C
# make them spaces, so that few texts are left for the patterns
NON_WORD_MARKS = "\u201c\u201d\u2014\u2013\u2018\u2026\xa0"  # “ ” — – ‘ … and a no-break space
_NOT_WORD_NON_ASCII = re.compile(rf"[^\x00-\x7f{_W_BMP}]")


def _count_word_bytes(raw: bytes) -> int:
    marks = raw.translate(_WORD_BYTES)
    n = marks.count(b" a") + marks.startswith(b"a")
    if b"'" in raw:
        n += marks.count(b" 'a") + marks.count(b"''a") + marks.startswith(b"'a")
    return n


# the same text is counted by several rules and steps (a line's checks in clean and head, a paragraph's heading
# test and the page's prose in segment, a turn's appearance in label and its row in tables): count it once
@lru_cache(maxsize=1 << 14)
def count_words(text: str) -> int:
    """Words as analysts count them: runs of letters/digits, an inner apostrophe kept ("don't" is one)."""
    if text.isascii():
        return _count_word_bytes(text.encode("ascii"))
    spaced = text.replace("\u2019", "'")
    for mark in NON_WORD_MARKS:
        spaced = spaced.replace(mark, " ")
    if spaced.isascii():  # (most texts: curly quotes and dashes were all they held beyond ASCII)
        return _count_word_bytes(spaced.encode("ascii"))
    if _NOT_WORD_NON_ASCII.search(spaced):  # a symbol, another dash, a lone surrogate or an astral character
        return len((_WORD if has_astral(text) else _WORD_BMP).findall(text))
    return _count_word_bytes(spaced.encode("utf-8"))


# ------------------------------------------------------------------------------------------- word repair

FUNCTION_WORDS = wordset(
    """a an the and or but nor so yet for of to in on at by with from into onto upon about above after against
    along among around as before behind below beneath beside between beyond during except inside near off out
    outside over past since through throughout till toward towards under until up via within without is are was
    were be been being am has have had do does did will would shall should can could may might must not no that
    this these those which who whom whose what when where why how than then there their they them he him his she
    her hers it its we us our you your i me my mine all any each every some such only also just very more most
    much many other own same too if because while although though whether ago
    one two three four five six seven eight nine ten""")

# Second halves of closed compounds ("phaseout", "monthslong", "farmworkers", "statewide"): a token ending in
# one is more likely a compound the vocabulary lacks than two words run together, unless its first half is an
# inflected verb ("pulledback", "linedup": a phrasal verb that lost its space).
COMPOUND_HEADS = wordset(
    """out up off down over back away long wide like less free based led made style wise ward wards side time
    work works worker workers man men woman women people person folk folks where ever one body thing things
    house home room place land line lines way ways life care field fire water power ship""")

# Function words that also prefix real compounds ("overcovered", "outgunned", "underfunded"): before a content
# word they make one word the lexicon may lack, not two words run together.
PREFIX_WORDS = wordset("over under out up down off")

_LOWER_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))  # bytes.translate: a-z kept, all else space
# A lower-case token of 5-40 letters standing alone: not part of markup (`<iframe`), a URL, a path or an e-mail
# address, whose pieces are not English words run together. Bounded and possessive: splitting a 10,000-letter
# "word" was quadratic, and no run-together pair is that long.
_GLUE_BEFORE = rf"{APOS_CHARS}\-</@.=:"  # a token follows none of these, nor a word character
_GLUE_TOKEN = rf"[a-z]{{5,40}}+(?![\w{APOS_CHARS}\-@/=>]|\.\w)"
_GLUE_CANDIDATE = re.compile(rf"(?<![\w{_GLUE_BEFORE}]){_GLUE_TOKEN}")
# The same tokens found from the character before each (a newline before the text stands for its start): the
# engine then only tries the places after a space or a punctuation mark, not every letter of the page
_GLUE_SCAN = re.compile(rf"[^\w{_GLUE_BEFORE}]({_GLUE_TOKEN})")
_GLUE_SCAN_BMP = re.compile(rf"[^{_W_BMP}{_GLUE_BEFORE}]({_GLUE_TOKEN})")
_VERB_FORMS = ("ed", "ing")
_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "est", "ness", "ment", "ments")


# The lexicon: wordfreq's large English list (its data ships in the wheel; nothing is downloaded, and no NER
# model is read), lower-case ASCII words at least this frequent (Zipf 1.5: about once in 30 million words, which
# keeps rare real words such as "drugmakers" at 1.8, "iframe" at 1.95 and "dovetailed" at 2.1).
LEXICON_MIN_ZIPF = 1.5
# Web text is full of function words run together ("ofthe" at Zipf 3.3, "inthe", "forthe"); such a pair is a
# word only when it is more frequent than this ("another", "without", "anyhow" 3.5, "therein").
GLUED_PAIR_MIN_ZIPF = 3.4
# Phrases web text so often spells as one word that wordfreq counts them: never words of an edited page.
NOT_WORDS = wordset("""atleast alot aswell eachother everytime incase infact inorder inspite lastnight noone ofcourse
    thankyou""")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words the run-together repair treats as known (see LEXICON_MIN_ZIPF)."""
    from wordfreq import get_frequency_dict  # loads in about a second: only when a page is cleaned

    freqs = get_frequency_dict("en", wordlist="large")
    min_freq, pair_min_freq = 10 ** (LEXICON_MIN_ZIPF - 9), 10 ** (GLUED_PAIR_MIN_ZIPF - 9)
    glued = {a + b for a in FUNCTION_WORDS for b in FUNCTION_WORDS}
    return frozenset(w for w, f in freqs.items() if f >= min_freq and len(w) > 1 and w.isascii() and w.isalpha()
                     and w.islower() and (f >= pair_min_freq or w not in glued)) - NOT_WORDS


def _known(word: str, lexicon: frozenset[str] | set[str]) -> bool:
    if word in lexicon or word in FUNCTION_WORDS:
        return True
    for suf in _SUFFIXES:  # inflected forms of a known word are real words, not glue
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            stem = word[: -len(suf)]
            if stem in lexicon or stem + "e" in lexicon:
                return True
    return False


_BOTH_FUNCTION = 100  # two function words run together are the likeliest split: "they are", not "the yare"


def _evidence(left: str, right: str, r_fn: bool, lexicon: frozenset[str]) -> int:
    """How much a function word + word split is to be preferred over others of the same token."""
    if r_fn:
        return _BOTH_FUNCTION
    weaker = 5 if len(left) == 1 else 0  # "a", "i" say least: "are watching", not "a rewatching"
    inflected = 0 if right in lexicon else 2  # a word as written over an inflection: "and rolled", not "an drolled"
    return -weaker - inflected


def split_glued(word: str, page_words: Mapping[str, int], lexicon: frozenset[str]) -> tuple[str, str] | None:
    """Split a lower-case token that is no word into (function word + known word) or (known word + known word),
    e.g. "forexpanding" -> ("for", "expanding"), "paperaimed" -> ("paper", "aimed"); None when it is a word
    or no split is convincing. `page_words` counts the page's lower-case words: a token the page prints twice
    is a word of the page, not an accident of link stripping."""
    if _known(word, lexicon) or page_words.get(word, 0) >= 2:
        return None
    best: tuple[int, tuple[str, str]] | None = None

    def is_word(piece: str) -> bool:
        return _known(piece, lexicon) or page_words.get(piece, 0) > 0

    for i in range(1, len(word)):
        left, right = word[:i], word[i:]
        l_fn, r_fn = left in FUNCTION_WORDS, right in FUNCTION_WORDS
        if right in COMPOUND_HEADS and not l_fn and not left.endswith(("ed", "ing")):
            continue
        if left in PREFIX_WORDS and not r_fn:
            continue
        # (the cheap tests first: a half is looked up only where a split could use it)
        if l_fn and len(right) >= 3 and (len(left) > 1 or left in ("a", "i")) and is_word(right):
            score = 200 + len(right) + _evidence(left, right, r_fn, lexicon)  # "forexpanding": function word + word
        elif r_fn and len(left) >= 3 and (len(right) >= 2 or len(left) >= 4) and is_word(left):
            score = 200 + len(left) + (_BOTH_FUNCTION if l_fn else 0)  # "endof": word + function word
        elif (len(left) >= 4 and len(right) >= 5 and right.endswith(_VERB_FORMS) and right in lexicon
              and page_words.get(left, 0) > 0):
            # "paperaimed": a word the page prints elsewhere, then a verb form as written; two nouns
            # ("puzzlemaster", "schoolteacher") are a compound the lexicon lacks, not a stripped link's seam
            score = 100 + min(len(left), len(right))
        else:
            continue
        if best is None or score > best[0]:
            best = (score, (left, right))
    return best[1] if best else None


class PageWords(Mapping[str, int]):
    """Counts of the page's lower-case words (its runs of a-z), each counted only when first asked: most pages
    have no glued word, and a glued word asks about a few pieces, not about the page's thousands of words."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._runs: str | None = None
        self._asked: dict[str, int] = {}

    def _spaced(self) -> str:
        if self._runs is None:
            # every character but a-z made a space, in C (a regex scan costs twice as much), and a space either end
            self._runs = f" {self._text.encode('ascii', 'replace').translate(_LOWER_ONLY).decode('ascii')} "
        return self._runs

    def __getitem__(self, key: str) -> int:
        n = self._asked.get(key)
        if n is None:
            n = 0
            if key.isascii() and key.isalpha() and key.islower():  # a run of a-z: any other key counts 0
                runs, needle = self._spaced(), f" {key} "
                i = runs.find(needle)
                while i >= 0:  # (on from the space after the run: it opens the next one too)
                    n += 1
                    i = runs.find(needle, i + len(key) + 1)
            self._asked[key] = n
        return n

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(self._spaced().split()))

    def __len__(self) -> int:
        return len(set(self._spaced().split()))


def unknown_tokens(text: str, lexicon: frozenset[str]) -> set[str]:
    """The tokens of `text` that may be words run together: lower-case, standing alone, not in the lexicon."""
    scan = _GLUE_SCAN if has_astral(text) else _GLUE_SCAN_BMP
    return set(scan.findall("\n" + text)).difference(lexicon)  # set algebra in C: most pages stop here


def find_glued(text: str, page_words: Mapping[str, int], lexicon: frozenset[str],
               unknown: set[str] | None = None) -> dict[str, tuple[str, str]]:
    """Every run-together token of `text` with its split; one scan of the page (none if the caller has made
    it: `unknown`, the text's unknown_tokens)."""
    if unknown is None:
        unknown = unknown_tokens(text, lexicon)
    return {w: sp for w in unknown if (sp := split_glued(w, page_words, lexicon)) is not None}


def page_splits(text: str, page_words: Mapping[str, int], lexicon: frozenset[str],
                unknown: set[str] | None = None) -> dict[str, tuple[str, str]]:
    """The run-together tokens of a whole page's text, sparing its last word: an excerpt is cut mid-word
    ("themsel", "candi"), and a cut word is no glue."""
    splits = find_glued(text, page_words, lexicon, unknown)
    last = _GLUE_CANDIDATE.findall(text[-200:])
    if last and re.search(rf"{re.escape(last[-1])}\W*$", text):
        splits.pop(last[-1], None)
    return splits


def apply_splits(line: str, splits: Mapping[str, tuple[str, str]]) -> tuple[str, list[str]]:
    """The line with the given run-together tokens split, and a repair note per split ("split:forexpanding")."""
    if not splits or not any(map(line.__contains__, splits)):  # (in C: most lines hold none)
        return line, []
    notes: list[str] = []

    def fix(m: re.Match[str]) -> str:
        sp = splits.get(m.group())
        if sp is None:
            return m.group()
        notes.append(f"split:{m.group()}")
        return f"{sp[0]} {sp[1]}"

    return _GLUE_CANDIDATE.sub(fix, line), notes


def repair_glued(line: str, page_words: Mapping[str, int], lexicon: frozenset[str]) -> tuple[str, list[str]]:
    """The line with run-together words split, and a repair note per split."""
    return apply_splits(line, find_glued(line, page_words, lexicon))
