"""Properties that hold for every input: decode never raises, and clean+segment always yield in-bounds,
ordered, non-overlapping segments that together with the removals cover every non-blank character once."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcripts.model import Segmented, Source
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.segment import invariant_violations, segment_page

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def pipeline(text: str) -> Segmented:
    src = Source(doc_id="d", source_path="d.txt", sha256="0", n_bytes=len(text), text=text, encoding="utf-8")
    return segment_page(clean_page(src))


def assert_sound(seg: Segmented) -> None:
    assert invariant_violations(seg) == []
    src = seg.source.text
    for s in seg.segments:
        body = src[s.char_start:s.char_end]
        if s.speaker_label:
            assert body.startswith(s.speaker_label)
        if s.text:
            first_word = s.text.split()[0]
            # the stretch holds the text's first words (a repaired word may have gained a space)
            assert first_word in body or first_word.replace(" ", "") in body.replace(" ", "")


LABELS = ["LUCIAN KIM, BYLINE:", "KIM:", "MELISSA BLOCK, host:", "ANNE-MARIE WOOD reporting:",
          "JIM SCIUTTO, CNN CORRESPONDENT:", "Mr. JOHN DOE (Economist, X):", "Ms. RENÉE KOVAČEVIĆ (Nurse):",
          "Unidentified Man #1:", "UNIDENTIFIED PERSON #2:", "UNIDENTIFIED MALE:", "DANA BASH (voice-over):",
          "O'BRIEN:", "LLOYD-JONES:", "NÚÑEZ:", "MARIA:", "ALL THINGS CONSIDERED:"]
MARKERS = ["(SOUNDBITE OF MUSIC)", "(Soundbite of music)", "(BEGIN VIDEOTAPE)", "(END VIDEOTAPE)",
           "(COMMERCIAL BREAK)", "(LAUGHTER)", "(CROSSTALK)"]
CHROME = ["Play Live Radio", "Next Up:", "0:00 0:00", "Available On Air Stations", "News and Music Discovery",
          "Loading...", "Download", "Transcript", "Text size", "Sponsor Message", "Related Stories",
          "Transcript provided by NPR, Copyright NPR.", "Copyright 2023 NPR. To see more, visit", "hide caption",
          "Heard on Morning Edition", "Listen · 3:41",
          "We use cookies to improve your experience. Accept all cookies to continue.",
          "Our Redding transmitter is offline due to an internet outage at our site. We appreciate your patience.",
          "NPR transcripts are created on a rush deadline by an NPR contractor.",
          "Lucian Kim", "Lucian Kim is NPR's international correspondent based in Moscow."]
PARAS = ["Well, by all appearances, Xi Jinping is just having a blast.", "Exactly.", "Mr. Smith went to the U.S.",
         "Xi called forexpanding cooperation in sectors like energy.", "China is not partner No. 1 for us yet.",
         "For Putin, the visit was a diplomatic boon", "TAIPEI and MOSCOW — China's top leader arrived.",
         "A caption about a handshake in Moscow on Tuesday.", "Mikhail Tereshchenko", "Pool Photo via AP",
         "And this is ALL THINGS CONSIDERED: more news.", "(Through interpreter) We will not retreat.",
         "Thank you. Transcript provided by NPR, Copyright NPR.", "   indented line  ", "é", "\t", ""]

fragment = st.one_of(
    st.sampled_from(CHROME),
    st.sampled_from(MARKERS),
    st.sampled_from(PARAS),
    st.tuples(st.sampled_from(LABELS), st.sampled_from(["", " "]), st.sampled_from(PARAS)).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
page = st.lists(st.tuples(fragment, st.sampled_from(["\n", "\n\n", "\n\n\n", " ", "\r\n"])), max_size=30).map(
    lambda parts: "".join(f + sep for f, sep in parts))


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_segment_properties_arbitrary_text(text: str) -> None:
    assert_sound(pipeline(text))


@SETTINGS
@given(page)
def test_segment_properties_fragment_pages(text: str) -> None:
    assert_sound(pipeline(text))


@SETTINGS
@given(page)
def test_segment_properties_decoded_pages(text: str) -> None:
    src = decode_page(text.encode("utf-8"), "p.txt")
    if isinstance(src, Source):
        assert "\r" not in src.text
        assert_sound(segment_page(clean_page(src)))
    else:
        assert src.reason in ("empty", "too_large", "binary")


@SETTINGS
@given(st.binary(max_size=2000))
def test_segment_properties_arbitrary_bytes_decode(data: bytes) -> None:
    out = decode_page(data, "x.bin")
    if isinstance(out, Source):
        assert_sound(segment_page(clean_page(out)))
    else:
        assert out.reason in ("empty", "binary", "undecodable", "too_large")


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(LABELS[:-1]), st.sampled_from(PARAS[:6])), min_size=1, max_size=12),
       st.sampled_from(MARKERS))
def test_segment_properties_every_label_starts_a_turn(turns: list[tuple[str, str]], marker: str) -> None:
    lines = ["Title"] + [f"{lab} {text}" for lab, text in turns] + [marker]
    seg = pipeline("\n\n".join(lines) + "\n")
    got = [s.speaker_label for s in seg.segments if s.kind == "turn"]
    assert got == [lab[:-1] for lab, _ in turns]
    assert seg.segments[-1].kind == "marker"
    assert seg.doc_type == "transcript"
