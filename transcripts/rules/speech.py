"""Speech: what speakers say about themselves and each other (self-introductions, greetings, hand-offs, host
phrases) and what the page says about a person (bio sentences, descriptions), as compiled patterns. The
speakers step weighs this evidence."""

from __future__ import annotations

import re

from transcripts.rules.words import APOS, APOS_CHARS

HOST_DESC = re.compile(r"\b(?:host|co-host|anchor)\b", re.I)
STAFF_DESC = re.compile(r"\b(?:correspondent|reporter|critic|editor|producer|contributor|journalist)\b", re.I)
# Things only the one running the show says ("NPR's Lucian Kim reports"). Only whether it is said matters: a
# hand-off names someone in two or more capitalised words, and its last two suffice. Reading a longer run from
# each of its words cost the square of the run (seconds on a 40 KB capitalised page); two possessive words cannot.
HOST_ACTS = re.compile(
    r"\b(?:joins us|joined now by|joining us now|welcome to the program|welcome to the show|my guest|our guest|"
    r"give us a call|let's go to|thank you so much for (?:your time|talking with us|joining us)|"
    rf"[A-Z][\w{APOS_CHARS}-]++ [A-Z][\w{APOS_CHARS}-]++ "
    r"(?:reports|has the story|has more|is on the line|covers)\b)")
# every HOST_ACTS match holds one of these: a turn holding none is not scanned by the pattern
HOST_ACTS_HINTS = ("join", "welcome to the ", "guest", "give us a call", "let's go to", "thank you so much for ",
                   " reports", " has ", " is on the line", " covers")
SELF_INTRO = re.compile(rf"\b(?:I{APOS}m|I am|[Tt]his is|[Mm]y name is|[Ss]oy|[Mm]e llamo)\s+")
SELF_INTRO_HINTS = ("I'm", "I’m", "I am", "his is", "y name is", "oy ", "e llamo")
# The literal of each SELF_INTRO form and how far after the match start it stands: every match starts just
# before one of them, so a long turn is searched for them (str.find) rather than scanned by the pattern.
SELF_INTRO_LITERALS = (("I'm", 0), ("I’m", 0), ("I am", 0), ("his is", 1), ("y name is", 1), ("oy", 1),
                       ("e llamo", 1))
# A short paragraph that is only a self-introduction ("Hey, I'm Gene Demby." / "And I'm B.A. Parker."): where a
# scrape lost the labels of co-hosts introducing themselves, each one is a new speaker.
_INTRO_WORD = rf"[A-Z][\w.{APOS_CHARS}-]*"
_INTRODUCED = (rf"(?:I{APOS}m|I am|[Mm]y name is) +(?P<name>{_INTRO_WORD}(?: +{_INTRO_WORD}){{1,3}})"
               r"(?:[.!]|, (?:and|sitting in|in for|here)\b)")
SELF_INTRO_LINE = re.compile(rf"^(?:(?:And|Hey|Hi|Hello|So|Well|Yeah|Oh)[,!]? +)*{_INTRODUCED}")
SELF_INTRO_LINE_MAX_WORDS = 14
# "You're listening to SHORT WAVE from NPR. I'm Emily Kwong." (a short opening that names its speaker)
SELF_INTRO_IN = re.compile(rf"\b{_INTRODUCED}")
SELF_INTRO_IN_MAX_WORDS = 40
# A caller or voicemail introducing themselves: never the host an unlabeled opening belongs to.
CALLER_SAYS = re.compile(rf"\b(?:[Mm]y name is|I{APOS}m calling|I am calling|[Hh]i, this is)\b"
                         r"|^(?:Hi|Hello|Hey)[,!]? (?:NPR|[A-Z][A-Z ]{2,})\b")  # a voicemail: "Hello, NPR."
