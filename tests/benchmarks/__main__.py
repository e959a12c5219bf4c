"""Run the benchmarks and write benchmarks.json in the current directory (the checkout).

``python -m tests.benchmarks`` runs all of MODULES, then prints every figure beside its target;
``python -m tests.benchmarks render verify`` runs some (short
or full module names). Results are merged into an existing benchmarks.json, so keys of benchmarks not run keep
their last values. Each module runs in a child process, so settings, caches and peak memory do not leak between
them, and on a settled machine (`settle`). Exit status 1 if any module failed (the others' results are still
written).
"""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks import MODULES, verdicts

OUTPUT = Path("benchmarks.json")


def child(module: str, output: str) -> None:
    """In the child process: run one module and write its results as JSON."""
    results = importlib.import_module(module).run()
    Path(output).write_text(json.dumps(results))


SETTLE_TIMEOUT_S = 180


def settle() -> None:
    """Let what the previous module left behind finish before the next starts: files written out, and MariaDB's
    dirty pages (millions of rows seeded, a database dropped) flushed, so that the next module's reads do not wait
    for the writes that free their buffer pages (a verification run right after the evaluation benchmark served a
    third fewer pages). MariaDB flushes when its dirty-page ceiling is 0; the ceiling is put back at once."""
    os.sync()
    try:
        import MySQLdb

        port = int(os.environ.get("CREDENTIAL_DB_PORT", 3306))
        connection = MySQLdb.connect(host="127.0.0.1", user="root", port=port)
    except Exception:  # no MariaDB here: nothing more to wait for
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
        (ceiling,) = cursor.fetchone()
        cursor.execute("SET GLOBAL innodb_max_dirty_pages_pct = 0")
        try:
            deadline = time.monotonic() + SETTLE_TIMEOUT_S
            while time.monotonic() < deadline and _dirty_pages(cursor) > 0:
                time.sleep(0.5)
        finally:
            cursor.execute("SET GLOBAL innodb_max_dirty_pages_pct = %s", [ceiling])
    connection.close()


def _dirty_pages(cursor) -> int:
    cursor.execute("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")
    return int(cursor.fetchone()[1])


def run_module(module: str) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("r", suffix=".json") as output:
        subprocess.run([sys.executable, "-m", "tests.benchmarks", "--child", module, output.name], check=True)
        return json.loads(Path(output.name).read_text())


def selected(names: list[str]) -> list[str]:
    if not names:
        return list(MODULES)
    chosen = []
    for name in names:
        matches = [m for m in MODULES if name in (m, m.rsplit(".", 1)[-1])]
        if not matches:
            sys.exit(f"Unknown benchmark {name!r}; known: {', '.join(m.rsplit('.', 1)[-1] for m in MODULES)}")
        chosen += matches
    return chosen


def print_targets(results: dict[str, float]) -> None:
    """Every figure of benchmarks.json beside its target (DESIGN.md "Targets")."""
    rows = [("figure", "value", "target", "verdict"), *verdicts(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), flush=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2])
        return 0
    results = json.loads(OUTPUT.read_text()) if OUTPUT.exists() else {}
    failed = []
    for module in selected(argv):
        print(f"== {module}", flush=True)
        settle()
        try:
            found = run_module(module)
        except subprocess.CalledProcessError:
            failed.append(module)
            continue
        print(json.dumps(found, indent=2), flush=True)
        results.update(found)
        OUTPUT.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print_targets(results)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
