"""The standalone runtime: OLX loading, ids, services, grade and completion events, the load_course command."""
import shutil
from io import StringIO

import pytest
from completion.models import BlockCompletion
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from opaque_keys.edx.keys import UsageKey
from opaque_keys.edx.locator import BlockUsageLocator
from xblock.core import XBlock
from xblock.fields import Scope, ScopeIds, String

from credential_admin.standalone.loader import load_course, load_course_folder
from credential_admin.standalone.models import BlockState, Course, Score
from credential_admin.standalone.runtime import LoadError, StandaloneRuntime
from credential_admin.standalone.signals import course_published

from .conftest import COURSES

pytestmark = pytest.mark.django_db


def test_usage_ids_are_block_usage_locators_of_the_course(demo_course, make_learner):
    runtime = StandaloneRuntime(demo_course.course_key, make_learner(demo_course))
    block = runtime.get_block("block-v1:Demo+CRED101+2026+type@problem+block@hw1_q1")
    assert isinstance(block.scope_ids.usage_id, BlockUsageLocator)
    assert str(block.scope_ids.usage_id.context_key) == "course-v1:Demo+CRED101+2026"
    assert block.location == block.scope_ids.usage_id
    assert block.weight == 2.0
    assert block.get_parent().scope_ids.block_type == "vertical"


def test_user_service_is_the_logged_in_learner(demo_course, make_learner, staff_user):
    alice = make_learner(demo_course, "alice", name="Alice Émilie Dupont")
    block = StandaloneRuntime(demo_course.course_key, alice).get_block(demo_course.structure["root"])
    user = block.runtime.service_for("user").get_current_user()
    assert user.full_name == "Alice Émilie Dupont"
    assert user.emails == ["alice@example.com"]
    assert user.opt_attrs["edx-platform.user_id"] == alice.pk
    assert user.opt_attrs["edx-platform.username"] == "alice"
    assert user.opt_attrs["edx-platform.is_authenticated"] is True
    assert user.opt_attrs["edx-platform.user_is_staff"] is False
    staff = StandaloneRuntime(demo_course.course_key, staff_user).service_for("user").get_current_user()
    assert staff.opt_attrs["edx-platform.user_is_staff"] is True
    nobody = StandaloneRuntime(demo_course.course_key).service_for("user").get_current_user()
    assert nobody.opt_attrs["edx-platform.is_authenticated"] is False
    assert StandaloneRuntime(demo_course.course_key).service_for("completion") is None


def test_grade_events_feed_the_grade_store_and_complete_the_problem(demo_course, make_learner):
    alice = make_learner(demo_course, "alice")
    runtime = StandaloneRuntime(demo_course.course_key, alice)
    block = runtime.get_block("block-v1:Demo+CRED101+2026+type@problem+block@hw1_q1")
    runtime.publish(block, "grade", {"value": 1.5, "max_value": 2})
    score = Score.objects.get(user=alice)
    assert (score.block_key, score.earned, score.possible) == (str(block.location), 1.5, 2.0)
    completion = BlockCompletion.objects.get(user=alice)
    assert (completion.block_key, completion.completion) == (block.location, 1.0)
    with pytest.raises(ValueError, match="0 <= value <= max_value"):
        runtime.publish(block, "grade", {"value": 3, "max_value": 2})
    assert Score.objects.get(user=alice).earned == 1.5


def test_completion_events_and_view_marking(demo_course, make_learner):
    alice = make_learner(demo_course, "alice")
    runtime = StandaloneRuntime(demo_course.course_key, alice)
    html = runtime.get_block("block-v1:Demo+CRED101+2026+type@html+block@intro")
    problem = runtime.get_block("block-v1:Demo+CRED101+2026+type@problem+block@hw1_q1")
    # Problems are scored, so viewing does not complete them (edx-completion's rule); html completes on view.
    assert runtime.mark_viewed([html, problem]) == [html.location]
    assert runtime.mark_viewed([html]) == []  # already complete
    runtime.publish(problem, "completion", {"completion": 0.5})
    assert BlockCompletion.objects.get(user=alice, block_key=problem.location).completion == 0.5
    with pytest.raises(ValueError, match=r"0\.0 to 1\.0"):
        runtime.publish(problem, "completion", {"completion": 2})


def test_reload_is_idempotent_and_keeps_learner_state(demo_course, make_learner):
    alice = make_learner(demo_course, "alice")
    runtime = StandaloneRuntime(demo_course.course_key, alice)
    problem = runtime.get_block("block-v1:Demo+CRED101+2026+type@problem+block@hw1_q1")
    problem.attempts = 3
    problem.save()
    rows = BlockState.objects.count()
    reloaded = load_course_folder(COURSES / "demo")
    assert reloaded.pk == demo_course.pk
    assert reloaded.structure == demo_course.structure
    assert BlockState.objects.count() == rows
    again = StandaloneRuntime(demo_course.course_key, alice).get_block(problem.location)
    assert again.attempts == 3


