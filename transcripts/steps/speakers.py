"""Who speaks each turn: printed labels resolved to full names, roles and descriptions, within one page.

Evidence, in the order it is trusted: the label itself (full name, role suffix, parenthetical), a speaker's
self-introduction ("I'm Scott Simon"), an earlier full-name label for a surname label (LUCIAN KIM, BYLINE ->
KIM), greetings addressed to a speaker ("Good morning, Rachel." answers the host), bio lines ("Steve Inskeep is a
host of ..."), and hand-offs ("NPR's Lucian Kim is on the line").
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from schemas.appearances import Role
from schemas.segments import SegmentKind as K
from schemas.speakers import SpeakerKind
from transcripts.model import Appearance, Segment, fast_constructor, speaker_id_for
from transcripts.rules.labels import TIME_CODE_LABEL, ParsedLabel, parse_label
from transcripts.rules.names import (
    PARTICLES,
    NameBook,
    find_names,
    fold,
    has_surname,
    title_case_name,
)
from transcripts.rules.sentences import split_sentences
from transcripts.rules.speech import (
    CALLER_SAYS,
    HANDS_OVER,
    HOST_ACTS,
    HOST_ACTS_HINTS,
    HOST_DESC,
    SELF_INTRO_HINTS,
    STAFF_DESC,
)
from transcripts.steps.cues import (
    Texts,
    describe,
    handed_hosts,
    may_greet,
    parse_bios,
    self_names,
    self_role,
    staff_names,
    vocative,
)


@dataclass(eq=False)
class Voice:
    """One printed identity (a label name, or the unlabeled intro) before and after resolution."""

    key: str
    parsed: ParsedLabel | None
    turns: list[int] = field(default_factory=list)  # positions in the page's list of turns
    labels: list[str] = field(default_factory=list)
    intro: bool = False
    firsts: Counter[str] = field(default_factory=Counter)  # first names others greet it with
    selfs: list[str] = field(default_factory=list)  # names it introduces itself with
    self_roles: list[str] = field(default_factory=list)
    name: str = ""
    kind: str = SpeakerKind.PERSON
    role: str = Role.GUEST
    description: str | None = None
    resolved: bool = True  # False: a surname label nothing on the page completed


Bios = dict[str, tuple[str, str]]  # folded name -> (name, description) from bio lines
UNNAMED_HOST = "Unidentified Host"  # the unlabeled opening's voice when nothing on the page names it


@dataclass
class Cast:
    """The resolved speakers of one page."""

    appearances: list[Appearance]
    by_turn: dict[int, str]  # seg_idx -> speaker_id
    bios: dict[str, tuple[str, str]]  # folded name -> (name, description) from bio lines
    crew: set[str] = field(default_factory=set)  # speaker_ids of the show's staff the page never credits


Turns = list[tuple[int, Segment]]  # (seg_idx, turn segment) of each turn, in order


def resolve(segments: list[Segment], doc_id: str, notes: dict[str, list[str]], book: NameBook) -> Cast:
    """The page's speakers: voices read from the labels, then evidence gathered and applied pass by pass."""
    turns = [(i, s) for i, s in enumerate(segments) if s.kind == K.TURN]
    # an interview's introduction describes its cast
    texts = Texts.of([s.text for s in segments] + notes.get("teaser", []))
    bios = parse_bios(notes.get("bio", []))
    voices, order = _voices(turns)
    _listen(turns, order, texts)
    staff, crew = staff_names(texts)
    handed = handed_hosts([seg.text for _, seg in turns])
    _assign_intro(voices, order, turns)
    _name_voices(voices, bios, staff, handed, book)
    people = _merge_same_person(voices, order)
    for v in people.values():
        v.role = _role(v, turns, bios, staff | crew, handed)
        bio = bios.get(fold(v.name))
        v.description = (bio[1] if bio else None) or (v.parsed.description if v.parsed else None)
        if v.description is None and v.kind == SpeakerKind.PERSON and len(v.name.split()) >= 2:
            v.description = describe(v.name, texts)
    _interviewer_hosts(people, turns)
    cast = _cast(people, turns, doc_id, bios)
    # "our producer X" makes X staff, but no byline: only a label (BYLINE) or "NPR's X" credits a reporter
    cast.crew.update(speaker_id_for(v.name, v.kind, doc_id) for v in people.values() if v.role == Role.CORRESPONDENT
                     and not (v.parsed and v.parsed.role_hint) and fold(v.name) not in staff
                     and (fold(v.name) in crew or fold(v.name).split()[0] in crew))
    return cast


