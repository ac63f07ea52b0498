from schemas import Column, Table

VERSIONS: Table = Table(
    name="versions",
    description="One row per published version of the dataset.",
    key=("version",),
    order_by=("version",),
    per_document=False,
    columns=(
        Column("version", "INTEGER", "1, 2, 3, ...", nullable=False, minimum=1),
        Column("created_at", "TIMESTAMP WITH TIME ZONE", "when the version was published", nullable=False),
        Column("pipeline_version", "VARCHAR", "version of the code that published it", nullable=False),
        Column("docs_added", "INTEGER", "documents new in this version", nullable=False, minimum=0),
        Column("docs_changed", "INTEGER", "documents reprocessed because their page changed", nullable=False,
               minimum=0),
        Column("docs_removed", "INTEGER", "documents whose page is gone", nullable=False, minimum=0),
        Column("rows", "MAP(VARCHAR, BIGINT)", "rows per table in this version", nullable=False),
        Column("validation", "VARCHAR", "JSON summary of the expectation results that gated this version",
               nullable=False, holds_json=True),
        Column("input_sha256", "VARCHAR", "hash of the input manifest (paths and file hashes)", nullable=False),
        Column("message", "VARCHAR", "what the run did, in words", nullable=False),
    ),
)
