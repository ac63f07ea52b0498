from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

CLI = Path(sys.executable).parent / "transcripts"


def test_shell_attaches_the_current_version_read_only(seeds_lake: dict[str, Any]) -> None:
    run = subprocess.run([str(CLI), "shell", "--lake", str(seeds_lake["dir"]), "--", "-csv", "-c",
                          "SELECT count(*) AS n FROM documents"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["n", "2"]


def test_shell_reads_sql_from_stdin_at_a_version_and_refuses_writes(seeds_lake: dict[str, Any]) -> None:
    run = subprocess.run([str(CLI), "shell", "--version", "1", "--lake", str(seeds_lake["dir"]), "--", "-csv"],
                         input="SELECT count(*) AS n FROM documents;\nDELETE FROM documents;\n",
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.split()[:2] == ["n", "3"]
    assert "read-only" in run.stderr.lower() or "read only" in run.stderr.lower()
