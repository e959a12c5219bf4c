"""Benchmark: `issue_credentials` end to end — evaluate, reserve, render, sign, store — on SQLite, local storage,
eager Celery (DESIGN.md "Targets": 10,000 eligible learners in ≤ 30 s; peak memory the same at 1,000 and 10,000).

For each size a fresh data folder is seeded in one child process (a course with one Credential block requiring
100% completion, every learner enrolled and complete), then another child process runs the command alone and
reports its wall time and peak RSS, so seeding never counts in either. Keys: ``issue_10k_s``,
``issue_peak_rss_mb_1k``, ``issue_peak_rss_mb_10k``. Run alone: ``.venv/bin/python -m tests.benchmarks.issue``.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

COURSE_KEY = "course-v1:Bench+ISSUE+2026"
OLX = """<course display_name="Issuing benchmark"><chapter url_name="c"><sequential url_name="s">
  <vertical url_name="u1"><html url_name="h1"><p>Read me.</p></html></vertical>
  <vertical url_name="u2"><credential url_name="done" display_name="Completion" level="completion"
     min_completion="100"/></vertical>
</sequential></chapter></course>"""


def _setup(data_dir: str) -> None:
    os.environ.update(CREDENTIAL_TEST_DIR=data_dir, CREDENTIAL_DB="sqlite", DJANGO_SETTINGS_MODULE="tests.settings")
    import django

    django.setup()


def seed(count: int, data_dir: str) -> None:
    """Migrate a fresh SQLite database and create `count` eligible learners."""
    _setup(data_dir)
    from completion.models import BlockCompletion
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from opaque_keys.edx.keys import CourseKey

    from credential_admin.standalone.loader import load_course
    from credential_admin.standalone.models import Enrollment, Profile

    call_command("migrate", verbosity=0)
    course = load_course(COURSE_KEY, OLX, {"GRADER": [], "GRADE_CUTOFFS": {"Pass": 0.5}})
    users = get_user_model()
    users.objects.bulk_create((users(username=f"issue{i:05d}") for i in range(count)), batch_size=5000)
    learners = list(users.objects.filter(username__startswith="issue").order_by("pk"))
    Profile.objects.bulk_create((Profile(user=u, name=f"Learner Nº {i}") for i, u in enumerate(learners)),
                                batch_size=5000)
    Enrollment.objects.bulk_create((Enrollment(user=u, course=course, mode="verified") for u in learners),
                                   batch_size=5000)
    html = CourseKey.from_string(COURSE_KEY).make_usage_key("html", "h1")
    BlockCompletion.objects.bulk_create(
        (BlockCompletion(user=u, context_key=html.context_key, block_key=html, block_type="html", completion=1.0)
         for u in learners), batch_size=5000)


def measure(count: int, data_dir: str) -> dict[str, float]:
    """Run the command once; its wall time and this process's peak RSS (MB)."""
    _setup(data_dir)
    from django.core.management import call_command

    from credential_admin.models import Credential

    with open(os.devnull, "w") as sink:
        start = time.perf_counter()
        call_command("issue_credentials", "--course", COURSE_KEY, stdout=sink, stderr=sink)
        seconds = time.perf_counter() - start
    issued = Credential.objects.filter(status="issued").count()
    assert issued == count, f"expected {count} credentials, {issued} issued"
    return {"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(step: str, count: int, data_dir: str) -> dict:
    command = [sys.executable, "-m", "tests.benchmarks.issue", step, str(count), data_dir]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def run() -> dict[str, float]:
    figures = {}
    for count in (1_000, 10_000):
        with tempfile.TemporaryDirectory(prefix="bench-issue-") as data_dir:
            _child("seed", count, data_dir)
            figures[count] = _child("measure", count, data_dir)
        print(f"{count} learners: {figures[count]['seconds']:.1f} s, peak RSS {figures[count]['peak_rss_mb']:.0f} MB",
              flush=True)
    return {"issue_10k_s": round(figures[10_000]["seconds"], 2),
            "issue_peak_rss_mb_1k": round(figures[1_000]["peak_rss_mb"], 1),
            "issue_peak_rss_mb_10k": round(figures[10_000]["peak_rss_mb"], 1)}


if __name__ == "__main__":
    if len(sys.argv) == 4:
        step, size, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        print(json.dumps(seed(size, folder) if step == "seed" else measure(size, folder)))
    else:
        print(run())
