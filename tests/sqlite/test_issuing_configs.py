"""Configuration sync from published Credential blocks: the runtime's publish signal, the command, bad blocks."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from credential_admin import configs
from credential_admin.models import AuditLog, CredentialConfig
from credential_admin.standalone.loader import load_course

pytestmark = [pytest.mark.django_db(transaction=True),  # the runtime announces publishes after commit
              pytest.mark.usefixtures("isolated_issuing")]

KEY = "course-v1:Sync+S1+2026"
POLICY = {"GRADER": [{"type": "Homework", "min_count": 1, "drop_count": 0, "weight": 0.5},
                     {"type": "Final Exam", "min_count": 1, "drop_count": 0, "weight": 0.5}],
          "GRADE_CUTOFFS": {"Pass": 0.5}}


def olx(*blocks: str) -> str:
    return (f'<course url_name="2026" display_name="Sync course"><chapter url_name="c"><sequential url_name="s">'
            f'<vertical url_name="u"><html url_name="h"><p>x</p></html>{"".join(blocks)}</vertical>'
            f'</sequential></chapter></course>')


COMPLETION = ('<credential url_name="done" display_name="Completion" level="completion" min_completion="90" '
              'allowed_modes=\'["verified"]\' available_from="2026-01-02"/>')
ACHIEVEMENT = ('<credential url_name="ace" display_name="Achievement" level="achievement" min_grade="80" '
               'min_type_grades=\'{"Final Exam": "75"}\'/>')
UNKNOWN_TYPE = '<credential url_name="bad" display_name="Bad" min_type_grades=\'{"Lab": "50"}\'/>'
NO_RULE = '<credential url_name="empty" display_name="Empty"/>'


@pytest.fixture(autouse=True)
def connected():
    from credential_admin import handlers

    handlers.connect()


def test_publishing_a_course_syncs_its_valid_blocks():
    load_course(KEY, olx(COMPLETION, ACHIEVEMENT, UNKNOWN_TYPE, NO_RULE), POLICY)
    rows = {c.usage_key.rsplit("@", 1)[1]: c for c in CredentialConfig.objects.filter(course_key=KEY)}
    assert set(rows) == {"done", "ace"}
    done, ace = rows["done"], rows["ace"]
    assert (done.level, done.criteria) == ("completion",
                                           {"min_completion": "90", "min_grade": None, "min_type_grades": {}})
    assert done.allowed_modes == ["verified"] and done.available_from.isoformat() == "2026-01-02T00:00:00+00:00"
    assert ace.criteria == {"min_completion": None, "min_grade": "80", "min_type_grades": {"Final Exam": "75"}}
    assert done.is_published and ace.is_published
    assert AuditLog.objects.filter(action="config_created").count() == 2


def test_sync_reports_invalid_blocks_and_unpublishes_removed_ones():
    load_course(KEY, olx(COMPLETION, ACHIEVEMENT), POLICY)
    load_course(KEY, olx(COMPLETION, UNKNOWN_TYPE, NO_RULE), POLICY)
    result = configs.sync_course(KEY)  # again, to read the result (the publish already synced)
    assert result.created == result.updated == result.unpublished == []
    assert set(result.invalid) == {f"block-v1:Sync+S1+2026+type@credential+block@{n}" for n in ("bad", "empty")}
    assert '"Lab" is not an assignment type' in result.invalid["block-v1:Sync+S1+2026+type@credential+block@bad"]
    assert "Set at least one rule" in result.invalid["block-v1:Sync+S1+2026+type@credential+block@empty"]
    ace = CredentialConfig.objects.get(usage_key__endswith="@ace")
    assert not ace.is_published
    assert AuditLog.objects.filter(config=ace, action="config_unpublished").count() == 1


def test_changed_rule_updates_the_configuration_once():
    load_course(KEY, olx(COMPLETION), POLICY)
    load_course(KEY, olx(COMPLETION.replace('min_completion="90"', 'min_completion="95.5"')), POLICY)
    done = CredentialConfig.objects.get()
    assert done.criteria["min_completion"] == "95.5"
    assert list(AuditLog.objects.filter(config=done).values_list("action", flat=True).order_by("id")) == [
        "config_created", "config_updated"]
    assert configs.sync_course(KEY).updated == []


def test_sync_command_and_its_bad_arguments(capsys):
    from credential_admin.standalone.signals import course_published

    course_published.disconnect(dispatch_uid="credential_admin.sync_on_publish")
    load_course(KEY, olx(COMPLETION, NO_RULE), POLICY)
    assert not CredentialConfig.objects.exists()
    call_command("sync_credential_configs", KEY)
    out, err = capsys.readouterr()
    assert f"{KEY}: 1 created, 0 updated, 0 unpublished" in out and "Set at least one rule" in err
    for bad in ("nonsense", "course-v1:No+Such+Course"):
        with pytest.raises(CommandError) as refused:
            call_command("sync_credential_configs", bad)
        assert refused.value.returncode == 2
    assert CredentialConfig.objects.count() == 1


def test_available_from_parsing():
    assert configs.parse_available_from("") is None
    assert configs.parse_available_from("2026-03-04T05:06:07Z").isoformat() == "2026-03-04T05:06:07+00:00"
    with pytest.raises(ValueError, match="is not a date"):
        configs.parse_available_from("next tuesday")


def test_first_claim_syncs_a_block_whose_publish_was_missed(isolated_issuing, make_learner):
    from credential_admin.issuing import api
    from credential_admin.standalone.signals import course_published

    course_published.disconnect(dispatch_uid="credential_admin.sync_on_publish")
    course = load_course(KEY, olx('<credential url_name="any" display_name="Any" min_grade="0"/>'), POLICY)
    learner = make_learner(course, username="zed")
    assert not CredentialConfig.objects.exists()
    state = api.claim(learner, KEY, "block-v1:Sync+S1+2026+type@credential+block@any")
    assert state.status == "issued" and CredentialConfig.objects.get().is_published


def test_grade_event_issues_only_when_auto_issue_is_on(isolated_issuing, make_learner, settings):
    from opaque_keys.edx.keys import CourseKey
    from openedx_events.learning.data import CourseData, CoursePassingStatusData, UserData, UserPersonalData
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

    from credential_admin.models import Credential

    course = load_course(KEY, olx('<credential url_name="any" display_name="Any" min_grade="0"/>'), POLICY)
    learner = make_learner(course, username="zed")
    status = CoursePassingStatusData(
        is_passing=True, course=CourseData(course_key=CourseKey.from_string(KEY)),
        user=UserData(id=learner.pk, is_active=True, pii=UserPersonalData(username="zed", email="", name="")))
    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=status)
    assert not Credential.objects.exists()
    settings.CREDENTIAL_XBLOCK_FEATURES = {"AUTO_ISSUE": True}
    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=status)
    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=status)  # sent on every recalculation
    assert list(Credential.objects.values_list("user__username", "status")) == [("zed", "issued")]
