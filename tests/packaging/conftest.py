"""Fixtures of the packaging suite."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tutor():
    """``tutor(root, *args)`` runs the real tutor CLI (no Docker) with ``root/root`` as TUTOR_ROOT and
    ``root/plugins`` as the plugins root, and returns its output; a failure fails the test with tutor's output."""
    def run(root: Path, *args: str) -> str:
        env = {**os.environ, "TUTOR_ROOT": str(root / "root"), "TUTOR_PLUGINS_ROOT": str(root / "plugins")}
        done = subprocess.run([sys.executable, "-c", "from tutor.commands.cli import main; main()", *args], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout
    return run