def test_course_published_is_sent_after_commit(db, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, course_key, **kwargs):
        received.append(course_key)

    course_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            load_course_folder(COURSES / "demo")
    finally:
        course_published.disconnect(receiver)
    assert received == ["course-v1:Demo+CRED101+2026"]


@pytest.mark.parametrize("olx, message", [
    ("<course><chapter/>", "not well-formed"),
    ('<course url_name="r"><chapter display_name="no id"/></course>', "has no url_name"),
    ('<course url_name="r"><chapter url_name="a"/><chapter url_name="a"/></course>', "share url_name 'a'"),
    ('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><course url_name="r">&e;</course>', "DOCTYPE"),
])
def test_bad_olx_is_refused_and_changes_nothing(demo_course, olx, message):
    before = Course.objects.get().structure, BlockState.objects.count()
    with pytest.raises(LoadError, match=message):
        load_course(demo_course.course_key, olx, demo_course.grading_policy)
    assert (Course.objects.get().structure, BlockState.objects.count()) == before


def test_bad_grading_policy_and_course_key(db):
    with pytest.raises(LoadError, match="Grading policy: GRADER must be a list"):
        load_course("course-v1:A+B+C", '<course url_name="C"/>', {"GRADER": "x"})
    with pytest.raises(LoadError, match="is not a course key"):
        load_course("not a key", '<course url_name="C"/>', {})
    assert not Course.objects.exists()


def test_export_layout_pointers_are_followed(tmp_path, db):
    (tmp_path / "chapter").mkdir()
    (tmp_path / "course").mkdir()
    (tmp_path / "course.xml").write_text('<course url_name="R1" org="Org" course="Split"/>')
    (tmp_path / "course" / "R1.xml").write_text('<course display_name="Split course"><chapter url_name="c1"/></course>')
    (tmp_path / "chapter" / "c1.xml").write_text(
        '<chapter display_name="One"><sequential url_name="s1"><vertical url_name="v1">'
        '<html url_name="h1"><p>Hi</p></html></vertical></sequential></chapter>')
    (tmp_path / "policies" / "R1").mkdir(parents=True)
    (tmp_path / "policies" / "R1" / "grading_policy.json").write_text('{"GRADER": [], "GRADE_CUTOFFS": {"Pass": 0.5}}')
    course = load_course_folder(tmp_path)
    assert (course.course_key, course.title) == ("course-v1:Org+Split+R1", "Split course")
    assert course.structure["chapters"][0]["title"] == "One"


def test_manage_py_help_lists_load_course():
    assert get_commands()["load_course"] == "credential_admin"


def test_load_course_command(db, tmp_path):
    out = StringIO()
    call_command("load_course", str(COURSES / "demo"), stdout=out)
    assert "Loaded course-v1:Demo+CRED101+2026 (Credentials 101): 4 units." in out.getvalue()
    call_command("load_course", str(COURSES / "demo"), "--course-key", "course-v1:Other+CRED101+2027", stdout=out)
    assert set(Course.objects.values_list("course_key", flat=True)) == {
        "course-v1:Demo+CRED101+2026", "course-v1:Other+CRED101+2027"}
    shutil.copytree(COURSES / "demo", tmp_path / "broken")
    (tmp_path / "broken" / "grading_policy.json").write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON") as error:
        call_command("load_course", str(tmp_path / "broken"))
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match=r"has no course\.xml"):
        call_command("load_course", str(tmp_path / "nowhere"))


def test_user_wide_and_type_wide_fields_persist(demo_course, make_learner):
    class Prefs(XBlock):
        theme = String(scope=Scope.preferences, default="")
        locale = String(scope=Scope.user_info, default="")

    alice = make_learner(demo_course, "alice")
    usage = UsageKey.from_string("block-v1:Demo+CRED101+2026+type@prefs+block@p")
    ids = ScopeIds(alice.pk, "prefs", usage, usage)
    block = StandaloneRuntime(demo_course.course_key, alice).construct_xblock_from_class(Prefs, ids)
    block.theme, block.locale = "dark", "fr"
    block.save()
    fresh = StandaloneRuntime(demo_course.course_key, alice).construct_xblock_from_class(Prefs, ids)
    assert (fresh.theme, fresh.locale) == ("dark", "fr")
    # Not rows of the course: preferences are per block type, user_info per user.
    assert set(BlockState.objects.filter(user_id=alice.pk).values_list("scope", "course_key")) == {
        ("preferences", ""), ("user_info", "")}


def test_handler_urls_with_and_without_suffix(demo_course, make_learner):
    block = StandaloneRuntime(demo_course.course_key, make_learner(demo_course)).get_block(
        "block-v1:Demo+CRED101+2026+type@problem+block@hw1_q1")
    base = f"/courses/{demo_course.course_key}/xblock/{block.scope_ids.usage_id}/handler/submit/"
    assert block.runtime.handler_url(block, "submit") == base
    assert block.runtime.handler_url(block, "submit", "/part", "a=1") == f"{base}part?a=1"
