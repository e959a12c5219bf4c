"""`issue_credentials` on SQLite: exit codes, dry run, progress on a terminal or not, partial failure, resume."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from credential_admin.models import Credential
from credential_admin.standalone.loader import load_course
from tests.sqlite.conftest import COURSES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_credentials", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


BLOCK = ('<credential url_name="ach" display_name="Achievement" level="achievement" min_grade="80" '
         'min_type_grades=\'{"Final Exam": "75"}\'/>')


@pytest.fixture
def learners(achievement, ace, demo_course, make_learner):
    """The demo course republished with the Achievement block in its exam unit (the command syncs configurations
    from published blocks first); alice and carla eligible (100%), bob not (0%)."""
    unit = '<vertical url_name="u_exam" display_name="Exam">'
    olx = (COURSES / "demo" / "course.xml").read_text().replace(unit, unit + BLOCK)
    load_course(demo_course.course_key, olx, demo_course.grading_policy)
    return ace(), make_learner(demo_course, username="bob"), ace("carla", "Carla Núñez")


def test_dry_run_lists_each_learner_and_changes_nothing(achievement, learners):
    out, _err = run("--course", achievement.course_key, "--dry-run")
    lines = [line for line in out.splitlines() if line.startswith("course-v1:")]
    assert [line.split()[2:4] for line in lines] == [["alice", "yes"], ["bob", "no"], ["carla", "yes"]]
    assert lines[1].endswith("grade 0% < 80%; Final Exam 0% < 75%")
    assert "Dry run: 2 would be issued, 0 already hold it, 1 not eligible. Nothing was changed." in out
    assert not Credential.objects.exists()


def test_issue_prints_plain_progress_off_a_terminal_then_rerun_issues_none(achievement, learners):
    out, _err = run("--course", achievement.course_key)
    assert "Achievement (course-v1:Demo+CRED101+2026): 3/3 learners · issued 2 · already 0 · not eligible 1 · " \
           "failed 0 · " in out
    assert "\r" not in out and out.rstrip().endswith("Issued 2, already held 0, not eligible 1, failed 0.")
    assert sorted(Credential.objects.values_list("user__username", "status")) == [("alice", "issued"),
                                                                                  ("carla", "issued")]
    out, _err = run("--all")
    assert "Issued 0, already held 2, not eligible 1, failed 0." in out
    assert Credential.objects.count() == 2


def test_progress_bar_with_counts_and_rate_on_a_terminal(achievement, learners, settings, monkeypatch):
    settings.CREDENTIAL_XBLOCK_BATCH_SIZE = 2
    monkeypatch.setenv("COLUMNS", "200")  # the line is cut to the terminal's width
    terminal, out = Terminal(), io.StringIO()
    call_command("issue_credentials", "--all", stdout=out, stderr=terminal, force_color=True)
    bar = terminal.getvalue()
    # One line redrawn per batch of two learners, ended once; plain text although stderr is styled bold red.
    assert bar.count("\r") == 2 and bar.count("\n") == 1 and bar.endswith("\n")
    assert "\x1b" not in bar
    assert "[####################..........] 2/3 learners · issued 1 · already 0 · not eligible 1" in bar
    assert "[##############################] 3/3 learners · issued 2 · already 0 · not eligible 1" in bar
    assert "/s" in bar and "Issued 2" in out.getvalue()


def test_user_filter_issues_only_the_named_learners(achievement, learners):
    out, _err = run("--all", "--user", "carla", "bob")
    assert "Issued 1, already held 0, not eligible 1, failed 0." in out
    assert list(Credential.objects.values_list("user__username", flat=True)) == ["carla"]


def test_partial_failure_exits_1_and_a_rerun_finishes(achievement, learners, isolated_issuing):
    isolated_issuing.down = True
    with pytest.raises(CommandError) as failed:
        run("--all")
    assert failed.value.returncode == 1 and "run the command again" in str(failed.value)
    assert set(Credential.objects.values_list("status", flat=True)) <= {"failed", "pending"}
    isolated_issuing.down = False
    out, _err = run("--all")
    assert "Issued 2, already held 0, not eligible 1, failed 0." in out
    assert Credential.objects.filter(status="issued").count() == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--course", "course-v1:broken"], "is not a course key"),
    (["--course", "course-v1:Demo+CRED101+2026", "course-v1:No+Such+Run"], "no course 'course-v1:No+Such+Run'"),
    (["--all", "--user", "ghost"], "unknown user(s): ghost"),
])
def test_bad_arguments_exit_2_and_change_nothing(achievement, learners, args, message):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert refused.value.returncode == 2 and message in str(refused.value)
    assert not Credential.objects.exists()


def test_course_and_all_are_exclusive_and_one_is_required(achievement):
    for args in ([], ["--all", "--course", achievement.course_key]):
        with pytest.raises(CommandError, match="--course"):
            run(*args)
