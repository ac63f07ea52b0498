"""Compile the pure steps to C with mypyc, in place (`python -m transcripts.build_native [--force | --clean]`); see
transcripts.native for what is compiled and when the compiled modules are used."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from transcripts.native import GROUP, MANIFEST, ROOT, compiled_sources, digest, extension, module_name, stale_modules


def build(jobs: int | None = None) -> list[str]:
    """Compile the steps in place (the extensions beside their sources) and record the build; returns the
    modules compiled. Needs mypy (mypyc) and a C compiler."""
    from mypyc.build import mypycify  # build-time only
    from setuptools import Distribution

    sources = compiled_sources()
    # a failed build leaves the sources in use; the old extensions are unlinked, not overwritten, so that a run
    # using them meanwhile keeps reading the files it mapped
    clean()
    cwd = Path.cwd()
    os.chdir(ROOT)  # mypyc names modules by their paths from here
    try:
        extensions = mypycify([str(p.relative_to(ROOT)) for p in sources], opt_level="3", group_name=GROUP)
        dist = Distribution({"name": "transcripts-native", "ext_modules": extensions})
        command = dist.get_command_obj("build_ext")
        command.inplace = True  # type: ignore[attr-defined]
        command.parallel = jobs or os.cpu_count() or 1  # type: ignore[attr-defined]
        dist.run_command("build_ext")
    finally:
        os.chdir(cwd)
    modules = [module_name(p) for p in sources]
    MANIFEST.write_text(json.dumps({"sources": {m: digest(p) for m, p in zip(modules, sources, strict=True)}},
                                   indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return modules


def clean() -> None:
    """Remove the build: the sources are used again."""
    MANIFEST.unlink(missing_ok=True)
    for module in [module_name(p) for p in compiled_sources()] + [f"{GROUP}__mypyc"]:
        built = extension(module)
        if built is not None:
            built.unlink()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--clean"]:
        clean()
        print("removed the compiled steps: the sources are used")
        return 0
    if args not in ([], ["--force"]):
        print("usage: python -m transcripts.build_native [--force | --clean]", file=sys.stderr)
        return 2
    if not args and MANIFEST.is_file() and not stale_modules():
        print("the compiled steps are current (--force rebuilds them)")
        return 0
    modules = build()
    print(f"compiled {len(modules)} step modules with mypyc")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
