"""Person names: titles and honorifics, particles, name tokens, finding names in prose, casing names printed in
capitals, the page's own spellings (NameBook) and the one surname matcher every step uses.

Pure string functions shared by the label step (speakers, quotes, metadata) and the NER step.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import accumulate, compress
from operator import itemgetter

from transcripts.rules.words import (
    APOS_CHARS,
    APOSTROPHES,
    bmp_ranges,
    has_astral,
    joint_starts,
    texts_holding,
    unify_apostrophes,
    wordset,
)

# Words printed before a speaker's name in capitals, in any case: "Mr. JOHN DOE", "Senator HARRY REID",
# "SEN. JOHN MCCAIN", "President GEORGE W. BUSH". Full titles, longest first, then abbreviations.
TITLES = ("Vice President|President|Senator|Representative|Congressman|Congresswoman|Lieutenant Governor|"
          "Governor|Mayor|Attorney General|Secretary|General|Colonel|Captain|Sergeant|Lieutenant|Admiral|"
          "Ambassador|Chief Justice|Justice|Judge|Prime Minister|Chancellor|Minister|Professor|Doctor|Reverend|"
          "Pastor|Rabbi|Imam|Bishop|Father|Sister|Sheikh|King|Queen|Prince|Princess|Speaker|Commissioner|"
          "Detective|Officer|Sir|Dame")
ABBREVIATED_TITLES = {"sen": "Senator", "rep": "Representative", "gov": "Governor", "gen": "General",
                      "col": "Colonel", "capt": "Captain", "sgt": "Sergeant", "lt": "Lieutenant", "adm": "Admiral",
                      "amb": "Ambassador", "sec": "Secretary", "pres": "President", "prof": "Professor",
                      "rev": "Reverend", "det": "Detective", "cmdr": "Commander", "supt": "Superintendent"}
COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame"})  # say nothing of a role
_SHORT_TITLES = "|".join(sorted(COURTESY_TITLES | set(ABBREVIATED_TITLES), key=len, reverse=True))
HONORIFIC = rf"(?i:(?:{TITLES}|{_SHORT_TITLES})\b\.?)"
# A title that names its office: "Speaker of the House", "Secretary of State", "Minister of Foreign Affairs".
TITLE_PHRASE = rf"{HONORIFIC}(?: of(?: the)?(?: [A-Z][a-z]+){{1,3}})?"
# Lower-case name particles ("de la Cruz", "van Dyke", "bin Salman") that may sit inside a name.
PARTICLES = wordset("de da del della di du dos das la le van von der den ter bin ibn al el ben y")
# Particles that are also the word "and": between two full names they join two people ("Carolina Guerrero y
# Daniel Alarcón"), inside one name a surname pair ("José Ortega y Gasset").
CONJUNCTION_PARTICLES = wordset("y")

# Words that open a capitalised run but are titles, not part of the person's name ("Chinese President Xi").
TITLE_WORDS = frozenset(TITLES.casefold().replace("|", " ").split()) | COURTESY_TITLES | frozenset(ABBREVIATED_TITLES) \
    | wordset("""councilor councillor councilman councilwoman councilmember alderman alderwoman
assemblyman assemblywoman assemblymember lawmaker delegate sheriff superintendent
president vice prime minister foreign defense secretary chancellor premier king queen pope
prince princess sen rep gov mayor dr prof mr mrs ms judge justice chief ceo chair chairman chairwoman commissioner
ambassador speaker house senate attorney general treasury commerce energy interior labor state administrator
surgeon fed nasa epa director spokesman spokeswoman spokesperson leader coach quarterback manager author singer
sergeant lt col gen adm capt officer officials minister's president's supreme u.s. former acting deputy
top envoy lawmaker senator representative governor economist professor analyst dear""")
DEMONYMS = wordset("""american chinese russian ukrainian japanese korean indian pakistani afghan iranian lebanese
israeli egyptian turkish kenyan nigerian senegalese ethiopian german french british belgian polish italian spanish
mexican brazilian colombian argentine peruvian cuban filipino indonesian thai vietnamese australian georgian kazakh
uzbek ugandan ghanaian european african asian canadian taiwanese palestinian syrian iraqi saudi dutch swedish
norwegian danish finnish greek hungarian romanian serbian croatian czech venezuelan chilean""")
# Capitalised words that start sentences or name things, never a person's first word.
NOT_NAME = wordset("""the a an and but or so if in on at of for to from with by as this that these those it its
there here he she they we you i my our his her their what when where why how who which while after before since
yet still now then also even just mr ms npr cnn u.s. god monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december good hi hey thanks thank
yeah well oh ok okay yes no look right all interesting wow huh i'm it's that's here's there's let's we're he's
she's what's i've i'll i'd we've you're they're who's""")

