"""Quotations in prose: who said them, the cue, and where they sit in the source text."""

from __future__ import annotations

from test_label import Part, assert_spans_inside_their_segments, page_from

from transcripts.model import Cleaned, Segment, Segmented, Source
from transcripts.steps.label import label_page
from transcripts.steps.quotes import extract_quotes

ARTICLE: list[Part] = [
    ("paragraph", None, "TAIPEI and MOSCOW — China's top leader Xi Jinping has wrapped up a state visit to Moscow."),
    ("paragraph", None, '"China\'s support has been critical for Russia in managing reprisals," says Sharyl Cross, '
                        "director of the Kozmetsky Center at St. Edward's University in Texas."),
    ("paragraph", None, '"Consolidating and developing China-Russia relations is a strategic choice," Chinese '
                        "state media reported Xi as telling Putin on Monday."),
    ("paragraph", None, 'Xi obliquely brushed off Western criticism: "It is China\'s strategic choice and will not '
                        'change."'),
    ("paragraph", None, '"China\'s domination of Russia is complete," Sam Greene, a Russia specialist at the Center '
                        "for European Policy Analysis, argues in a Twitter thread."),
    ("paragraph", None, '"In truth, he\'s mortgaged the Kremlin to Beijing," writes Greene.'),
    ("paragraph", None, 'Ukraine insists Russian forces pull out: "The first and major point is the capitulation," '
                        "Oleksiy Danilov, secretary of the council, wrote on Twitter this week."),
    ("paragraph", None, '"I think there\'s a bit of damage control going on now," says Thomas Christensen.'),
    ("paragraph", None, '"After Beijing offered its so-called peace proposal, it made sense for him to go."'),
    ("paragraph", None, 'The two greeted each other warmly as "dear friend." "We are the ones driving these changes '
                        'together," Xi told Putin.'),
    ("paragraph", None, '"This is not over for anyone here," she said.'),
]


def quotes_of(parts: list[Part]) -> list[tuple[str | None, str | None, str]]:
    page = label_page(page_from(parts))
    return [(q.speaker_name, q.cue, q.text) for q in page.quotes]


def test_quotes_attribution_styles_resolve_to_full_names() -> None:
    got = [(who, cue, text.split()[0]) for who, cue, text in quotes_of(ARTICLE)]
    assert got == [
        ("Sharyl Cross", "says", "China's"),
        ("Xi Jinping", "reported", "Consolidating"),
        ("Xi Jinping", None, "It"),
        ("Sam Greene", "argues", "China's"),
        ("Sam Greene", "writes", "In"),
        ("Oleksiy Danilov", "wrote", "The"),
        ("Thomas Christensen", "says", "I"),
        ("Thomas Christensen", None, "After"),  # a paragraph that only continues the quotation before it
        ("Xi Jinping", "told", "We"),
        ("Xi Jinping", "said", "This"),  # pronoun: the last attributed speaker
    ]


def test_quotes_scare_quotes_are_not_quoted_speech() -> None:
    assert all("dear friend" not in text for _, _, text in quotes_of(ARTICLE))


def test_quotes_offsets_point_at_the_quotation_in_the_source() -> None:
    page = label_page(page_from(ARTICLE))
    assert_spans_inside_their_segments(page, page.quotes)


def test_quotes_map_through_repaired_run_together_words() -> None:
    raw = '"We will call forexpanding cooperation now," says Sam Greene.'
    fixed = raw.replace("forexpanding", "for expanding")
    text = "Title\n\n" + raw + "\n"
    src = Source("d", "d.txt", "0" * 64, len(text), text, "utf-8")
    seg = Segment("paragraph", 7, 7 + len(raw), fixed, None, [(7, 7 + len(raw))])
    page = Segmented(Cleaned(src, "Title", [], []), "article", [seg], [])
    (q,) = extract_quotes(page.segments, text, [])
    assert q.text == "We will call for expanding cooperation now,"
    assert text[q.char_start:q.char_end] == "We will call forexpanding cooperation now,"
    assert q.speaker_name == "Sam Greene"


def test_quotes_curly_marks_and_a_second_quote_in_the_paragraph() -> None:
    parts: list[Part] = [("paragraph", None, "“We’re doing everything we can,” Maria López, the mayor of Tulsa, "
                                             "said. “This is not over for the city.”")]
    assert [(w, t) for w, _, t in quotes_of(parts)] == [
        ("Maria López", "We’re doing everything we can,"), ("Maria López", "This is not over for the city.")]


def test_quotes_none_in_transcript_turns() -> None:
    parts: list[Part] = [("turn", "JANE DOE, HOST", 'She told me, quote, "We will not wait for anyone here."')]
    assert label_page(page_from(parts)).quotes == []


def test_quotes_local_titles_are_not_part_of_the_name() -> None:
    got = quotes_of([("paragraph", None, '"We can\'t wait any longer," said Councilor Maria Lopez.'),
                     ("paragraph", None, '"It\'s a giveaway," Assemblywoman Jo Park told reporters.')])
    assert [(who, cue) for who, cue, _ in got] == [("Maria Lopez", "said"), ("Jo Park", "told")]


PRONOUNS: list[Part] = [
    ("paragraph", None, '"We counted every seat twice," says Nora Lind, who runs the theater.'),
    ("paragraph", None, "The festival's director, retired teacher Ada Brennan, says she never wanted it big. "
                        '"I wanted ten films and a popcorn machine," she says.'),
    ("paragraph", None, "Councilman Otto Reyes, who voted against the lease, called the plan "
                        '"a very long movie with no ending."'),
    ("paragraph", None, '"I like films as much as anybody," he said.'),
    ("paragraph", None, "According to Varga, the town will spend the ticket money on the roof. "
                        '"The audience paid for the ceiling," he says.'),
    ("paragraph", None, "Some regulars miss the old hall. Pete Varga is one of them, and so is Lind."),
    ("paragraph", None, '"It used to feel like a living room with a projector," she says.'),
]


def test_a_pronoun_points_to_the_person_the_text_last_named_as_speaking() -> None:
    got = [(who, cue, " ".join(text.split()[:3])) for who, cue, text in quotes_of(PRONOUNS)]
    assert got == [
        ("Nora Lind", "says", "We counted every"),
        ("Ada Brennan", "says", "I wanted ten"),  # "Ada Brennan, says she ...": not the previous quote's Lind
        ("Otto Reyes", "called", "a very long"),  # "called the plan": a cue before the quotation
        ("Otto Reyes", "said", "I like films"),
        ("Pete Varga", "says", "The audience paid"),  # "According to Varga" completed from the page's full name
        ("Nora Lind", "says", "It used to"),  # the last person the previous paragraph names
    ]
