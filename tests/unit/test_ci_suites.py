"""`make test`'s runner (.ci/test-suites) and its summary (.ci/summarize_junit.py): nothing passes silently.

The runner is sourced in bash so that a test can call its `suite` function with a command of its own; a service
that is "stopped" is a port in this project's test range (8170-8179) with nothing listening.
"""
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEAD_PORT = 8171
PASSED = '<testsuites><testsuite tests="3" failures="0" errors="0" skipped="0"></testsuite></testsuites>'
ONE_SKIPPED = ('<testsuites><testsuite tests="2" failures="0" errors="0" skipped="1">'
               '<testcase classname="tests.unit.test_x" name="test_a"/>'
               '<testcase classname="tests.unit.test_x" name="test_b"><skipped message="no chromium"/></testcase>'
               '</testsuite></testsuites>')


@pytest.fixture(scope="module", autouse=True)
def nothing_on_the_dead_port():
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", DEAD_PORT)) != 0, f"something listens on {DEAD_PORT}"


def run_suites(script: str, **env: str) -> subprocess.CompletedProcess:
    """Source .ci/test-suites in bash, run `script` (its functions), then the summary; exit with its status."""
    return subprocess.run(["bash", "-c", f'source .ci/test-suites; {script}; summarize; exit "$status"'],
                          cwd=ROOT, env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True,
                          timeout=60, check=False)


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stdout.strip().splitlines()[-1]


def test_a_stopped_database_fails_the_run_and_names_the_service():
    result = subprocess.run([str(ROOT / ".ci/test-suites")], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "CREDENTIAL_MYSQL_PORT": str(DEAD_PORT),
                                 "CREDENTIAL_ONLY_SUITES": "integration-mysql"}, check=False)
    assert result.returncode == 1
    assert f"integration-mysql: NOT RUN: not answering: MariaDB on 127.0.0.1:{DEAD_PORT}" in result.stderr
    assert "CREDENTIAL_SKIP_SUITES=integration-mysql" in result.stderr
    lines = result.stdout.strip().splitlines()
    suites = len(re.findall(r"^  suite ", (ROOT / ".ci/test-suites").read_text(), re.M))  # every suite line
    assert suites >= 6
    assert lines[-2:] == [f"suites not run: {suites} (1 could not run, {suites - 1} left out on request)",
                          "suites: 0 passed, 0 failed, 0 skipped"]


def test_a_suite_left_out_on_request_is_counted_and_does_not_fail():
    script = f"""suite fake -- bash -c 'printf %s "$0" > "$JUNIT"' '{PASSED}'
                 suite needs-db MariaDB:{DEAD_PORT} -- false"""
    result = run_suites(script, CREDENTIAL_SKIP_SUITES="needs-db")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "  needs-db - left out on request (CREDENTIAL_SKIP_SUITES)" in result.stdout
    assert result.stdout.strip().splitlines()[-2:] == ["suites not run: 1 (0 could not run, 1 left out on request)",
                                                       "suites: 3 passed, 0 failed, 0 skipped"]


def test_pytest_exit_5_is_a_suite_not_run():
    result = run_suites(f"""suite fake -- bash -c 'printf %s "$0" > "$JUNIT"' '{PASSED}'
                            suite empty -- bash -c 'exit 5'""")
    assert result.returncode == 1
    assert "empty: NOT RUN: no test ran (pytest exit 5)" in result.stderr
    assert "suites not run: 1 (1 could not run, 0 left out on request)" in result.stdout
    assert last_line(result) == "suites: 3 passed, 0 failed, 0 skipped"


def test_a_suite_that_writes_no_report_is_not_run():
    result = run_suites("suite silent -- true")
    assert result.returncode == 1 and "silent: NOT RUN: it wrote no test report (exit 0)" in result.stderr


def test_a_failing_step_fails_the_run():
    assert run_suites(f"""suite fake -- bash -c 'printf %s "$0" > "$JUNIT"' '{PASSED}'
                          step build -- false""").returncode == 1


def summarize(tmp_path: Path, **files: str) -> subprocess.CompletedProcess:
    for name, text in files.items():
        (tmp_path / name.replace("__", ".")).write_text(text)
    return subprocess.run([sys.executable, str(ROOT / ".ci/summarize_junit.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=False)


def test_summary_of_green_suites(tmp_path):
    result = summarize(tmp_path, main__xml=PASSED, other__xml=PASSED)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "suites: 6 passed, 0 failed, 0 skipped"
    assert "  main - 3 passed, 0 failed, 0 skipped" in result.stdout


def test_summary_fails_on_a_skipped_test_and_names_it(tmp_path):
    result = summarize(tmp_path, main__xml=ONE_SKIPPED)
    assert result.returncode == 1
    assert "  skipped: tests.unit.test_x::test_b" in result.stdout
    assert result.stdout.splitlines()[-1] == "suites: 1 passed, 0 failed, 1 skipped"


def test_summary_fails_on_a_suite_not_run(tmp_path):
    result = summarize(tmp_path, main__xml=PASSED, integration_mysql__notrun="not answering: MariaDB\n")
    assert result.returncode == 1
    assert "  integration_mysql - NOT RUN: not answering: MariaDB" in result.stdout
    assert result.stdout.splitlines()[-2] == "suites not run: 1 (1 could not run, 0 left out on request)"


def test_summary_of_nothing_run_fails(tmp_path):
    result = summarize(tmp_path, main__leftout="left out")
    assert result.returncode == 1 and result.stdout.splitlines()[-1] == "suites: 0 passed, 0 failed, 0 skipped"


def test_hypothesis_runs_without_a_per_example_deadline():
    """Registered in tests/conftest.py: speed belongs to tests/benchmarks, so no example fails for being slow on a
    busy machine; the CI profile is also derandomized (a failing run can be repeated)."""
    from hypothesis import settings

    assert settings().deadline is None
    assert settings.get_profile("ci").deadline is None and settings.get_profile("ci").derandomize


def test_no_tracked_file_names_a_path_of_this_machine():
    """Files refer to each other by their place in the repository, never by where one checkout happened to be."""
    tracked = subprocess.run(["git", "grep", "-l", "-I", "-E", r"/work/(main|shared)\b", "--", "."], cwd=ROOT,
                             capture_output=True, text=True, check=False)
    assert tracked.stdout.split() == []
