"""Validation: Great Expectations suites derived from schemas/, and cross-table SQL checks."""