def _interviewer_hosts(people: dict[str, Voice], turns: Turns) -> None:
    """A printed interview has no host label and no spoken opening: whoever speaks first, opening with a
    question and asking in most turns, runs it."""
    if not people or any(v.role == Role.HOST for v in people.values()):
        return
    first = min(people.values(), key=lambda v: min(v.turns))
    if first.role != Role.GUEST or first.intro or first.parsed is None:
        return
    asked = [turns[t][1].text.rstrip().endswith("?") for t in first.turns]
    if asked[0] and 2 * sum(asked) >= len(asked):
        first.role = Role.HOST


def _voices(turns: Turns) -> tuple[dict[str, Voice], list[Voice]]:
    """One voice per printed name (by folded name; "" for the unlabeled intro), and the voice of each turn."""
    voices: dict[str, Voice] = {}
    order: list[Voice] = []
    by_label: dict[str, Voice] = {}  # printed label -> its voice
    for t, (_, seg) in enumerate(turns):
        if seg.speaker_label is None:  # before any label: the host's intro; later: the turn goes on
            v = order[-1] if order else voices.setdefault("", Voice("", None, intro=True))
            before = turns[t - 1][1].speaker_label if t else None
            if before is not None and len(order) > 1 and TIME_CODE_LABEL.match(before):
                v = order[-2]  # after a timed clip ("[00:33] (Daniel) ... [00:44]") the one who played it goes on
            said = self_names(seg.text)[:1]
            if order and said and not _is_voice_of(v, said[0], turns):
                # "And I'm B.A. Parker." where a label was lost: the one who introduces themselves speaks
                key = "~" + fold(said[0])
                v = voices.setdefault(key, Voice(key, None, intro=True))
        elif seg.speaker_label in by_label:  # a label printed again is read once
            v = by_label[seg.speaker_label]
        else:
            parsed = parse_label(seg.speaker_label)
            key = fold(parsed.name)
            v = voices.get(key) or voices.setdefault(key, Voice(key, parsed))  # a new Voice only for a new name
            v.labels.append(seg.speaker_label)
            by_label[seg.speaker_label] = v
        v.turns.append(t)
        order.append(v)
    return voices, order


def _is_voice_of(v: Voice, name: str, turns: Turns) -> bool:
    """Whether a self-introduced name can be this voice's: its label has that surname, or (unlabeled) its own
    turns introduce the same name or no name at all."""
    if v.parsed is not None:
        return v.parsed.kind == SpeakerKind.PERSON and (has_surname(name, v.key) or fold(name) == v.key)
    own = [n for t in v.turns for n in self_names(turns[t][1].text)]
    return not own or any(fold(n) == fold(name) for n in own)


def _listen(turns: Turns, order: list[Voice], texts: Texts) -> None:
    """What the speakers say about each other and themselves: greetings (in a turn's first sentence they answer
    the previous speaker, in its last they address the next) and self-introductions. `texts`: the page's, the
    segments' first."""
    # a turn without a SELF_INTRO hint introduces nobody: the page is searched for them once, not turn by turn
    introducing = set(texts.holding(SELF_INTRO_HINTS)) if turns else set()  # by segment index
    for t, (i, seg) in enumerate(turns):
        if may_greet(seg.text):
            _greeted(t, seg.text, turns, order)
        for own_name in self_names(seg.text) if i in introducing else ():
            order[t].selfs.append(own_name)
            role = self_role(seg.text, own_name)
            if role:
                order[t].self_roles.append(role)


def _greeted(t: int, text: str, turns: Turns, order: list[Voice]) -> None:
    """Count the first name a turn greets: its first sentence answers the previous speaker, its last addresses
    the next."""
    sents = split_sentences(text)
    if not sents:
        return
    spots = [(0, -1)] + ([(len(sents) - 1, 1)] if len(sents) > 1 else [])
    for k, step in spots:
        a, b = sents[k]
        word = vocative(text[a:b].strip())
        # the nearest speaker that way whose label does not give a different first name
        other = t + step
        while word and 0 <= other < len(turns) and abs(other - t) <= 3:
            cand = order[other]
            named = cand.key.split() if cand.parsed and cand.parsed.kind == SpeakerKind.PERSON \
                and not _surname_only(cand.key) else []
            if cand is not order[t] and (len(named) < 2 or named[0] == fold(word)):
                cand.firsts[word] += 1
                break
            other += step


