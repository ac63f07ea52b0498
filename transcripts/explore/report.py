"""`transcripts report`: one self-contained HTML page of charts about a version (plotly, its JavaScript
inline: the page opens with no network)."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import duckdb
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from transcripts.validate.suites import build_suites

TOP_SPEAKERS = 20
TOP_PROGRAMS = 25
NOT_STATED = "(not stated)"
PASSED, FAILED = "#2ca02c", "#d62728"


@dataclass(frozen=True)
class Chart:
    title: str
    caption: str
    figure: go.Figure


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def _bar(x: list[Any], y: list[Any], *, horizontal: bool = False, **layout: Any) -> go.Figure:
    trace = go.Bar(x=y, y=x, orientation="h") if horizontal else go.Bar(x=x, y=y)
    figure = go.Figure(trace)
    if horizontal:
        figure.update_yaxes(autorange="reversed", type="category")
    else:
        figure.update_xaxes(type="category")
    figure.update_layout(**layout)
    return figure


def documents_charts(con: duckdb.DuckDBPyConnection) -> list[Chart]:
    by_year = _rows(con, "SELECT coalesce(CAST(year AS VARCHAR), '(not stated)'), count(*) FROM documents "
                         "GROUP BY ALL ORDER BY 1")
    by_program = _rows(con, f"SELECT coalesce(program, '{NOT_STATED}'), count(*) AS n FROM documents "
                            f"GROUP BY ALL ORDER BY n DESC, 1 LIMIT {TOP_PROGRAMS}")
    per_doc = _rows(con, "SELECT doc_id, doc_type, n_turns, n_words FROM documents ORDER BY doc_id")
    scatter = go.Figure()
    for doc_type in sorted({r[1] for r in per_doc}):
        mine = [r for r in per_doc if r[1] == doc_type]
        scatter.add_trace(go.Scatter(x=[r[2] for r in mine], y=[r[3] for r in mine], mode="markers",
                                     name=doc_type, text=[r[0] for r in mine], marker={"opacity": 0.6}))
    scatter.update_layout(xaxis_title="turns", yaxis_title="words")
    return [
        Chart("Documents per year", "Year the page dates itself to.",
              _bar([r[0] for r in by_year], [r[1] for r in by_year], yaxis_title="documents")),
        Chart("Documents per program", f"The {TOP_PROGRAMS} programs with the most documents.",
              _bar([r[0] for r in by_program], [r[1] for r in by_program], horizontal=True,
                   xaxis_title="documents", height=max(300, 24 * len(by_program)))),
        Chart("Turns and words per document", "One point per document, by document type.", scatter),
    ]


def speakers_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    rows = _rows(con, f"""
        SELECT sp.name, mode(a.role) AS role, sum(a.n_words) AS words
        FROM appearances a JOIN speakers sp USING (speaker_id) WHERE sp.kind = 'person'
        GROUP BY sp.speaker_id, sp.name ORDER BY words DESC, sp.name LIMIT {TOP_SPEAKERS}""")
    figure = go.Figure()
    for role in sorted({r[1] for r in rows}):
        mine = [r for r in rows if r[1] == role]
        figure.add_trace(go.Bar(y=[r[0] for r in mine], x=[r[2] for r in mine], orientation="h", name=role))
    figure.update_yaxes(categoryorder="array", categoryarray=[r[0] for r in rows], autorange="reversed")
    figure.update_layout(xaxis_title="words spoken", height=max(300, 24 * len(rows)), barmode="stack",
                         showlegend=True, legend_title_text="role")
    return Chart(f"The {TOP_SPEAKERS} speakers with the most words", "Coloured by their most frequent role.",
                 figure)


def rejects_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    rows = _rows(con, "SELECT reason, count(*) AS n FROM rejects GROUP BY ALL ORDER BY n DESC, reason")
    caption = "Inputs that yielded no document." if rows else "No input was rejected."
    return Chart("Rejects by reason", caption,
                 _bar([r[0] for r in rows], [r[1] for r in rows], yaxis_title="files"))


def validation_charts(validation: dict[str, Any]) -> list[Chart]:
    """Per table, the expectations of its suite (generated from schemas/) that held on every chunk of rows
    validated and those that failed on some; then each cross-table SQL check with its verdict."""
    failed_rules = {str(label).split(":", 1)[0] for label in validation.get("failed_expectations", [])}
    failed = Counter(rule.split(".", 1)[0] for rule in failed_rules)
    sizes = {name: len(suite["expectations"]) for name, suite in build_suites().items()}
    tables = list(validation.get("suites_run") or sizes)
    per_table = go.Figure([
        go.Bar(name="passed", x=tables, y=[max(sizes.get(t, 0) - failed[t], 0) for t in tables],
               marker_color=PASSED),
        go.Bar(name="failed", x=tables, y=[failed[t] for t in tables], marker_color=FAILED),
    ])
    per_table.update_layout(barmode="stack", yaxis_title="expectations", showlegend=True)
    checks = [c for c in validation.get("sql_checks") or [] if isinstance(c, dict)]
    verdicts = ["passed" if c.get("passed") else ("warning" if c.get("warning") else "failed") for c in checks]
    sql = go.Figure(go.Table(
        columnwidth=[2, 5, 1, 1],
        header={"values": ["check", "what it holds", "result", "failing rows"], "align": "left"},
        cells={"values": [[c.get("name") for c in checks], [c.get("description") for c in checks], verdicts,
                          [c.get("n_failing", 0) for c in checks]], "align": "left",
               "fill_color": [["#f0fff0" if v == "passed" else "#fff0f0" for v in verdicts]]}))
    sql.update_layout(height=80 + 28 * len(checks))
    return [
        Chart("Validation per table", f"{validation.get('expectations_evaluated', 0)} expectations evaluated, "
              f"{validation.get('expectations_failed', 0)} failed; "
              f"{validation.get('quarantined_docs', 0)} documents quarantined.", per_table),
        Chart("Cross-table SQL checks", "Run on the candidate version before it was published.", sql),
    ]


def changes_chart(diff: dict[str, Any] | None) -> Chart:
    if diff is None:
        first = go.Figure(go.Bar(x=["added", "changed", "removed"], y=[0, 0, 0]))
        first.add_annotation(text="the first readable version: nothing to compare with", showarrow=False,
                             xref="paper", yref="paper", x=0.5, y=0.5)
        return Chart("Changes since the previous version", "This is the first readable version.", first)
    rows_a, rows_b = diff["rows_a"], diff["rows_b"]
    tables = list(rows_b)
    docs = go.Bar(name="documents", x=["added", "changed", "removed"],
                  y=[len(diff["added"]), len(diff["changed"]), len(diff["removed"])], xaxis="x", yaxis="y")
    delta = go.Bar(name="rows (change)", x=tables, y=[(rows_b[t] or 0) - (rows_a.get(t) or 0) for t in tables],
                   xaxis="x2", yaxis="y2")
    figure = go.Figure([docs, delta])
    figure.update_layout(xaxis={"domain": [0, 0.3], "type": "category"},
                         xaxis2={"domain": [0.4, 1], "type": "category"},
                         yaxis={"title": "documents"}, yaxis2={"anchor": "x2", "title": "rows"})
    return Chart(f"Changes since version {diff['from']}",
                 f"Documents added, changed and removed; rows gained or lost per table from version {diff['from']} "
                 f"to {diff['to']}.", figure)


def render_page(title: str, facts: list[str], charts: list[Chart]) -> str:
    """The HTML page: plotly.js once in the head, then one section per chart."""
    sections = []
    for i, chart in enumerate(charts):
        chart.figure.update_layout(margin={"l": 60, "r": 20, "t": 20, "b": 60}, template="plotly_white")
        if chart.figure.layout.height is None:
            chart.figure.update_layout(height=360)
        div = chart.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{i}",
                                   config={"displaylogo": False, "responsive": True})
        sections.append(f'<section class="chart"><h2>{html.escape(chart.title)}</h2>'
                        f"<p>{html.escape(chart.caption)}</p>{div}</section>")
    items = "".join(f"<li>{html.escape(f)}</li>" for f in facts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}}
section.chart{{margin:2em 0}}h2{{margin-bottom:.2em}}p{{color:#555;margin-top:0}}</style>
<script>{get_plotlyjs()}</script></head>
<body><h1>{html.escape(title)}</h1><ul>{items}</ul>{"".join(sections)}</body></html>
"""


def build_report(con: duckdb.DuckDBPyConnection, version: int, diff: dict[str, Any] | None) -> str:
    """The report of the version `con` reads (a reader connection pinned to `version`)."""
    row = con.execute("SELECT created_at, pipeline_version, message, validation FROM versions WHERE version = ?",
                      [version]).fetchone()
    created_at, pipeline_version, message, validation = row if row else (None, "?", "", "{}")
    counts = dict(_rows(con, "SELECT 'documents', count(*) FROM documents UNION ALL "
                             "SELECT 'speakers', count(*) FROM speakers UNION ALL "
                             "SELECT 'turns', count(*) FROM segments WHERE kind = 'turn'"))
    stamp = created_at.isoformat(timespec="seconds") if isinstance(created_at, dt.datetime) else str(created_at)
    facts = [f"published {stamp} by pipeline {pipeline_version}", str(message),
             f"{counts['documents']} documents, {counts['speakers']} speakers, {counts['turns']} turns"]
    charts = [*documents_charts(con), speakers_chart(con), rejects_chart(con),
              *validation_charts(json.loads(validation or "{}")), changes_chart(diff)]
    return render_page(f"transcripts dataset, version {version}", facts, charts)