_MAC_NAMES = frozenset({"macdonald", "macarthur", "mackenzie", "macleod", "macmillan", "macgregor", "macneil",
                        "maclean", "macpherson", "macintyre", "macintosh", "mackay", "macaulay", "macdougall",
                        "macfarlane", "mackinnon", "maclaren", "macnamara", "macquarrie", "macrae"})

# A word, or "St." with its dot. Same tokens as r"\bSt\.(?!\w)|[^\W\d_][\w'’\-]*", but every match starts on
# the one letter class, which the regex engine scans for faster than it tries two alternatives at each position.
_TOKEN = re.compile(rf"[^\W\d_](?:(?<=\bS)t\.(?!\w)|[\w{APOS_CHARS}\-]*+)")

_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")  # the same tokens, and the text between them


@cache  # made on first use: ~20 ms, which a command that reads no page (query, show) should not pay at import
def _token_split_bmp() -> re.Pattern[str]:
    """_TOKEN_SPLIT with its letter and word classes spelled as Basic Multilingual Plane ranges
    (words.bmp_ranges): a third cheaper, for any text without an astral character."""
    letter, word = bmp_ranges(r"[^\W\d_]"), bmp_ranges(r"\w")
    return re.compile(rf"([{letter}](?:(?<=\bS)t\.(?!\w)|[{word}{APOS_CHARS}\-]*+))")


_NAME_JOINERS = re.compile(r"(['\-])")  # O'BRIEN-NAKAMURA: apostrophes and hyphens join cased pieces

@lru_cache(maxsize=1 << 14)
def fold(text: str) -> str:
    """Comparison key for names: apostrophes unified, case folded through upper case (so STRAUSS matches
    Strauß and YILMAZ matches Yılmaz)."""
    return text.translate(APOSTROPHES).upper().casefold()


def has_surname(full: str, surname: str) -> bool:
    """Is `surname` (one word or more: "Kim", "de la Cruz") the end of the longer name `full`, in any case?
    The one surname rule of the pipeline: speakers, quotes, the name book and entities all ask it."""
    f, s = fold(full).split(), fold(surname).split()
    if len(f) > 2 and f[-1] in NAME_SUFFIXES and s[-1:] != f[-1:]:  # "Bram Kessler III" has the surname KESSLER
        f = f[:-1]
    return len(f) > len(s) > 0 and f[-len(s):] == s


def is_cap(tok: str) -> bool:
    return tok[:1].isupper() and not (len(tok) > 2 and tok.rstrip(".").isupper() and not tok.endswith("."))


def _case_piece(piece: str) -> str:
    low = piece.lower()
    if low in _MAC_NAMES:
        return "Mac" + low[3:].capitalize()
    if low.startswith("mc") and len(low) > 3:
        return "Mc" + low[2:].capitalize()
    return piece[:1].upper() + piece[1:].lower()


# Generational suffixes after a surname: "Loudon Wainwright III", "Martin Luther King Jr."
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_ROMAN_SUFFIXES = frozenset({"ii", "iii", "iv"})


def _case_word(word: str, first: bool, last: bool = False) -> str:
    low = word.lower()
    if last and not first and low in _ROMAN_SUFFIXES:  # III, not Iii
        return word.upper()
    if not first and not last and low in PARTICLES:  # "de la Cruz", but "Nikolai Le"
        return low
    if low == "st.":
        return "St."
    parts = _NAME_JOINERS.split(word)
    return "".join(p if p in ("'", "-") else _case_piece(p) for p in parts)


def title_case_name(upper: str) -> str:
    """Title-case a name printed in capitals: O'BRIEN-NAKAMURA -> O'Brien-Nakamura, DE LA CRUZ -> de la Cruz
    (inside a name), MCCONNELL -> McConnell. Words already in mixed case are kept."""
    words = upper.translate(APOSTROPHES).split()
    out = []
    for i, w in enumerate(words):
        out.append(w if not w.isupper() and w[:1].isupper() else _case_word(w, i == 0, i == len(words) - 1))
    return " ".join(out)



