"""The page head: what a page prints above its first turn on the layouts scrapers meet (the npr.org embedded
player, member-station copies, the Fresh Air archive, program pages), as compiled patterns, and what a title
looks like (`title_like`). The head pass of the clean step (steps/head.py) decides with these.
"""

from __future__ import annotations

import re

from transcripts.rules.chrome import BIO
from transcripts.rules.labels import is_marker_line, match_label
from transcripts.rules.words import APOS, count_words

# The npr.org player block: "  • Download" / "  • <iframe ... title="NPR embedded audio player">" / "  • Transcript"
PLAYER_BULLET = re.compile(r"^•\s*(?:Download|Transcript|<\s*iframe\b.*|Embed|Share)\s*$", re.IGNORECASE)
# "Transcript" on its own line or as the player's bullet: the transcript starts below it
TRANSCRIPT_ANCHOR = re.compile(r"^(?:•\s*)?Transcript:?$", re.IGNORECASE)
# The member-station site block ends here: "Play Live Radio / Next Up: / 0:00 ... / Available On Air Stations"
STATION_BLOCK_END = re.compile(r"^Available On Air Stations$", re.IGNORECASE)
HEAD_CHROME = re.compile(
    r"""^(?:NPR\s+logo|Download\s+Audio|Resume|Genre:.*|Composer\s+ID:.*|[0-9a-f|]{16,}
      |\d{1,2}:\d{2}\s*[ap]\.?m\.?                                      # a story's air time: "1:48 pm"
      |(?:Weekdays|Weekends|Daily|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?)\b.{0,30}\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?.*
      |(?:Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun)\.?(?:\s*[-–]\s*(?:Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun)\.?)?
        \s+(?:from\s+)?\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?.*               # air times: "Mon. - Thurs. from 11am"
      |Listen(?:\s+to\s+(?:this|the)\s+(?:story|episode|segment))?
      |[\w .&|-]{0,40}\bArchive|Browse\s+by\s+\w+(?:\s*\|.*)?|Search\s+the\s+archive|Pages?
      |(?:•\s*)?Hosted\s+by\b.{0,60}
      |(?:Spring|Fall|Summer|Winter|Year-End|Annual)?\s*(?:Membership|Fund)\s+Drive.{0,60}
      |(?:Donate|Give|Pledge|Become\s+a\s+(?:member|sustainer)|Support)\b.{0,80}(?:\bnow\b|\btoday\b|\bsupport\b
        |\bstation\b|\bnews\b|\bmember\b).{0,60}
      |Find\s+and\s+support\s+your\s+local\s+public\s+radio\s+station\.?
      |(?:Subscribe|Sign\s+up|Email\s+the\s+show|Join\s+the|Listen\s+to\s+our\s+playlist|Follow\s+(?:us|the\s+show))
        \b.{0,240})$""",
    re.IGNORECASE | re.VERBOSE)
# A station's copy of an NPR story ends its web teaser with "Copyright 2018 WBLQ. To see more, visit WBLQ."
STATION_COPYRIGHT = re.compile(r"^Copyright\s+(?:©\s*)?\d{4}\s+.{2,60}?\.\s+To see more, visit\b", re.IGNORECASE)
# "Originally published on April 3, 2018 6:14 pm": the page's date, never its title
ORIGINALLY_PUBLISHED = re.compile(r"^Originally published on\b", re.IGNORECASE)
# The Fresh Air archive's field lines under the title: "DATE January 18, 2008" / "PROGRAM Fresh Air" / ...
ARCHIVE_FIELD = re.compile(r"^(?P<field>DATE|PROGRAM|TYPE|CONTENT|GUESTS?|HOSTS?|SHOW|SEGMENT)\s+(?P<value>\S.*)$")
# A photo block's caption lines printed by the player ("Enlarge this image" / caption / credit / "hide caption")
PHOTO_CHROME = re.compile(r"^(?:Enlarge this image|hide caption|toggle caption)$", re.IGNORECASE)
# Words an unlabeled opening that is speech begins with: a station ID, a greeting, a self-introduction
SPEECH_OPENING = re.compile(
    rf"^(?:This is\b|You{APOS}re listening to\b|From NPR\b|From (?:WBUR|WNYC|WHYY|WAMU|KQED)\b|I{APOS}m [A-Z]"
    rf"|It{APOS}s [A-Z]{{2,}}|Welcome\b|Good (?:morning|afternoon|evening)\b|Hi\b|Hey\b|Hello\b|Coming up\b"
    rf"|Today on\b|Support for (?:this|NPR)\b|Esto es\b)|\bI{APOS}m [A-Z][\w.-]+(?: [A-Z][\w.-]+)+\b")
# The separator between a title and what follows it on the player's first line: " : NPR ", " : Code Switch "
TITLE_TAIL = re.compile(r"^(?:\s+:\s+|\s+)")
TITLE_SEP = re.compile(r"\s+:\s+")
# A station's program page is headed by the program and the station that carries it: "Weekend Edition Saturday on
# 90.5 WKAR", "Here & Now on KQED 88.5 FM", "NPR's Morning Edition" (the program is matched by PROGRAM_RE first)
BANNER_STATION = re.compile(r"^\s+on\s+(?=[^\n]{0,40}$)(?=.*(?:\d|\b[KW][A-Z]{2,3}\b))\S.*$")
BANNER_OWNER = re.compile(rf"^NPR{APOS}s\s+")
# A station's program page lists its stories after "Pages"; a story ends at "Read more"
LISTING_START = re.compile(r"^Pages$")
STORY_END = re.compile(r"^Read more$", re.IGNORECASE)
# A title is one line: a longer line of several sentences is a teaser, never the title
MAX_TITLE_WORDS = 25
SENTENCE_BREAK = re.compile(r"[.?!] [A-Z]")


def title_like(line: str) -> bool:
    """A line that can be a page's title: not too long, no label, marker or bio, not several sentences."""
    return (len(line) <= 300 and match_label(line) is None and not is_marker_line(line)
            and count_words(line) >= 1 and not BIO.match(line)
            and not (count_words(line) > MAX_TITLE_WORDS and SENTENCE_BREAK.search(line)))
