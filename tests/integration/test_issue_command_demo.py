"""`issue_credentials` on the demo course, run as a real command process on the database and the S3 server.

Hand computation (credential_admin/demo/course: 10 counted units; Homework = 3 subsections of two 1-point
questions, min_count 3, drop 0, weight 0.6; Final Exam = questions worth 4, 3, 2, 1 points, weight 0.4):
- ana: 1 unit viewed → 1/10 = 10%; nothing answered → grade 0%, Final 0%.
- ben: 5 text units + 4 problem units = 9/10 = 90%; HW (100 + 50 + 50) / 3 = 66.67%, Final (4 + 1) / 10 = 50%
  → grade 0.6 * 66.67 + 0.4 * 50 = 60%.
- chen: 6 + 4 = 10/10 = 100%; HW (100 + 100 + 50) / 3 = 83.33%, Final 9/10 = 90% → grade 50 + 36 = 86%.
- dana: 4 + 4 = 8/10 = 80%; HW 100%, Final 7/10 = 70% → grade 60 + 28 = 88%.
- nour: 3 + 2 = 5/10 = 50%; HW (50 + 100 + 0) / 3 = 50%, Final 0% → grade 30%.
Completion (≥ 90% completion): ben and chen. Achievement (≥ 80% grade and ≥ 75% Final Exam): chen only.
Badges, awarded by demo_setup itself: First steps (Getting started: Welcome, How this course works, Homework 1 all
complete) to ben, chen, dana and nour, not ana (1 of 3 = 33%); Homework hero (Homework 1, 2 and 3 each complete) to
ben, chen and dana, not nour (Homework 3 unanswered) nor ana (nothing answered).
The Data Science path's two small courses (credential_admin/demo/paths.py; 5 units, Completion at 80% = 4 units):
ana, ben and chen are enrolled; Statistics: ana 0/5, ben and chen 5/5; Machine Learning: ana 0/5, ben 3/5 = 60%,
chen 5/5. (`--all` works on courses; the path's own credential is issued with `--path`.)
"""
import subprocess
import sys

import pytest
from django.core.management import call_command

from credential_admin.models import Credential
from tests.integration.conftest import ROOT

pytestmark = [pytest.mark.integration]

EXPECTED = {
    ("Certificate of Achievement", "ana"): ("no", "grade 0% < 80%; Final Exam 0% < 75%"),
    ("Certificate of Achievement", "ben"): ("no", "grade 60% < 80%; Final Exam 50% < 75%"),
    ("Certificate of Achievement", "chen"): ("yes", "every rule met"),
    ("Certificate of Achievement", "dana"): ("no", "Final Exam 70% < 75%"),
    ("Certificate of Achievement", "nour"): ("no", "grade 30% < 80%; Final Exam 0% < 75%"),
    ("Certificate of Completion", "ana"): ("no", "completion 10% < 90%"),
    ("Certificate of Completion", "ben"): ("yes", "every rule met"),
    ("Certificate of Completion", "chen"): ("yes", "every rule met"),
    ("Certificate of Completion", "dana"): ("no", "completion 80% < 90%"),
    ("Certificate of Completion", "nour"): ("no", "completion 50% < 90%"),
    ("First steps", "ana"): ("no", "Getting started 33% < 100%"),
    **{("First steps", name): ("held", "already issued") for name in ("ben", "chen", "dana", "nour")},
    ("Homework hero", "ana"): ("no", "Homework 1 0% < 100%; Homework 2 0% < 100%; Homework 3 0% < 100%"),
    ("Homework hero", "nour"): ("no", "Homework 3 0% < 100%"),
    **{("Homework hero", name): ("held", "already issued") for name in ("ben", "chen", "dana")},
    ("Statistics: Completion", "ana"): ("no", "completion 0% < 80%"),
    **{("Statistics: Completion", name): ("yes", "every rule met") for name in ("ben", "chen")},
    ("Machine Learning: Completion", "ana"): ("no", "completion 0% < 80%"),
    ("Machine Learning: Completion", "ben"): ("no", "completion 60% < 80%"),
    ("Machine Learning: Completion", "chen"): ("yes", "every rule met"),
}
BADGES_HELD = 7


def run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "django", "issue_credentials", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def table(output: str) -> dict[tuple[str, str], tuple[str, str]]:
    """Dry-run rows by (credential, learner): (eligible, why)."""
    rows = {}
    for line in output.splitlines():
        if line.startswith("course-v1:"):
            credential, learner, eligible, why = line[35:63].strip(), line[64:84].strip(), line[85:94].strip(), \
                line[95:]
            rows[(credential, learner)] = (eligible, why)
    return rows


def test_demo_dry_run_then_issue_then_rerun(service_env, s3_server, s3_bucket):
    call_command("demo_setup", verbosity=0)
    dry = run(service_env, "--all", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert table(dry.stdout) == EXPECTED
    assert "Dry run: 6 would be issued, 7 already hold it, 13 not eligible. Nothing was changed." in dry.stdout
    assert sorted(set(Credential.objects.values_list("config__level", flat=True))) == ["badge"]  # no certificate

    first = run(service_env, "--all")
    assert first.returncode == 0, first.stderr
    assert "Issued 6, already held 7, not eligible 13, failed 0." in first.stdout
    assert "Certificate of Achievement (course-v1:Demo+CX101+2026): 5/5 learners · issued 1 · already 0 · " \
           "not eligible 4 · failed 0 · " in first.stdout  # plain progress lines: no terminal here
    assert "Certificate of Completion (course-v1:Demo+CX101+2026): 5/5 learners · issued 2 · already 0 · " \
           "not eligible 3 · failed 0 · " in first.stdout
    held = sorted(Credential.objects.exclude(config__level="badge")
                  .values_list("config__display_name", "user__username", "status"))
    assert held == [("Certificate of Achievement", "chen", "issued"), ("Certificate of Completion", "ben", "issued"),
                    ("Certificate of Completion", "chen", "issued"), ("Machine Learning: Completion", "chen", "issued"),
                    ("Statistics: Completion", "ben", "issued"), ("Statistics: Completion", "chen", "issued")]
    assert s3_server.keys(s3_bucket) == set(Credential.objects.values_list("storage_key", flat=True))

    again = run(service_env, "--all")
    assert again.returncode == 0, again.stderr
    assert "Issued 0, already held 13, not eligible 13, failed 0." in again.stdout
    assert Credential.objects.count() == 6 + BADGES_HELD and len(s3_server.keys(s3_bucket)) == 6 + BADGES_HELD


def test_bad_arguments_exit_2_and_change_nothing(service_env):
    call_command("demo_setup", verbosity=0)
    for args, message in ((["--course", "not-a-key"], "is not a course key"),
                          (["--course", "course-v1:No+Such+Course"], "no course"),
                          (["--all", "--user", "ben", "nobody"], "unknown user(s): nobody"),
                          ([], "one of the arguments --course --all --path is required")):
        result = run(service_env, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
    assert Credential.objects.count() == BADGES_HELD  # only the badges demo_setup awarded