# Pure word-level tests, cached: a page repeats its words, and the corpus repeats them across pages.
@lru_cache(maxsize=1 << 16)
def _name_word(tok: str) -> bool:
    t = tok.rstrip(".").translate(APOSTROPHES)
    return is_cap(tok) and t.casefold() not in NOT_NAME


@lru_cache(maxsize=1 << 14)
def _is_particle(tok: str) -> bool:
    return tok.lower() in PARTICLES


@lru_cache(maxsize=1 << 14)
def _title_or_demonym(tok: str) -> bool:
    """A word that opens a capitalised run but is no part of the name ("Chinese President Xi")."""
    return tok.rstrip(".").casefold() in TITLE_WORDS or tok.casefold() in DEMONYMS


def find_names(text: str, min_words: int = 1) -> list[tuple[int, int, str]]:
    """Capitalised runs that look like person names, with title and demonym words dropped from the front:
    "Chinese President Xi Jinping" -> "Xi Jinping". Possessive 's is not part of the name."""
    return [(a, b, name) for a, b, name, n_words in _scan(text)[1] if n_words >= min_words]


# Characters no token holds and no name run crosses (runs join tokens across one space only): the names of a
# stretch between two of them are the whole text's names there. A dot is one unless it may end a "St." token
# (a sentence's dot halves the stretch read for a name after it).
_RUN_BREAK = re.compile(rf"[^\w{APOS_CHARS}\-. ]|\.(?:(?<!\bSt\.)|(?=\w))")
_BREAK_REACH = 64  # chars either side of a place searched for its stretch's ends before the list of all breaks is


@lru_cache(maxsize=1 << 8)
def _run_breaks(text: str) -> list[int]:
    return [m.start() for m in _RUN_BREAK.finditer(text)]


def _stretch(text: str, pos: int) -> tuple[int, int]:
    """The stretch of `text` around `pos`: after the last break before it, to the first break at or after it.
    Found near `pos` (listing every break of a long turn cost more than the names read from one stretch); a
    longer stretch from the text's breaks, listed once, so that many places in it cost no more than one."""
    after = _RUN_BREAK.search(text, pos, pos + _BREAK_REACH)  # one character each: a window cuts no match
    before = -1
    for m in _RUN_BREAK.finditer(text, max(0, pos - _BREAK_REACH), pos):
        before = m.start()
    if (after is not None or pos + _BREAK_REACH >= len(text)) and (before >= 0 or pos <= _BREAK_REACH):
        return before + 1, after.start() if after is not None else len(text)
    breaks = _run_breaks(text)
    k = bisect_left(breaks, pos)
    return breaks[k - 1] + 1 if k else 0, breaks[k] if k < len(breaks) else len(text)


@lru_cache(maxsize=1 << 12)
def _names_between(text: str, lo: int, hi: int) -> dict[int, tuple[str, int]]:
    """The names of text[lo:hi] by where they start in `text`, with their word counts."""
    return {a + lo: (name, n_words) for a, _, name, n_words in _scan(text[lo:hi])[1]}


_TOKEN_CHAR = re.compile(rf"[\w{APOS_CHARS}\-]")
_LETTER = re.compile(r"[^\W\d_]")


def _token_at(text: str, pos: int) -> str | None:
    """The token of _scan(text) that starts at `pos`, if one does: none does inside a run of token characters
    that a letter opened."""
    k = pos - 1
    while k >= 0 and _TOKEN_CHAR.match(text, k):
        if _LETTER.match(text, k):
            return None
        k -= 1
    m = _TOKEN.match(text, pos)
    return m.group() if m else None


def name_at(text: str, pos: int, min_words: int = 1) -> str | None:
    """The name of find_names(text, min_words) that starts at `pos`, if any, read from the stretch around `pos`
    (a self-introduction asks about one place in a long turn)."""
    # a name opens on a name word, or on a particle after a title ("President de Gaulle"): most places asked
    # about ("this is a ...") hold neither, and need no stretch read
    tok = _TOKEN.match(text, pos)
    if tok is None or not (_name_word(tok.group()) or _is_particle(tok.group())):
        return None
    found = _names_between(text, *_stretch(text, pos))
    name, n_words = found.get(pos, ("", 0))
    return name if name and n_words >= min_words else None


