"""The pure steps compiled to C with mypyc, and the guard that never runs a compiled step older than its source.

The steps (transcripts/rules, transcripts/steps) are plain typed Python; mypyc turns each module into a C
extension beside its source (`python -m transcripts.build_native`, run by scripts/setup.sh), which Python then
imports instead of the .py. Compiled, the steps do the same work with less CPU: 7% less alone on a quiet machine,
20-28% less beside a busy core (as in a run, whose page workers share the cores). mypyc removes the interpreter's
cost per sentence, segment and line; the regex and string calls were already in C.

A compiled module calls the others of its build directly, so they are used all together or not at all: when a
source changed since the build (an edit, a checkout), or TRANSCRIPTS_PURE_PYTHON=1 asks for it (to profile the
steps with cProfile, or to rule the build out), every module is imported from its source instead, and a stale
build says so once on stderr."""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
# What mypyc compiles: the pure steps. Not entities.py (its span class subclasses a builtin, which mypyc cannot
# compile), nor the package __init__ files.
COMPILED_PACKAGES = ("transcripts.rules", "transcripts.steps")
NOT_COMPILED = frozenset({"__init__", "entities"})
# The build's record: each compiled module's source digest. Written last, so a failed build leaves none.
MANIFEST = PACKAGE_DIR / "native.json"
# The shared runtime library of one build (mypyc's "group"), inside the package so that it imports as part of it.
GROUP = "transcripts._native"
PURE_ENV = "TRANSCRIPTS_PURE_PYTHON"


def compiled_sources() -> list[Path]:
    """The sources mypyc compiles, in a stable order."""
    return [path for package in COMPILED_PACKAGES
            for path in sorted((ROOT / package.replace(".", "/")).glob("*.py")) if path.stem not in NOT_COMPILED]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extension(module: str) -> Path | None:
    """The compiled extension of `module` beside its source, if there is one."""
    stem = ROOT.joinpath(*module.split("."))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if stem.with_name(stem.name + suffix).is_file():
            return stem.with_name(stem.name + suffix)
    return None


def stale_modules() -> list[str]:
    """The compiled modules whose source changed since the build (or whose extension is missing); every one when
    the build's record cannot be read."""
    try:
        built: dict[str, str] = json.loads(MANIFEST.read_text(encoding="utf-8"))["sources"]
        return [module for module, built_digest in built.items()
                if not (source := ROOT.joinpath(*module.split(".")).with_suffix(".py")).is_file()
                or digest(source) != built_digest or extension(module) is None]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return [module_name(p) for p in compiled_sources()]


class _FromSource(importlib.abc.MetaPathFinder):
    """Imports the compiled modules from their .py sources (ahead of the extensions beside them)."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = frozenset(modules)

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return importlib.util.spec_from_file_location(fullname, ROOT.joinpath(*fullname.split(".")).with_suffix(".py"))


def is_compiled(module: ModuleType) -> bool:
    """Whether `module` was imported from a compiled extension."""
    return str(getattr(module, "__file__", "")).endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def guard() -> None:
    """Run at the package's import, before any step is imported: fall back to every source when the build is stale
    or pure Python is asked for. Costs a digest of the compiled sources (about 0.5 ms)."""
    if not MANIFEST.is_file() or any(isinstance(f, _FromSource) for f in sys.meta_path):
        return
    pure = os.environ.get(PURE_ENV, "") not in ("", "0")
    stale = [] if pure else stale_modules()
    if not (pure or stale):
        return
    if stale:
        more = f" (and {len(stale) - 1} more)" if len(stale) > 1 else ""
        print(f"transcripts: the compiled steps are older than {stale[0]}{more}; using the sources, which are "
              "slower: `bash scripts/setup.sh` rebuilds them", file=sys.stderr)
    sys.meta_path.insert(0, _FromSource([module_name(p) for p in compiled_sources()]))
