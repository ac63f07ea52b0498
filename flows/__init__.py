"""The Prefect flows and their deployment; the work they orchestrate lives in the transcripts package."""
