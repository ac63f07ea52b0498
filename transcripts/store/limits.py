"""The reader sandbox's limits, in a module without imports so the CLI can show them as defaults cheaply."""

DEFAULT_TIMEOUT = 60.0  # seconds a query may run (`transcripts query --timeout`)
READER_MEMORY_LIMIT = "2GB"  # memory one reader connection may use (DuckDB's memory_limit)
READER_THREADS = 2
