from transcripts.rules.wrapping import continues, wrap_width

WRAPPED = """This is the time of year when apple growers in
New England start counting the days until the fruit is ready, and when
flocks of starlings start counting right along with them. A single
flock can strip a row of trees in an afternoon. Growers have tried
nets, noise cannons and plastic owls, and the birds have learned to
ignore nearly all of it. Now some orchards in New Hampshire are hiring
falconers.""".splitlines()


def test_wrapping_finds_the_width_of_a_hard_wrapped_page() -> None:
    runs_on = [True] * (len(WRAPPED) - 1) + [False]
    assert wrap_width(WRAPPED, runs_on) == max(len(line) for line in WRAPPED[:-1])


def test_wrapping_a_page_with_a_paragraph_per_line_is_not_wrapped() -> None:
    paragraphs = [" ".join(WRAPPED)] * 8  # long lines, each a paragraph, single newlines between them
    assert wrap_width(paragraphs, [True] * 7 + [False]) is None


def test_wrapping_short_lines_of_a_list_are_not_a_wrapped_page() -> None:
    items = ["Download", "Share", "A much longer line of the same little list of links", "Transcript",
             "Listen", "Embed", "Text size", "Print"]
    assert wrap_width(items, [True] * 7 + [False]) is None


def test_wrapping_a_line_continues_when_the_next_word_did_not_fit() -> None:
    width = 70
    assert continues(WRAPPED[1], WRAPPED[2], width)
    assert not continues("Growers have tried nets.", "Now some orchards are hiring falconers.", width)
    assert continues("(Soundbite of bird", "calls)", width)  # an open parenthesis runs on
