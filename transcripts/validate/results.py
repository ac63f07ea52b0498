"""What validation found: failed expectations, SQL check results, and the verdict of a run or a version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SAMPLE_SIZE = 5  # failing values or rows shown per failure


@dataclass
class ExpectationFailure:
    """One failed expectation of one table's suite."""

    table: str
    rule: str
    description: str
    level: str  # row | table | distribution
    n_unexpected: int | None
    sample: list[str]
    doc_ids: list[str] = field(default_factory=list)
    action: str = "block"  # block | quarantine | none (a distribution rule over too few rows to judge)

    @property
    def label(self) -> str:
        return f"{self.table}.{self.rule}: {self.description}"


@dataclass
class CheckResult:
    """One cross-table SQL check. `doc_ids` are the documents to blame when the failure is attributable;
    `blocking` is set when it is not (or when the check is global by nature)."""

    name: str
    description: str
    passed: bool
    n_failing: int
    sample: list[str]
    blocking: bool
    doc_ids: list[str] = field(default_factory=list)
    warning: bool = False  # reported, never blocks nor quarantines
    # what it ran over: "version" (every document), "chunk" (one chunk's rows, before the write), "chunks" (at
    # publish: not run again, each chunk's rows were checked before they were written)
    scope: str = "version"

    @property
    def label(self) -> str:
        return f"sql.{self.name}: {self.description}"


@dataclass
class ValidationResult:
    suites_run: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    evaluated: int = 0
    passed: int = 0
    failures: list[ExpectationFailure] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    quarantined: dict[str, list[str]] = field(default_factory=dict)
    blocking: list[str] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the run may publish (after dropping the quarantined documents)."""
        return not self.blocking

    @property
    def failed(self) -> int:
        return self.evaluated - self.passed

    def summary(self) -> dict[str, Any]:
        """JSON-able summary, stored with each version (versions.validation)."""
        return {
            "ok": self.ok,
            "suites_run": self.suites_run,
            "rows": self.rows,
            "expectations_evaluated": self.evaluated,
            "expectations_passed": self.passed,
            "expectations_failed": self.failed,
            "failed_expectations": [f"{f.label} [{f.action}]" for f in self.failures],
            "sql_checks_run": len(self.checks),
            "sql_checks_failed": [c.name for c in self.checks if not c.passed],
            "quarantined_docs": len(self.quarantined),
            "quarantined": {d: r for d, r in sorted(self.quarantined.items())[:50]},
            "blocking": self.blocking,
            "duration_s": round(self.duration_s, 3),
        }

    def to_markdown(self) -> str:
        verdict = "BLOCKED: nothing may be published" if self.blocking else "passed"
        lines = [
            f"# Validation report: {verdict}",
            "",
            f"- suites: {len(self.suites_run)} ({', '.join(self.suites_run) or 'none'})",
            f"- expectations: {self.evaluated} evaluated, {self.passed} passed, {self.failed} failed",
            f"- SQL checks: {len(self.checks)} run, {sum(not c.passed for c in self.checks)} failed",
            f"- quarantined documents: {len(self.quarantined)}",
            f"- duration: {self.duration_s:.2f} s",
        ]
        if self.blocking:
            lines += ["", "## Blocking", ""] + [f"- {b}" for b in self.blocking]
        if self.failures:
            lines += ["", "## Failed expectations", "", "| table | rule | level | action | unexpected | sample |",
                      "|---|---|---|---|---|---|"]
            for f in self.failures:
                sample = ", ".join(f.sample).replace("|", "\\|")
                lines.append(f"| {f.table} | {f.rule}: {f.description} | {f.level} | {f.action} | "
                             f"{'' if f.n_unexpected is None else f.n_unexpected} | {sample} |")
        failed_checks = [c for c in self.checks if not c.passed]
        if failed_checks:
            lines += ["", "## Failed SQL checks", "", "| check | failing | blocking | sample |", "|---|---|---|---|"]
            for c in failed_checks:
                sample = ", ".join(c.sample).replace("|", "\\|")
                lines.append(f"| {c.name}: {c.description} | {c.n_failing} | {'yes' if c.blocking else 'no'} | "
                             f"{sample} |")
        if self.quarantined:
            lines += ["", "## Quarantined documents", ""]
            lines += [f"- `{d}`: {'; '.join(r)}" for d, r in sorted(self.quarantined.items())]
        if self.rows:
            lines += ["", "## Rows validated", ""] + [f"- {t}: {n}" for t, n in self.rows.items()]
        return "\n".join(lines) + "\n"
