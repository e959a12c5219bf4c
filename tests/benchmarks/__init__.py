"""Benchmark scripts (never timed tests). `python -m tests.benchmarks` runs every module of MODULES, each in a
child process of its own, and merges what their `run()` returns (a dict of numbers) into benchmarks.json.

To add a benchmark: a module here with `run() -> dict[str, float]`, and its name in MODULES. TARGETS holds
DESIGN.md "Targets" as checks on those figures; the runner prints every figure beside its target.
"""
MODULES = [
    "tests.benchmarks.render",
    "tests.benchmarks.evaluate",
    "tests.benchmarks.verify",
    "tests.benchmarks.issue",
    "tests.benchmarks.paths",
    "tests.benchmarks.auto_issue",
]

# (key, target in words, limit computed from the results or None when the key is reported only, and whether the
# figure must stay at most (True) or at least (False) that limit). Ratios compare figures of the same run.
TARGETS = [
    ("render_latin_per_s", ">= 0.5 x render_baseline_per_s", lambda r: 0.5 * r["render_baseline_per_s"], False),
    ("render_unicode_per_s", ">= 0.4 x render_baseline_per_s", lambda r: 0.4 * r["render_baseline_per_s"], False),
    ("render_baseline_per_s", "(baseline: a bare ReportLab page)", None, None),
    ("render_sign_latin_per_s", "(reported)", None, None),
    ("evaluate_10k_s", "<= 3 s (SQLite)", lambda r: 3.0, True),
    ("evaluate_queries_per_batch", "constant per batch (reported)", None, None),
    ("evaluate_10k_mariadb_s", "<= 3 s (MariaDB)", lambda r: 3.0, True),
    ("evaluate_mariadb_queries_per_batch", "constant per batch (reported)", None, None),
    ("evaluate_10k_query_s", "(the completion query alone, SQLite, reported)", None, None),
    ("evaluate_10k_mariadb_query_s", "(the completion query alone, MariaDB, reported)", None, None),
    ("issue_10k_s", "<= 1.5 x issue_10k_render_floor_s", lambda r: 1.5 * r["issue_10k_render_floor_s"], True),
    ("issue_10k_render_floor_s", "(render + sign the same 10,000 alone)", None, None),
    ("issue_peak_rss_mb_10k", "<= 1.1 x issue_peak_rss_mb_1k", lambda r: 1.1 * r["issue_peak_rss_mb_1k"], True),
    ("issue_peak_rss_mb_1k", "(baseline of the memory target)", None, None),
    ("issue_queue_10k_s", "<= 0.6 x issue_10k_mariadb_s", lambda r: 0.6 * r["issue_10k_mariadb_s"], True),
    ("issue_10k_mariadb_s", "(one eager process on MariaDB)", None, None),
    ("issue_queue_1worker_10k_s", "(the queue with one worker, reported)", None, None),
    ("issue_learners_large", "(learners behind the 10k figures: 10,000 in a full run)", None, None),
    ("issue_learners_small", "(learners behind the 1k figure: 1,000 in a full run)", None, None),
    ("verify_rps", ">= 0.6 x verify_bare_rps", lambda r: 0.6 * r["verify_bare_rps"], False),
    ("verify_p99_ms", "<= 3 x verify_bare_p99_ms", lambda r: 3 * r["verify_bare_p99_ms"], True),
    ("verify_bare_rps", "(baseline: a bare Django view)", None, None),
    ("verify_bare_p99_ms", "(baseline: a bare Django view)", None, None),
    ("verify_floor_rps", "(the bare view + one indexed read of the row, reported)", None, None),
    ("verify_floor_p99_ms", "(the bare view + one indexed read of the row, reported)", None, None),
    ("verify_hot_rps", "(100 ids: a shared link, reported)", None, None),
    ("verify_hot_p99_ms", "(100 ids: a shared link, reported)", None, None),
    ("auto_issue_event_ms", "<= 5 ms", lambda r: 5.0, True),
    ("auto_issue_event_queries", "a handful (<= 5)", lambda r: 5, True),
    ("path_evaluate_1k_s", "<= 2 s", lambda r: 2.0, True),
    ("path_evaluate_queries_per_batch", "constant per batch (reported)", None, None),
]


def verdicts(results: dict[str, float]) -> list[tuple[str, str, str, str]]:
    """(key, figure, target, "met" / "MISSED" / "" / "n/a") for every target and every other figure found."""
    rows = []
    for key, words, limit, at_most in TARGETS:
        if key not in results:
            rows.append((key, "-", words, "n/a"))
            continue
        verdict = ""
        if limit is not None:
            try:
                bound = limit(results)
            except KeyError:
                verdict = "n/a"
            else:
                verdict = "met" if (results[key] <= bound if at_most else results[key] >= bound) else "MISSED"
                words = f"{words} = {bound:.4g}"
        rows.append((key, f"{results[key]:g}", words, verdict))
    known = {row[0] for row in rows}
    rows += [(key, f"{value:g}", "(reported)", "") for key, value in sorted(results.items()) if key not in known]
    return rows