# The label step asks for the names of the same segment text several times (name book, self-introductions,
# quotes, descriptions): tokenize and scan each text once.
@lru_cache(maxsize=1 << 12)
def _scan(text: str) -> tuple[tuple[str, ...], tuple[tuple[int, int, str, int], ...]]:
    """The text's tokens, and find_names(text, 1) with each name's word count."""
    # one split gives the tokens and the gaps between them, without a Match object per token
    parts = (_TOKEN_SPLIT if not text.isascii() and has_astral(text) else _token_split_bmp()).split(text)
    words = tuple(parts[1::2])
    flags = list(map(_name_word, words))
    if True not in flags:
        return words, ()
    n = len(words)
    gaps = parts[0::2]  # gaps[k]: the text before token k
    bounds = list(accumulate(map(len, parts)))
    starts, ends = bounds[0::2], bounds[1::2]  # of token k: the end of gaps[k], the end of words[k]

    def spaced(k: int) -> bool:  # token k follows token k-1 after exactly one space
        return gaps[k] == " "

    def two_name_words(k: int) -> bool:  # tokens k and k+1 are spaced name words
        return k + 1 < n and flags[k + 1] and spaced(k + 1)

    out: list[tuple[int, int, str, int]] = []
    nxt_i = 0
    for i in compress(range(n), flags):  # runs start only on name words
        if i < nxt_i:
            continue
        j = i  # the run is tokens i..j
        while j + 1 < n:
            if gaps[j + 1] != " " or words[j].endswith(("'s", "’s")):  # not spaced(j + 1)
                break
            if flags[j + 1]:
                j += 1
                continue
            k = j + 1  # a chain of particles counts only when a name word follows it: "de la Cruz"
            while k < n and _is_particle(words[k]) and spaced(k):
                k += 1
            if k > j + 1 and k < n and spaced(k) and flags[k]:
                if k == j + 2 and words[j + 1] in CONJUNCTION_PARTICLES and j > i and two_name_words(k):
                    break  # a full name, "y", a full name: two people
                j = k
            else:
                break
        nxt_i = j + 1
        # drop leading titles/demonyms, trailing particles ("Le" as written is a surname, "de" trailing is not)
        a, b = i, j
        while a <= b and _title_or_demonym(words[a]):
            a += 1
        while a <= b and words[b] in PARTICLES:
            b -= 1
        if a > b:
            continue
        start, end = starts[a], ends[b]
        name = text[start:end]
        if name.endswith(("'s", "’s")):
            name, end = name[:-2], end - 2
        name = name.rstrip(".") if not name.endswith("St.") else name
        end = start + len(name)
        n_words = len(name.split())
        if n_words >= 1:
            out.append((start, end, name, n_words))
    return words, tuple(out)


@lru_cache(maxsize=1 << 16)
def _shows_casing(tok: str) -> bool:
    """Only words that can show a name's casing: capitalised but not all capitals, or a particle."""
    return (tok[:1].isupper() and not tok.isupper()) or tok in PARTICLES


@lru_cache(maxsize=1 << 16)
def _casing_form(tok: str) -> tuple[str, str]:
    """A casing word's key in NameBook.words and the form it is counted as."""
    form = tok.translate(APOSTROPHES).rstrip(".")
    return fold(form), form


_NAME = itemgetter(2)  # the name of a (start, end, name, n_words) found by _scan


