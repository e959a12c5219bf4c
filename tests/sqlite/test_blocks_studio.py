"""Studio editing of the Credential block through the standalone runtime's Studio route: every bad value gets a
specific message next to its field, nothing is saved or published, never a 500; a good save is stored and
published. Also: OLX export then import into a rerun keeps every field under the rerun's own keys."""
from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from credential_admin.demo.seed import COURSE_KEY
from credential_admin.standalone.loader import load_course
from credential_admin.standalone.models import Course
from credential_admin.standalone.runtime import StandaloneRuntime
from credential_xblock.credential import CredentialBlock

pytestmark = pytest.mark.django_db
ACHIEVEMENT = f"block-v1:{COURSE_KEY[len('course-v1:'):]}+type@credential+block@achievement_credential"
GOOD = {"display_name": "Certificate of Achievement", "level": "achievement", "min_completion": "",
        "min_grade": "80", "min_type_grades": [{"type": "Final Exam", "value": "75"}], "template": "",
        "description": "", "allowed_modes": "", "available_from": ""}


def submit(client, staff_user, payload):
    client.force_login(staff_user)
    url = f"/courses/{COURSE_KEY}/studio/{ACHIEVEMENT}/handler/studio_submit/"
    body = payload if isinstance(payload, bytes) else json.dumps(payload)
    return client.post(url, data=body, content_type="application/json")


def stored(course_key=COURSE_KEY, usage=ACHIEVEMENT):
    block = StandaloneRuntime(course_key).get_block(usage)
    return {name: getattr(block, name) for name in CredentialBlock.editable_fields}


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"min_grade": "abc"}, "min_grade", '"abc" is not a number: enter a percentage from 0 to 100.'),
    ({"min_grade": "-5"}, "min_grade", "-5 is out of range: enter a percentage from 0 to 100."),
    ({"min_grade": "150"}, "min_grade", "150 is out of range: enter a percentage from 0 to 100."),
    ({"min_grade": "", "min_type_grades": []}, "criteria",
     "Set at least one rule: completion, overall grade or an assignment type grade."),
    ({"min_type_grades": [{"type": "Quiz", "value": "50"}]}, "min_type_grades.Quiz",
     '"Quiz" is not an assignment type of this course\'s grading policy (known types: Final Exam, Homework).'),
])
def test_bad_studio_input_is_refused_field_by_field(course, client, staff_user, change, field, message):
    before, published = stored(), Course.objects.get(course_key=COURSE_KEY).published
    response = submit(client, staff_user, {**GOOD, "display_name": "Changed", **change})
    assert response.status_code == 400
    assert response.json() == {"result": "error", "errors": {field: message}}
    assert stored() == before  # nothing saved, not even the valid display name
    assert Course.objects.get(course_key=COURSE_KEY).published == published  # and nothing published


def test_garbage_body_is_a_400(course, client, staff_user):
    assert submit(client, staff_user, b"\x00not json").status_code == 400
    assert submit(client, staff_user, [1, 2]).status_code == 400


def test_good_input_is_saved_and_published(course, client, staff_user):
    response = submit(client, staff_user, {**GOOD, "min_grade": "82.5", "allowed_modes": "verified, honor",
                                           "available_from": "2026-12-01"})
    assert (response.status_code, response.json()) == (200, {"result": "success"})
    assert stored()["min_grade"] == "82.5"
    assert stored()["allowed_modes"] == ["verified", "honor"]
    assert stored()["min_type_grades"] == {"Final Exam": "75"}


HTML_INTRO = f"block-v1:{COURSE_KEY[len('course-v1:'):]}+type@html+block@welcome_text"


