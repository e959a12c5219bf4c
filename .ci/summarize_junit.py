"""Add up the suites of one `.ci/test-suites` run and print one closing line: 'suites: N passed, N failed, N skipped'.

Usage: summarize_junit.py REPORTS_DIR. The folder holds NAME.xml (a suite's JUnit report), NAME.notrun (a suite
that could not run, with the reason) and NAME.leftout (a suite left out on request). The line before the closing
one counts the suites not run. Exit status 1 when a test failed, a test was skipped, a suite could not run, or no
test passed at all: a green run means every suite asked for ran every test.
"""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

KEYS = ("tests", "failures", "errors", "skipped")


def suite_totals(path: Path) -> tuple[dict[str, int], list[str]]:
    """The counts of one JUnit report, and the ids of its skipped tests."""
    totals = dict.fromkeys(KEYS, 0)
    skipped = []
    for suite in ET.parse(path).getroot().iter("testsuite"):  # noqa: S314 - our own reports
        for key in KEYS:
            totals[key] += int(suite.get(key, 0))
        skipped += [f"{case.get('classname')}::{case.get('name')}" for case in suite.iter("testcase")
                    if case.find("skipped") is not None]
    return totals, skipped


def summarize(folder: Path) -> tuple[list[str], bool]:
    """The lines to print and whether the run is green."""
    lines, totals, skipped = [], dict.fromkeys(KEYS, 0), []
    for path in sorted(folder.glob("*.xml")):
        counts, skips = suite_totals(path)
        for key in KEYS:
            totals[key] += counts[key]
        skipped += skips
        failed = counts["failures"] + counts["errors"]
        lines.append(f"  {path.stem} - {counts['tests'] - failed - counts['skipped']} passed, {failed} failed, "
                     f"{counts['skipped']} skipped")
    not_run = {path.stem: path.read_text().strip() for path in sorted(folder.glob("*.notrun"))}
    left_out = sorted(path.stem for path in folder.glob("*.leftout"))
    lines += [f"  {name} - NOT RUN: {reason}" for name, reason in not_run.items()]
    lines += [f"  {name} - left out on request (CREDENTIAL_SKIP_SUITES)" for name in left_out]
    lines += [f"  skipped: {test_id}" for test_id in skipped]
    failed = totals["failures"] + totals["errors"]
    passed = totals["tests"] - failed - totals["skipped"]
    lines.append(f"suites not run: {len(not_run) + len(left_out)} ({len(not_run)} could not run, "
                 f"{len(left_out)} left out on request)")
    lines.append(f"suites: {passed} passed, {failed} failed, {totals['skipped']} skipped")
    return lines, bool(passed and not failed and not totals["skipped"] and not not_run)


def main(argv: list[str]) -> int:
    lines, green = summarize(Path(argv[1]))
    print("\n".join(lines))
    return 0 if green else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
