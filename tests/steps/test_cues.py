from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.rules.sentences import split_sentences
from transcripts.steps.cues import Texts, may_greet, self_names, staff_names, vocative

_SENTENCES = st.sampled_from([
    "Good morning, Rachel.", "Good afternoon from all of us here, Ana!", "Hi, Lucian.", "Thanks, Steve.",
    "Emily, thanks so much.", "Welcome back, Kim.", "His answer came late.", "History, Ana.", "Hi there.",
    "I'm Ana de la Cruz.", "This is a problem.", "Prices rose 3% since 2002, Mr. Kim said.", "Thank you, Dr. Li.",
    "(LAUGHTER)", "Well, Good morning, Rachel.", "Say hi to him, Sam.",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_SENTENCES, min_size=1, max_size=5), st.sampled_from([" ", "\n\n", "  "]))
def test_cues_a_turn_ruled_out_as_greeting_greets_nobody(sentences: list[str], sep: str) -> None:
    text = sep.join(sentences)
    sents = split_sentences(text)
    greets = [vocative(text[a:b].strip()) for a, b in (sents[:1] + sents[-1:])]
    if any(greets):
        assert may_greet(text)


def test_cues_self_introductions_are_the_names_after_them() -> None:
    text = "This is a problem. I'm Scott Simon. It is early, and my name is Ana de la Cruz."
    assert self_names(text) == ("Scott Simon", "Ana de la Cruz")
    assert self_names("Soy Daniel Alarcón.") == ("Daniel Alarcón",)
    assert self_names("I'm going home. This is it.") == ()


def test_cues_staff_are_credited_names_and_crew_the_shows_own() -> None:
    page = Texts.of(["NPR's Lucian Kim is in Moscow.", "Here is our producer Marcela Quiroga, today.",
                     "Lisette is working on a story about rain."])
    staff, crew = staff_names(page)
    assert staff == {"lucian kim"} and crew == {"marcela quiroga", "lisette"}
    assert staff_names(Texts.of(["Nothing about the reporters here."])) == (set(), set())