@pytest.mark.parametrize("route", ["studio", "xblock"])
def test_learners_cannot_reach_the_studio_handlers(course, client, django_user_model, route):
    """Neither Studio's route nor the learner's: an enrolled learner changes no rule and no content (403 or 404)."""
    from credential_admin.standalone.models import Enrollment

    learner = django_user_model.objects.create_user("learner")
    Enrollment.objects.create(user=learner, course=course, mode="verified")
    client.force_login(learner)
    before_html = StandaloneRuntime(COURSE_KEY).get_block(HTML_INTRO).content
    url = f"/courses/{COURSE_KEY}/{route}/{ACHIEVEMENT}/handler/studio_submit/"
    response = client.post(url, data=json.dumps({**GOOD, "min_grade": "1"}), content_type="application/json")
    assert response.status_code == (404 if route == "studio" else 403)
    edits = {"values": {"content": "<img src=x onerror=alert(1)>"}, "defaults": []}
    url = f"/courses/{COURSE_KEY}/{route}/{HTML_INTRO}/handler/submit_studio_edits/"
    response = client.post(url, data=json.dumps(edits), content_type="application/json")
    assert response.status_code == (404 if route == "studio" else 403)
    assert stored()["min_grade"] == "80"
    assert StandaloneRuntime(COURSE_KEY).get_block(HTML_INTRO).content == before_html


def test_course_staff_edit_in_studio_and_other_staff_do_not(course, client, django_user_model):
    """Course-staff membership, not global staff only, opens Studio; a learner's runtime says user_is_staff."""
    member, outsider = (django_user_model.objects.create_user(name) for name in ("member", "outsider"))
    course.staff.add(member)
    assert submit(client, outsider, {**GOOD, "min_grade": "82"}).status_code == 404
    assert stored()["min_grade"] == "80"
    assert submit(client, member, {**GOOD, "min_grade": "82"}).status_code == 200
    assert stored()["min_grade"] == "82"
    attrs = StandaloneRuntime(COURSE_KEY, member).service_for("user").get_current_user().opt_attrs
    assert (attrs["edx-platform.user_is_staff"], attrs["edx-platform.user_is_global_staff"]) == (True, False)


def test_the_learner_runtime_cannot_write_author_fields(course, django_user_model):
    """As LmsFieldData: a learner's runtime saves user state but refuses author scopes."""
    from xblock.exceptions import InvalidScopeError

    learner = django_user_model.objects.create_user("learner")
    block = StandaloneRuntime(COURSE_KEY, learner).get_block(ACHIEVEMENT)
    block.min_grade = "1"
    with pytest.raises(InvalidScopeError):
        block.save()
    assert stored()["min_grade"] == "80"


def test_studio_editor_labels_every_field(course, client, staff_user):
    client.force_login(staff_user)
    html = client.get(f"/courses/{COURSE_KEY}/studio/{ACHIEVEMENT}/").content.decode()
    for name in ("display_name", "level", "min_completion", "min_grade", "template", "description",
                 "allowed_modes", "available_from"):
        [input_id] = re.findall(rf'id="(cx-[^"]*-{name})" name="{name}"', html)
        assert f'<label for="{input_id}">' in html, name
        assert f'data-error-for="{name}"' in html, name
    assert "This course grades: Final Exam, Homework." in html


def test_olx_export_and_import_into_a_rerun_keeps_the_fields_under_new_keys(course):
    node = etree.Element("credential", url_name="achievement_credential")  # the platform's exporter adds url_name
    StandaloneRuntime(COURSE_KEY).get_block(ACHIEVEMENT).add_xml_to_node(node)
    exported = etree.tostring(node, encoding="unicode")
    assert 'min_type_grades="{' in exported and 'level="achievement"' in exported
    olx = (f'<course url_name="2027" display_name="Rerun"><chapter url_name="c" display_name="C">'
           f'<sequential url_name="s" display_name="S"><vertical url_name="v" display_name="V">{exported}'
           f'</vertical></sequential></chapter></course>')
    rerun = load_course("course-v1:Demo+CX101+2027", olx, course.grading_policy)
    rerun_usage = "block-v1:Demo+CX101+2027+type@credential+block@achievement_credential"
    assert stored(rerun.course_key, rerun_usage) == stored()
    block = StandaloneRuntime(rerun.course_key).get_block(rerun_usage)
    assert (block.course_key, block.usage_key) == ("course-v1:Demo+CX101+2027", rerun_usage)
