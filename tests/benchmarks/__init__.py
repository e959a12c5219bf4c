"""Benchmark scripts (never timed tests). `python -m tests.benchmarks` runs every module of MODULES, each in a
child process of its own, and merges what their `run()` returns (a dict of numbers) into benchmarks.json.

To add a benchmark: a module here with `run() -> dict[str, float]`, and its name in MODULES.
"""
MODULES = [
    "tests.benchmarks.render",
    "tests.benchmarks.evaluate",
    "tests.benchmarks.verify",
    "tests.benchmarks.issue",
    "tests.benchmarks.paths",
    "tests.benchmarks.auto_issue",
]
