"""The plain data that the pipeline's steps hand to each other.

The steps are pure functions over these frozen objects (no I/O, no Prefect, no store); a step returns new
objects and never changes its input (`pipeline.STEPS` lists what each reads and assigns, and a test checks it):

    decode  : raw bytes              -> Source | Reject       (transcripts/steps/decode.py)
    clean   : Source                 -> Cleaned               (transcripts/steps/clean.py)
    segment : Cleaned                -> Segmented             (transcripts/steps/segment.py)
    label   : Segmented              -> Labeled               (transcripts/steps/label.py)
    entities: list[Labeled], nlp     -> list[Labeled] with mentions (transcripts/steps/entities.py)

Offsets are always 0-based, end-exclusive positions in `Source.text`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from pathlib import PurePosixPath
from typing import Any, TypeVar

from transcripts.rules.words import count_words as count_words  # the analysts' word count, re-exported

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Source:
    """One input page, decoded. `text` is what every offset points into."""

    doc_id: str
    source_path: str
    sha256: str
    n_bytes: int
    text: str
    encoding: str
    repairs: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that yielded no document."""

    source_path: str
    doc_id: str
    reason: str  # one of schemas.rejects.REJECT_REASONS
    detail: str
    source_sha256: str | None = None
    source_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class Removed:
    """A stretch of the page that is not segment text, with the reason (schemas.removed.REMOVED_REASONS)."""

    char_start: int
    char_end: int
    reason: str
    seg_idx: int | None = None  # set when the stretch lies inside a segment's stretch (chrome inside a turn)


@dataclass(frozen=True, slots=True)
class Line:
    """A kept line of the page after cleaning."""

    char_start: int
    char_end: int
    text: str  # the line's text after in-line repairs (run-together words split, glued end marker cut off)
    blank_before: int = 0  # blank lines between this line and the previous kept or removed line


def fast_constructor(cls: type[_T]) -> Callable[..., _T]:
    """cls(...) for a frozen slots dataclass, the same fields and defaults, positional, built by setting its slots
    directly. A frozen dataclass's generated __init__ sets each field through object.__setattr__; the steps build
    a Line or Removed per line and a Sentence per sentence of every page, which this does in about a third of the
    time. The object is made as a mutable twin with the same slots, whose plain attribute stores the interpreter
    runs fastest, then given its class (the layouts are the same, so Python allows it). Like dataclasses
    themselves, it writes the function's source from the fields. No __post_init__ runs (none of these classes has
    one)."""
    cls_fields = fields(cls)  # type: ignore[arg-type]
    twin = type(f"_{cls.__name__}Draft", (), {"__slots__": cls.__slots__})  # type: ignore[attr-defined]
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_twin": twin, "_unset": object()}
    params, body = [], []
    for f in cls_fields:
        if f.default_factory is not MISSING:  # a fresh value for every object, as the dataclass makes it
            namespace[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_unset")
            body.append(f"    if {f.name} is _unset: {f.name} = _factory_{f.name}()\n")
        elif f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        else:
            params.append(f.name)
        body.append(f"    obj.{f.name} = {f.name}\n")
    exec(f"def build({', '.join(params)}):\n    obj = _new(_twin)\n{''.join(body)}    obj.__class__ = _cls\n"
         "    return obj\n", namespace)
    return namespace["build"]  # type: ignore[no-any-return]


new_removed = fast_constructor(Removed)
new_line = fast_constructor(Line)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A page with its chrome set aside: the kept lines, and what was removed and why."""

    source: Source
    title: str | None
    lines: list[Line]
    removed: list[Removed]
    # Side material that cleaning took out of the body but that labeling needs, by kind:
    # "bio" (bio sentences), "photo_credit", "copyright" (copyright and end-marker lines), "byline" ("By X").
    notes: dict[str, list[str]] = field(default_factory=dict)
    repairs: list[str] = field(default_factory=list)  # in-line repairs, e.g. "split:forexpanding"
    duplicated_body: bool = False


@dataclass(frozen=True, slots=True)
class Segment:
    kind: str  # one of schemas.segments.SEGMENT_KINDS
    char_start: int  # a turn's stretch includes its printed label
    char_end: int
    text: str  # cleaned text without the label; paragraphs joined by a blank line
    speaker_label: str | None = None  # as printed, without the colon
    # (start, end) in Source.text of each paragraph's text (label excluded)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    speaker_id: str | None = None  # assigned by the label step
    n_words: int = 0  # count_words(text), counted once by the segment step for everyone after it


@dataclass(frozen=True, slots=True)
class Sentence:
    seg_idx: int
    sent_idx: int
    char_start: int
    char_end: int
    text: str


@dataclass(frozen=True, slots=True)
class Segmented:
    """A cleaned page cut into segments (reading order) and sentences."""

    cleaned: Cleaned
    doc_type: str  # one of schemas.documents.DOC_TYPES
    segments: list[Segment]
    sentences: list[Sentence]

    @property
    def source(self) -> Source:
        return self.cleaned.source


@dataclass(frozen=True, slots=True)
class Appearance:
    """One speaker in one document."""

    speaker_id: str
    name: str
    kind: str  # person | unidentified | group
    labels: list[str]
    role: str  # host | correspondent | guest | unidentified
    description: str | None = None
    n_turns: int = 0
    n_words: int = 0


@dataclass(frozen=True, slots=True)
class Quote:
    seg_idx: int
    char_start: int
    char_end: int
    text: str  # without its quotation marks
    speaker_name: str | None
    speaker_id: str | None
    cue: str | None


@dataclass(frozen=True, slots=True)
class Mention:
    seg_idx: int
    char_start: int
    char_end: int
    text: str
    label: str
    entity_key: str
    speaker_id: str | None = None


@dataclass(frozen=True, slots=True)
class Labeled:
    """A segmented page with speakers resolved and document metadata read."""

    segmented: Segmented  # its turn segments carry speaker_id
    language: str
    program: str | None
    year: int | None
    year_source: str | None
    dateline: str | None
    bylines: list[str]
    appearances: list[Appearance]
    quotes: list[Quote]
    mentions: list[Mention] = field(default_factory=list)  # filled by the entities step

    @property
    def source(self) -> Source:
        return self.segmented.cleaned.source


def doc_id_of(source_path: str) -> str:
    """A page's doc_id: its path relative to the input folder, posix, without the extension ("news/a.txt" ->
    "news/a"). A trailing dot is no extension: "notes." stays "notes.". The one doc_id rule (plan and decode)."""
    p = PurePosixPath(source_path.replace("\\", "/"))
    return str(p.with_suffix("")) if p.suffix else str(p)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_SLUG.sub("-", folded).strip("-") or "unnamed"


def speaker_id_for(name: str, kind: str, doc_id: str) -> str:
    """Stable speaker id: a person is the same speaker wherever the same full name resolves; unidentified
    voices and groups exist only within their document."""
    if kind == "person":
        return slugify(name)
    return f"{doc_id}#{slugify(name)}"
