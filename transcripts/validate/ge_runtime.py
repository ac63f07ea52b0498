"""Great Expectations at run time: the suites loaded once, one ephemeral context with one pandas batch definition
per table, and what GE would otherwise rebuild identically for every chunk a run validates.

GE prepares a suite's validation in two parts: a metric graph per expectation (which metrics to compute, from
the expectation's configuration alone) and the computation over the batch. The first part costs as much as the
second for a 1,000-document chunk and is the same for every chunk of a table: `reusing_graphs()` lets GE build it
once and hands GE the same graph again for the next chunk. GE still computes every metric and judges every
expectation over each chunk.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schemas import TABLES

if TYPE_CHECKING:  # GE costs seconds to import: only inside functions
    from great_expectations.core import ExpectationSuite


def load_suites(directory: Path) -> dict[str, ExpectationSuite]:
    """Load every suite of schemas.TABLES from `directory`. GE logs and drops an expectation it cannot build
    (e.g. an unimported custom class), so the count of each loaded suite is checked against its JSON."""
    from great_expectations.core import ExpectationSuite

    suites: dict[str, ExpectationSuite] = {}
    for name in TABLES:
        raw = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            suite = ExpectationSuite(**raw)
        if len(suite.expectations) != len(raw["expectations"]):
            raise RuntimeError(f"suite {name}: loaded {len(suite.expectations)} of "
                               f"{len(raw['expectations'])} expectations from {directory / (name + '.json')}")
        suites[name] = suite
    return suites


@lru_cache(maxsize=8)
def cached_suites(directory: str) -> dict[str, tuple[ExpectationSuite, dict[str, dict[str, Any]]]]:
    """Loaded suites, each with its JSON expectations by rule (to recompute failing rows, see checks.py)."""
    path = Path(directory)
    return {name: (suite, {e["meta"]["rule"]: e for e in json.loads(
        (path / f"{name}.json").read_text(encoding="utf-8"))["expectations"]})
        for name, suite in load_suites(path).items()}


@lru_cache(maxsize=1)
def batch_definitions() -> dict[str, Any]:
    """One ephemeral GE context per process, one pandas asset per table (building them costs ~0.1 s each)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GE fingerprints every pandas batch below this size (a full hash of the frame, ~20% of validation
    # time) only to label the batch in results nobody reads here.
    pandas_execution_engine.HASH_THRESHOLD = 0
    _memoize_configurations()
    _reuse_metric_graphs()
    _reuse_expectations()
    _filter_once()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas("candidate")
    return {name: source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all") for name in TABLES}


def validator(name: str, frame: Any, result_format: dict[str, Any]) -> Any:
    """A GE validator of table `name` over `frame` (GE's V1 Validator, what Batch.validate builds, but over the
    table's own batch definition: Batch.validate's Batch is made from the frame once more before validating,
    and GE sizes every column of the frame each time, ~1.5 ms a table)."""
    from great_expectations.validator.v1_validator import Validator

    return Validator(batch_definition=batch_definitions()[name], result_format=result_format,
                     batch_parameters={"dataframe": frame})


_memo = threading.local()


def _memoize_configurations() -> None:
    """GE rebuilds an expectation's configuration (a pydantic dict() of it) each time it is read, about 50
    times per expectation and validation. Inside `reusing_graphs` each expectation object builds it once (GE's
    objects take no weak references or extra attributes, hence a per-call table keyed by id that holds the
    objects)."""
    from great_expectations.expectations.expectation import Expectation

    original = vars(Expectation)["configuration"].fget
    if getattr(original, "memoized", False):
        return

    def configuration(self: Any) -> Any:
        table: dict[int, tuple[Any, Any]] | None = getattr(_memo, "table", None)
        if table is None:
            return original(self)
        hit = table.get(id(self))
        if hit is None or hit[0] is not self:
            hit = table[id(self)] = (self, original(self))
        return hit[1]

    configuration.memoized = True  # type: ignore[attr-defined]
    Expectation.configuration = property(configuration)  # type: ignore[method-assign,assignment]


@dataclass
class _Graphs:
    """What GE built for one suite over one batch: per expectation, its configuration as GE evaluated it and the
    edges of its metric graph; and the runtime configuration as building them left it (GE completes its
    result_format in place, and the rest of the validation reads that)."""

    graphs: list[tuple[Any, list[Any]]]
    runtime_configuration: dict[str, Any] | None


# (engine, batch id, runtime configuration, the configurations validated) -> _Graphs. A table's chunks share
# their batch id (no fingerprint, see HASH_THRESHOLD), so a run holds one entry per table.
_GRAPHS: dict[tuple[Any, ...], _Graphs] = {}
_MAX_GRAPHS = 64


def _reuse_metric_graphs() -> None:
    """Inside `reusing_graphs`, GE's Validator builds each expectation's metric graph for the first batch of a
    suite and reuses it for the next batches validated with the same configurations and batch id. The graph
    names metrics, not data (metric ids carry the batch id, hence the key); building it marks the metrics
    with their dependencies and defaults, and resolving it over a batch changes nothing in it."""
    from great_expectations.validator.validation_graph import ExpectationValidationGraph, ValidationGraph
    from great_expectations.validator.validator import Validator

    original = Validator._generate_metric_dependency_subgraphs_for_each_expectation_configuration
    if getattr(original, "reused", False):
        return

    def subgraphs(self: Any, expectation_configurations: list[Any], processed_configurations: list[Any],
                  catch_exceptions: bool, runtime_configuration: dict[str, Any] | None = None) -> Any:
        if not getattr(_memo, "graphs", False):
            return original(self, expectation_configurations, processed_configurations, catch_exceptions,
                            runtime_configuration)
        key = (type(self._execution_engine), self.active_batch_id,
               json.dumps(runtime_configuration, sort_keys=True, default=repr),
               repr([(c.type, c.kwargs, c.meta) for c in expectation_configurations]))
        hit = _GRAPHS.get(key)
        if hit is None:
            graphs, evrs, processed = original(self, expectation_configurations, processed_configurations,
                                               catch_exceptions, runtime_configuration)
            if not evrs:  # every graph was built: keep them (an error is reported afresh each time)
                if len(_GRAPHS) >= _MAX_GRAPHS:
                    _GRAPHS.clear()
                    _EXPECTATIONS.clear()
                    _DEPENDENCIES.clear()
                _GRAPHS[key] = _Graphs([(g.configuration, list(g.graph.edges)) for g in graphs],
                                       copy.deepcopy(runtime_configuration))
                for g in graphs:
                    _keep_expectation(g.configuration)
            return graphs, evrs, processed
        if runtime_configuration is not None and hit.runtime_configuration is not None:
            runtime_configuration.clear()
            runtime_configuration.update(copy.deepcopy(hit.runtime_configuration))
        graphs = [ExpectationValidationGraph(configuration=config, graph=ValidationGraph(
            execution_engine=self._execution_engine, edges=list(edges))) for config, edges in hit.graphs]
        processed_configurations.extend(config for config, _ in hit.graphs)
        return graphs, [], processed_configurations

    subgraphs.reused = True  # type: ignore[attr-defined]
    Validator._generate_metric_dependency_subgraphs_for_each_expectation_configuration = subgraphs  # type: ignore[method-assign]


# The expectations GE validates a reused graph's configurations with (id(configuration) -> (configuration, its
# Expectation)), and what each tells GE it needs to judge a batch ((id(expectation), class, engine type,
# runtime configuration) -> (expectation, its ValidationDependencies)). GE asks each expectation again after
# computing the metrics (about a third of the suite's remaining cost), with the same answer for every batch.
_EXPECTATIONS: dict[int, tuple[Any, Any]] = {}
_DEPENDENCIES: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def _keep_expectation(config: Any) -> None:
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    expectation = vars(ExpectationConfiguration)["to_domain_obj"](config)
    _EXPECTATIONS[id(config)] = (config, expectation)
    _memoize_dependencies(type(expectation))


def _reuse_expectations() -> None:
    """Inside `reusing_graphs`, a reused graph's configuration gives the same Expectation object each time."""
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    original = vars(ExpectationConfiguration)["to_domain_obj"]
    if getattr(original, "reused", False):
        return

    def to_domain_obj(self: Any) -> Any:
        if getattr(_memo, "graphs", False):
            hit = _EXPECTATIONS.get(id(self))
            if hit is not None and hit[0] is self:
                return hit[1]
        return original(self)

    to_domain_obj.reused = True  # type: ignore[attr-defined]
    ExpectationConfiguration.to_domain_obj = to_domain_obj  # type: ignore[method-assign]


def _memoize_dependencies(cls: type) -> None:
    """Inside `reusing_graphs`, a kept expectation of class `cls` works out its validation dependencies once
    per runtime configuration (installed on `cls` itself: a subclass's super() call is not memoized here)."""
    inner = cls.get_validation_dependencies  # type: ignore[attr-defined]
    if getattr(vars(cls).get("get_validation_dependencies"), "memoized", False):
        return

    def get_validation_dependencies(self: Any, execution_engine: Any = None, runtime_configuration: Any = None,
                                    **kwargs: Any) -> Any:
        if kwargs or not getattr(_memo, "graphs", False) or type(self) is not cls:
            return inner(self, execution_engine, runtime_configuration, **kwargs)
        key = (id(self), cls, type(execution_engine), repr(runtime_configuration))
        hit = _DEPENDENCIES.get(key)
        if hit is None or hit[0] is not self:
            result = inner(self, execution_engine, runtime_configuration)
            if not any(e is self for _, e in _EXPECTATIONS.values()):
                return result
            hit = _DEPENDENCIES[key] = (self, result)
        return hit[1]

    get_validation_dependencies.memoized = True  # type: ignore[attr-defined]
    cls.get_validation_dependencies = get_validation_dependencies  # type: ignore[attr-defined]


def _filter_once() -> None:
    """GE's pandas engine filters the frame by an expectation's row condition (DataFrame.query: parsing the
    condition, then copying every column of the matching rows) once per metric, three times per conditional
    expectation. Inside `reusing_graphs` a frame is filtered once per condition."""
    from great_expectations.execution_engine.pandas_execution_engine import PandasExecutionEngine

    original = PandasExecutionEngine._apply_row_condition_filter
    if getattr(original, "memoized", False):
        return

    def apply_row_condition_filter(self: Any, data: Any, row_condition: Any, domain_kwargs: dict[str, Any]) -> Any:
        table: dict[tuple[Any, ...], tuple[Any, Any]] | None = getattr(_memo, "filtered", None)
        if table is None:
            return original(self, data, row_condition, domain_kwargs)
        key = (id(data), repr(row_condition), domain_kwargs.get("condition_parser"))
        hit = table.get(key)
        if hit is None or hit[0] is not data:
            hit = table[key] = (data, original(self, data, row_condition, domain_kwargs))
        return hit[1]

    apply_row_condition_filter.memoized = True  # type: ignore[attr-defined]
    PandasExecutionEngine._apply_row_condition_filter = apply_row_condition_filter  # type: ignore[method-assign]


@contextlib.contextmanager
def reusing_graphs() -> Iterator[None]:
    """Validate one batch with each expectation's configuration built once, each row condition applied once
    and each suite's metric graph reused from an earlier batch."""
    _memo.table, _memo.filtered, _memo.graphs = {}, {}, True
    try:
        yield
    finally:
        _memo.table, _memo.filtered, _memo.graphs = None, None, False
