"""`make demo PORT=NNNN`: the server listens on that port and every printed link is built on it."""
import shutil
import subprocess
from pathlib import Path

import pytest

from credential_admin.standalone.settings import configure

ROOT = Path(__file__).resolve().parents[2]


def demo_recipe(*args: str, env: dict | None = None) -> str:
    """The shell lines `make demo` would run (make -n runs nothing), with the install steps' lines dropped."""
    out = subprocess.run(["make", "-n", "--always-make", "demo", *args], cwd=ROOT, capture_output=True, text=True,
                         env=env, check=True).stdout
    return "\n".join(line for line in out.splitlines() if "django-admin" in line)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_port_reaches_server_and_links():
    lines = demo_recipe("PORT=8010")
    assert "runserver 127.0.0.1:8010" in lines
    assert lines.count('CREDENTIAL_BASE_URL="${CREDENTIAL_BASE_URL:-http://127.0.0.1:8010}"') == 2


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_default_port_is_8000():
    lines = demo_recipe()
    assert "runserver 127.0.0.1:8000" in lines and "http://127.0.0.1:8000}" in lines


def test_settings_take_the_base_url_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CREDENTIAL_BASE_URL", "http://127.0.0.1:8010")
    assert configure(tmp_path)["CREDENTIAL_XBLOCK_BASE_URL"] == "http://127.0.0.1:8010"
    monkeypatch.delenv("CREDENTIAL_BASE_URL")
    assert configure(tmp_path)["CREDENTIAL_XBLOCK_BASE_URL"] == "http://127.0.0.1:8000"