class NameBook:
    """Person names as the page writes them, for casing labels and completing surnames.

    Read on demand: a query looks only at the texts whose folded form holds its folded words, since folding is
    done character by character and a name or word of a text folds to a piece of the text folded. Most texts of
    a page never name the one asked about, and a page with no speaker labels asks nothing."""

    def __init__(self, texts: list[str]) -> None:
        self._texts = texts
        self._folded: list[tuple[str, str]] = []  # (text, folded text), once asked
        self._joined = ""  # the folded texts, joined: one test rules out a key the page never holds
        self._starts: list[int] = []  # where each folded text starts in _joined
        self._names_with: dict[tuple[str, ...], list[str]] = {}
        self._word_forms: dict[str, Counter[str]] = {}

    def holding(self, keys: list[str]) -> list[int]:
        """The texts (by index) whose folded form holds every one of `keys` (folded), in page order."""
        if not self._folded and self._texts:
            # fold, for long text (an ASCII text holds no curly apostrophe, and folds as it lowers)
            self._folded = [(t, t.lower() if t.isascii() else unify_apostrophes(t).upper().casefold())
                            for t in self._texts]
            self._joined = "\n".join(f for _, f in self._folded)
            self._starts = joint_starts([f for _, f in self._folded])
        if not keys or not self._folded or "\n" in keys[0]:
            found = list(range(len(self._folded))) if all(k in self._joined for k in keys) else []
        else:  # the texts holding the first key, from where it stands in the joined texts (it crosses no joint)
            found = texts_holding(self._joined, self._starts, keys[:1])
        for key in keys[1:] if found else ():
            found = [k for k in found if key in self._folded[k][1]]
        return found

    def _having(self, keys: list[str]) -> list[tuple[str, str]]:
        """(text, folded text) of the texts whose folded form holds every one of `keys`, in page order."""
        return [self._folded[k] for k in self.holding(keys)]

    def names_near(self, k: int, key: str) -> list[tuple[str, int]]:
        """Names of text `k` (as find_names finds them, with their word counts) in page order, among them every
        one whose folded words include `key`: only the stretches where `key` stands in the folded text are read
        (a name stands within one), unless folding moved the text's characters. Asked after `holding`."""
        text, folded = self._folded[k]
        if len(folded) != len(text):
            return [(name, n_words) for _, _, name, n_words in _scan(text)[1]]
        found: dict[int, tuple[str, int]] = {}
        i = folded.find(key)
        while i >= 0:
            lo, hi = _stretch(text, i)
            found.update(_names_between(text, lo, hi))
            i = folded.find(key, max(i + 1, hi))  # the stretch's other places hold no other name
        return [found[start] for start in sorted(found)]

    def names_with(self, keys: list[str]) -> list[str]:
        """Every name (apostrophes unified) of the texts that hold `keys`, in page order."""
        names = self._names_with.get(tuple(keys))
        if names is None:
            names = self._names_with[tuple(keys)] = [
                name.translate(APOSTROPHES) for text, _ in self._having(keys) for _, _, name, _ in _scan(text)[1]]
        return names

    def _names_folding_to(self, key: str) -> Iterator[str]:
        """Every name (apostrophes unified) whose folded form is `key`, in page order."""
        for text, folded in self._having([key]):
            if len(folded) != len(text):  # a character folded to several: places in the two differ
                yield from (n for _, _, n, _ in _scan(text)[1] if fold(n) == key)
                continue
            # every character kept its place: such a name starts where `key` occurs
            i = folded.find(key)
            while i >= 0:
                name = name_at(text, i)
                if name is not None and fold(name) == key:
                    yield name.translate(APOSTROPHES)
                i = folded.find(key, i + 1)

    def written(self, name: str) -> str | None:
        """The page's own spelling of a name given in any case, if it writes it out."""
        key = fold(name)
        forms: Counter[str] = Counter(self._names_folding_to(key)) if key else Counter()
        return forms.most_common(1)[0][0] if forms else None

    def word_forms(self, key: str) -> Counter[str]:
        """The written forms (not all-caps) of the word with folded `key`, counted."""
        forms = self._word_forms.get(key)
        if forms is None:
            forms = self._word_forms[key] = Counter()
            for text, folded in self._having([key]):
                if len(folded) != len(text):  # a character folded to several: places in the two differ
                    toks = _scan(text)[0]
                    forms.update(form for k, form in map(_casing_form, compress(toks, map(_shows_casing, toks)))
                                 if k == key)
                    continue
                i = folded.find(key)  # every character kept its place: such a word starts where `key` occurs
                while i >= 0:
                    tok = _token_at(text, i)
                    if tok is not None and _shows_casing(tok):
                        k, form = _casing_form(tok)
                        if k == key:
                            forms[form] += 1
                    i = folded.find(key, i + 1)
        return forms

    def case(self, upper: str) -> str:
        """Best casing for a name printed in capitals: the page's spelling, else word by word, else rules."""
        found = self.written(upper)
        if found:
            return found
        out = []
        for i, w in enumerate(upper.translate(APOSTROPHES).split()):
            forms = self.word_forms(fold(w))
            cands = [f for f, _ in forms.most_common()] if forms else []
            last = i == len(upper.split()) - 1
            if w.lower() in PARTICLES and i and not last:
                out.append(w.lower())
            elif cands and cands[0][:1].isupper():
                out.append(cands[0])
            else:
                out.append(_case_word(w, i == 0, last) if w.isupper() else w)
        return " ".join(out)

    def with_surname(self, surname: str, first: str | None = None) -> list[str]:
        """Full names on the page ending in `surname` (and starting with `first`, if given), in order of first
        appearance."""
        full = dict.fromkeys(n for n in self.names_with(fold(surname).split()) if len(n.split()) >= 2)
        return [name for name in full if has_surname(name, surname)
                and (first is None or fold(name).split()[0] == fold(first))]