def _intro_host(intro: Voice, order: list[Voice], turns: Turns) -> Voice | None:
    """The labeled voice the unlabeled intro belongs to: whoever introduces themselves in it, else the first
    labeled person who is not the one it hands off to (a host label first)."""
    labeled = [v for v in dict.fromkeys(order) if not v.intro]
    for said in intro.selfs:
        target = next((v for v in labeled if v.key == fold(said) or has_surname(said, v.key)), None)
        if target:
            return target
    if intro.selfs:
        return None  # "I'm David Bianculli, in for Terry Gross": a host no label names speaks the intro
    intro_text = " ".join(turns[t][1].text for t in intro.turns)
    mentioned = [fold(n) for _, _, n in find_names(intro_text, 2)]
    last = split_sentences(intro_text)[-1:]
    greeted = {fold(name) for name in (vocative(intro_text[a:b].strip()) for a, b in last) if name}

    def handed_off(v: Voice) -> bool:
        if any(v.key == m or has_surname(m, v.key) for m in mentioned):
            return True
        return bool(v.key.split()) and v.key.split()[0] in greeted

    def caller(v: Voice) -> bool:
        return bool(CALLER_SAYS.search(turns[v.turns[0]][1].text[:200]))

    cands = [v for v in labeled[:4] if v.parsed and v.parsed.kind == SpeakerKind.PERSON
             and v.parsed.role_hint != Role.CORRESPONDENT and not handed_off(v) and not caller(v)]
    hosts = [v for v in cands if v.parsed and v.parsed.role_hint == Role.HOST]
    return hosts[0] if hosts else cands[0] if cands else None


def _assign_intro(voices: dict[str, Voice], order: list[Voice], turns: Turns) -> None:
    """The unlabeled intro is the host's: fold it into that voice when the page shows who it is."""
    intro = voices.get("")
    target = _intro_host(intro, order, turns) if intro is not None else None
    if intro is None or target is None:
        return
    target.turns = sorted(target.turns + intro.turns)
    target.firsts.update(intro.firsts)
    target.selfs = intro.selfs + target.selfs
    target.self_roles = intro.self_roles + target.self_roles
    target.intro = True
    for t in intro.turns:
        order[t] = target
    del voices[""]


def _name_voices(voices: dict[str, Voice], bios: Bios, staff: set[str], handed: dict[str, str],
                 book: NameBook) -> None:
    """Each voice's name and kind: full-name labels as the page spells them, surnames completed."""
    full_first: dict[str, int] = {}  # folded full-name label -> its first turn
    for v in sorted(voices.values(), key=lambda v: min(v.turns)):
        full_name = v.parsed and v.parsed.kind == SpeakerKind.PERSON and len(v.key.split()) >= 2
        # VAN DYKE after OMAR VAN DYKE is a surname
        if full_name and not _surname_only(v.key) and not (_initialed(v.key) and _by_initial(v.key, {}, book)) \
                and not any(has_surname(k, v.key) for k in full_first):
            full_first[v.key] = min(v.turns)
    for v in voices.values():
        p = v.parsed
        if p is None:  # an intro nobody could be linked to: a host the page never names
            host_bios = [n for n, d in bios.values() if HOST_DESC.search(d)]
            own = v.selfs[:1] or host_bios[:1]
            # never a made-up "Host" person: an unnamed voice is named as NPR prints one, "Unidentified ..."
            v.name, v.kind = (own[0], SpeakerKind.PERSON) if own else (UNNAMED_HOST, SpeakerKind.UNIDENTIFIED)
        elif p.kind != SpeakerKind.PERSON:
            v.kind = p.kind
            v.name = p.name if not p.name.isupper() else " ".join(
                w.capitalize() if w.isalpha() else w for w in p.name.split())
        elif v.key in full_first:
            v.name = book.case(p.name)
        else:
            name = _complete_surname(v, p, voices, full_first, bios, staff, handed, book)
            v.name = name if name else book.case(p.name) if p.name.isupper() else title_case_name(p.name)
            v.resolved = name is not None
    _resolve_typos(voices, book)


