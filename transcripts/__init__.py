"""transcripts: scraped radio and news transcript pages into a versioned, validated dataset."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("transcripts")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"

from transcripts.native import guard as _use_current_steps

_use_current_steps()  # before any step is imported: never a compiled step older than its source