# An announcer handing the show to its host is not the host: "And here's your host ... Peter Sagal!"
HANDS_OVER = re.compile(r"\b(?:here(?:'s|’s| is) your host|please welcome (?:your|our) host)\b", re.I)
GREETING = re.compile(r"^(?:Good (?:morning|afternoon|evening)|Morning|Hi|Hey|Hello|Thanks|Thank you|Welcome"
                       rf"(?: back)?)\b[^,.!?]{{0,30}}, ([^\W\d_][\w{APOS_CHARS}-]+)[.!?]+[\"”]?$")
THANKS_NAME = re.compile(rf"^([^\W\d_][\w{APOS_CHARS}-]+), (?:thanks|thank you)\b")
# What a greeting must hold, to rule one out without splitting a turn: GREETING opens on one of these and ends
# on ", Name." (its own last ", "), at most 30 characters after its greeting words; THANKS_NAME holds ", thank".
GREETING_STARTS = ("Good ", "Morning", "Hi", "Hey", "Hello", "Thank", "Welcome")
GREETING_REACH = len("Good afternoon") + 30
THANKS_HINT = ", thank"
DESC_START = re.compile(rf"^(?:a|an|the|one|NPR{APOS}s|[A-Z][\w.-]*{APOS}s|[a-z])")
# after "Name, ": "a professor at X", "NPR's ...", "director of X"
APPOSITIVE = re.compile(rf"^(?:a|an|the|one of|NPR{APOS}s|[A-Z][\w.-]*{APOS}s|[a-z]+(?: [a-z]+)? (?:of|at|for|in|with)"
                         r")\s")
SELF_STAFF = re.compile(r"\bI cover\b|NPR News, I'm|\bNPR News\b.*\bI'm\b.* in [A-Z]")
SELF_SIGNOFF = re.compile(r"NPR News, [A-Z]")
SELF_HOST = re.compile(r"\b(?:this is|It's|it's) [A-Z][A-Z&' ]{3,}|[A-Z]{4,} [A-Z]{3,}|\b[Ee]sto es [A-Z]\w+ [A-Z]")
DESC_BEFORE = re.compile(rf"((?:[A-Z][\w.-]*{APOS}s) [a-z][\w' -]{{2,60}}?), $")
DESC_IS = re.compile(r"^,? is (.+)$")
DESC_NOT = re.compile(r"^(?:on|in|at|now|here|not|also)\b")
DESC_END = re.compile(r"[.,;:!?]+([\"”]?)$")
NPRS = re.compile(rf"NPR{APOS}s ")
# The show's own staff: "our producer Marcela Quiroga", "nuestra productora Marcela ...", "the station's new
# agriculture reporter, Priya Lindgren"
OUR_STAFF = re.compile(r"\b(?:[Oo]ur|[Nn]uestr[oa]|the (?:station|show|program|podcast)['’]s) (?:[\w-]+ ){0,2}?"
                       r"(?:reporter|producer|correspondent|editor|productor|productora|reportero|reportera"
                       r"|periodista|corresponsal|editora?)s?,? ")
# every OUR_STAFF match holds one (its staff word): "report" or "produc" alone would send most texts to the scan
OUR_STAFF_HINTS = ("reporter", "producer", "productor", "correspo", "editor", "periodista")
# A staff reporter handed a story: "Lisette está trabajando en la crónica de ...", "Lisette is working on a story"
WORKING_ON_STORY = re.compile(r"^(?P<name>[A-Z]\w+) (?:está trabajando en (?:la|una|esta) (?:crónica|historia)"
                              r"|is working on (?:a|the|this) story)\b")
WORKING_ON_STORY_HINTS = (" está trabajando en ", " is working on ")  # every WORKING_ON_STORY match holds one
BIO_SENTENCE = re.compile(r"^(.+?) is (.+?)[.!]?$")  # "Emily Feng is NPR's Beijing correspondent."
DESC_STOP = re.compile(r",? and (?:he|she|they|I)\b.*$|, (?:put it|said|says|told|who|argues|explains|explained|"
                        r"adds|added|joins|talks|discusses|speaks|reflects)\b.*$")