def _initialed(key: str) -> bool:
    """J PIMENTEL, J. PIMENTEL: an initial and a surname, not a full name."""
    words = key.split()
    return len(words) >= 2 and len(words[0].rstrip(".")) == 1


def _by_initial(key: str, full_first: dict[str, int], book: NameBook) -> str | None:
    """J OKAFOR -> the one full name on the page with surname Okafor and a first name starting with J."""
    initial, surname = key.split()[0].rstrip("."), " ".join(key.split()[1:])
    found = {fold(n): n for n in book.with_surname(surname) if fold(n).startswith(initial) and fold(n) != key}
    found.update({k: book.case(k.upper()) for k in full_first if has_surname(k, surname) and k.startswith(initial)
                  and k not in found})
    return next(iter(found.values())) if len(found) == 1 else None


# A label this close to another label's surname (DEBMY next to DEMBY: a transposition) is a typo of it.
MAX_TYPO_DISTANCE = 2
MIN_TYPO_LABEL_CHARS = 5


def _resolve_typos(voices: dict[str, Voice], book: NameBook) -> None:
    """A surname label nothing resolved, which the page never writes as a name, is the speaker whose surname
    it misspells, when exactly one speaker's is within a small edit distance (transpositions count once)."""
    named = [v for v in voices.values() if v.kind == SpeakerKind.PERSON and v.resolved and v.name]
    for v in voices.values():
        if v.resolved or v.parsed is None or len(v.key.split()) != 1 or len(v.key) < MIN_TYPO_LABEL_CHARS \
                or book.word_forms(v.key):
            continue
        near = {fold(w.name): w.name for w in named if w is not v and fold(w.name).split()[-1] != v.key
                and OSA.distance(fold(w.name).split()[-1], v.key) <= MAX_TYPO_DISTANCE}
        if len(near) == 1:
            v.name = next(iter(near.values()))


def _complete_surname(v: Voice, p: ParsedLabel, voices: dict[str, Voice], full_first: dict[str, int], bios: Bios,
                      staff: set[str], handed: dict[str, str], book: NameBook) -> str | None:
    """The full name of a surname label (KIM): its own self-introduction, an earlier full-name label, the first
    name others greet it with, a bio, a staff mention, the host an announcer hands over to, or (after an
    honorific) a name the page writes once."""
    own = [n for n in v.selfs if has_surname(n, v.key)]
    earlier = [k for k, first in full_first.items() if has_surname(k, v.key) and first < min(v.turns)]
    # "Hey, I'm Gene Demby." in an unlabeled turn names the DEMBY who speaks later
    introduced = {n for w in voices.values() if w.parsed is None for n in w.selfs if has_surname(n, v.key)}
    # "[Marcela]" after "[Marcela Quiroga]": a cased first-name label is the full label with that first name
    by_first = {k for k in full_first if k.split()[0] == v.key} if p.name != p.name.upper() else set()
    if own:
        return own[0]
    if len(by_first) == 1 and not earlier:
        return voices[by_first.pop()].parsed.name  # type: ignore[union-attr]
    if p.name != p.name.upper() and len(v.key.split()) == 1 and not earlier:
        # "Daniel:" on a page that writes "Daniel Alarcón" (and no other Daniel): a cased first-name label
        firsts = {fold(n): n for n in book.names_with([v.key])
                  if 2 <= len(n.split()) <= 3 and fold(n).split()[0] == v.key}
        if len(firsts) == 1:
            return next(iter(firsts.values()))
    if len(introduced) == 1 and not earlier:
        return introduced.pop()
    if _initialed(v.key):
        return _by_initial(v.key, full_first, book)
    if earlier:
        full_key = max(earlier, key=lambda key: full_first[key])
        return voices[full_key].name or book.case(full_key)
    if v.firsts and v.firsts.most_common(1)[0][0].upper() != p.name.upper():  # not a caller's own name
        first = v.firsts.most_common(1)[0][0]
        written = book.with_surname(p.name, first)
        bio_hit = [n for n, _ in bios.values() if has_surname(n, v.key) and fold(n).split()[0] == fold(first)]
        return (bio_hit or written or [f"{first} {book.case(p.name)}"])[0]
    bio_hit = [n for n, _ in bios.values() if has_surname(n, v.key)]
    staff_hit = [n for n in book.with_surname(p.name) if fold(n) in staff]
    written = book.with_surname(p.name)
    if len(bio_hit) == 1:
        return bio_hit[0]
    if len(set(staff_hit)) == 1:
        return staff_hit[0]
    handed_hit = [n for k, n in handed.items() if has_surname(k, v.key)]
    if len(handed_hit) == 1:
        return handed_hit[0]
    if p.honorific and len(set(written)) == 1:  # "Ms. TIBBETTS" after "Joining us is Jane Tibbetts"
        return written[0]
    return None


