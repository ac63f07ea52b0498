"""DuckDB checks each extension binary's signature once, not in every command: a later process trusts a
binary an earlier one saw pass the check, unless the binary changed since, which is checked again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from transcripts.store.extensions import DUCKDB_VERSION, VERIFIED_FILE

pytestmark = pytest.mark.slow

# connects like every command does; prints whether the signature check was skipped
CONNECT = ("from transcripts.store.extensions import connect; con = connect(); "
           "print(con.execute(\"SELECT current_setting('allow_unsigned_extensions')\").fetchone()[0])")


def connect_in_new_process(extension_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CONNECT], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TRANSCRIPTS_EXTENSION_DIR": str(extension_dir)})


def platform_dir(extension_dir: Path) -> Path:
    return next((extension_dir / DUCKDB_VERSION).iterdir())


def test_extensions_a_verified_binary_is_not_checked_again_by_the_next_process(tmp_path: Path) -> None:
    first = connect_in_new_process(tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "False"  # the first process has DuckDB check the signatures
    assert "ducklake.duckdb_extension" in (platform_dir(tmp_path) / VERIFIED_FILE).read_text()
    second = connect_in_new_process(tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "True"


def test_extensions_a_binary_changed_after_its_check_is_checked_again_and_refused(tmp_path: Path) -> None:
    assert connect_in_new_process(tmp_path).returncode == 0
    binary = platform_dir(tmp_path) / "ducklake.duckdb_extension"
    with binary.open("r+b") as f:  # same size, one byte different: a tampered or damaged binary
        f.seek(binary.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0xFF]))
    again = connect_in_new_process(tmp_path)
    assert again.returncode != 0
    assert "signature" in again.stderr.lower()