def _merge_same_person(voices: dict[str, Voice], order: list[Voice]) -> dict[str, Voice]:
    """Voices that resolved to the same person (KIM and LUCIAN KIM, BYLINE) become one, by folded name."""
    people: dict[str, Voice] = {}
    for v in sorted(voices.values(), key=lambda v: min(v.turns)):
        pkey = fold(v.name) if v.kind == SpeakerKind.PERSON else "#" + v.key
        if pkey not in people:
            people[pkey] = v
            continue
        w = people[pkey]
        w.turns = sorted(w.turns + v.turns)
        w.labels += [lab for lab in v.labels if lab not in w.labels]
        w.intro = w.intro or v.intro
        w.selfs += v.selfs
        w.self_roles += v.self_roles
        if w.parsed and v.parsed and not w.parsed.description:
            w.parsed = v.parsed if v.parsed.description else w.parsed
        hints = [x.parsed.role_hint for x in (w, v) if x.parsed and x.parsed.role_hint]
        if hints and w.parsed and not w.parsed.role_hint:
            w.parsed = dataclasses.replace(w.parsed, role_hint=hints[0])
        for t in v.turns:
            order[t] = w
    return people


_new_appearance = fast_constructor(Appearance)  # Appearance(...) by setting its slots: half the cost


def _cast(people: dict[str, Voice], turns: Turns, doc_id: str, bios: Bios) -> Cast:
    apps: list[Appearance] = []
    by_turn: dict[int, str] = {}
    for v in people.values():
        sid = speaker_id_for(v.name, v.kind, doc_id)
        apps.append(_new_appearance(sid, v.name, v.kind, v.labels, v.role, v.description, len(v.turns),
                                    sum([turns[t][1].n_words for t in v.turns])))
        for t in v.turns:
            by_turn[turns[t][0]] = sid
    return Cast(apps, by_turn, bios)


def _surname_only(key: str) -> bool:
    """ST. JOHN, DE LA CRUZ, VAN DYKE: a surname that opens on a particle, not a first and last name."""
    first = key.split()[0]
    return first == "st." or first in PARTICLES


def _role(v: Voice, turns: Turns, bios: Bios, staff: set[str], handed: dict[str, str]) -> str:
    if v.kind != SpeakerKind.PERSON:
        return Role.UNIDENTIFIED
    hint = v.parsed.role_hint if v.parsed else None
    if hint:
        return hint
    if fold(v.name) in handed:
        return Role.HOST  # "And here's your host ... Peter Sagal."
    bio = bios.get(fold(v.name))
    if bio and HOST_DESC.search(bio[1]):
        return Role.HOST
    if bio and STAFF_DESC.search(bio[1]):
        return Role.CORRESPONDENT
    if any(HANDS_OVER.search(turns[t][1].text) for t in v.turns[:2]):
        return Role.GUEST  # the show's announcer: not the host, and no reporter to credit as a byline
    if v.self_roles:
        return Counter(v.self_roles).most_common(1)[0][0]
    if v.intro:
        return Role.HOST
    if fold(v.name) in staff or fold(v.name).split()[0] in staff:  # a first name: the host's "Lisette está ..."
        return Role.CORRESPONDENT
    if any(_host_acts(turns[t][1].text) for t in v.turns[:3]):
        return Role.HOST
    return Role.GUEST


def _host_acts(text: str) -> bool:
    """HOST_ACTS.search(text), scanning only a turn that holds one of its literals."""
    for hint in HOST_ACTS_HINTS:  # a loop, not any(): a generator costs more than most of the tests
        if hint in text:
            return HOST_ACTS.search(text) is not None
    return False
