"""The standalone pages: learner switcher, course navigation, units, handlers, complete-on-view, Studio."""
import json

import pytest
from completion.models import BlockCompletion
from django.test import Client

from credential_admin.backends.standalone import StandaloneBackend
from credential_admin.standalone.models import Course, Enrollment, Score
from credential_admin.standalone.signals import course_published

pytestmark = pytest.mark.django_db

COURSE = "course-v1:Demo+CRED101+2026"
UNIT = f"/courses/{COURSE}/units/block-v1:Demo+CRED101+2026+type@vertical+block@u_intro/"
Q1 = "block-v1:Demo+CRED101+2026+type@problem+block@hw1_q1"
HANDLER = f"/courses/{COURSE}/xblock/{Q1}/handler/submit/"
STUDIO = f"/courses/{COURSE}/studio/{Q1}/"


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_index_lists_courses_and_switches_learners(demo_course, make_learner):
    make_learner(demo_course, "alice")
    client = Client()
    page = client.get("/").content.decode()
    assert "Credentials 101" in page and 'value="alice"' in page
    assert client.post("/switch-user/", {"username": "alice"}).status_code == 302
    assert "Logged in as alice" in client.get("/").content.decode()
    response = client.post("/switch-user/", {"username": "mallory"}, follow=True)
    assert "There is no active user named" in response.content.decode()
    assert client.post("/logout/").status_code == 302
    assert "Not logged in" in client.get("/").content.decode()


def test_course_page_renders_navigation_and_the_unit(demo_course, make_learner):
    client = Client()
    client.force_login(make_learner(demo_course, "alice"))
    response = client.get(f"/courses/{COURSE}/")
    assert response.status_code == 302 and response.url == UNIT
    page = client.get(UNIT).content.decode()
    for text in ("Week 1", "Homework 1", "(Homework)", "Introduction", "Numbers", "Final Exam", "What is 2 + 2?"):
        assert text in page
    assert 'aria-current="page"' in page
    assert f'data-handler-base="/courses/{COURSE}/xblock/"' in page
    assert "csrftoken" in response.cookies or "csrftoken" in client.cookies


def test_unknown_course_unit_or_block_is_404(demo_course, make_learner):
    client = Client()
    client.force_login(make_learner(demo_course, "alice"))
    assert client.get("/courses/course-v1:No+Such+Course/").status_code == 404
    assert client.get(f"/courses/{COURSE}/units/not-a-key/").status_code == 404
    assert post_json(client, f"/courses/{COURSE}/xblock/garbage/handler/submit/", {}).status_code == 404
    assert post_json(client, f"/courses/{COURSE}/xblock/{Q1}/handler/no_such_handler/", {}).status_code == 404


def test_problem_submission_through_the_handler(demo_course, make_learner):
    alice = make_learner(demo_course, "alice")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(UNIT)  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    assert client.post(HANDLER, "{}", content_type="application/json").status_code == 403  # no CSRF token
    response = client.post(HANDLER, json.dumps({"answer": "0"}), content_type="application/json",
                           HTTP_X_CSRFTOKEN=token)
    assert response.json() == {"ok": True, "correct": True, "earned": 2.0, "possible": 2.0, "message": "Score: 2 / 2"}
    assert Score.objects.get(user=alice).earned == 2.0
    assert BlockCompletion.objects.get(user=alice).completion == 1.0
    bad = client.post(HANDLER, json.dumps({"answer": "7"}), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert bad.json()["ok"] is False
    assert Score.objects.get(user=alice).earned == 2.0


def test_handlers_need_a_login_and_an_enrollment(demo_course, make_learner):
    client = Client()
    assert post_json(client, HANDLER, {"answer": "0"}).status_code == 403
    client.force_login(make_learner(None, "outsider"))
    assert post_json(client, HANDLER, {"answer": "0"}).status_code == 403
    assert "You are not enrolled" in client.get(UNIT).content.decode()
    client.post(f"/courses/{COURSE}/enroll/")
    assert Enrollment.objects.filter(user__username="outsider", is_active=True).exists()
    assert post_json(client, HANDLER, {"answer": "1"}).json()["correct"] is False


def test_locked_units_are_closed_to_learners(completion_course, make_learner, staff_user):
    locked = "block-v1:Demo+COMP+2026+type@vertical+block@locked_unit"
    html = "block-v1:Demo+COMP+2026+type@html+block@locked_html"
    client = Client()
    client.force_login(make_learner(completion_course, "alice"))
    page = client.get(f"/courses/{completion_course.course_key}/units/{locked}/").content.decode()
    assert "This unit is locked" in page and "Not open yet" not in page
    url = f"/courses/{completion_course.course_key}/units/{locked}/viewed/"
    assert post_json(client, url, {"usage_ids": [html]}).status_code == 403
    client.force_login(staff_user)
    assert "Not open yet" in client.get(f"/courses/{completion_course.course_key}/units/{locked}/").content.decode()


def test_complete_on_view_marks_only_what_may_be_marked(completion_course, make_learner):
    alice = make_learner(completion_course, "alice")
    client = Client()
    client.force_login(alice)
    key = completion_course.course_key
    unit = "block-v1:Demo+COMP+2026+type@vertical+block@mixed"
    wanted = [f"block-v1:Demo+COMP+2026+type@{kind}" for kind in (
        "html+block@intro_html", "problem+block@mixed_problem", "html+block@extra_html",
        "html+block@plain_html")]
    response = post_json(client, f"/courses/{key}/units/{unit}/viewed/", {"usage_ids": wanted})
    # intro_html completes on view; the problem is scored (completes on submission); extra_html sits in an Optional
    # (EXCLUDED) wrapper, which edx-completion does not walk into; plain_html is in another unit.
    assert response.json() == {"completed": [wanted[0]], "unit_complete": False}  # its problem is still open
    assert post_json(client, f"/courses/{key}/units/{unit}/viewed/", "not an object").status_code == 400


def test_viewing_the_last_required_block_completes_the_unit_and_says_so(completion_course, make_learner):
    client = Client()
    client.force_login(make_learner(completion_course, "alice"))
    key = completion_course.course_key
    unit = "block-v1:Demo+COMP+2026+type@vertical+block@with_credential"
    page = client.get(f"/courses/{key}/units/{unit}/").content.decode()
    assert "Text and video count as viewed once they have been on screen for 5 seconds" in page
    assert 'data-role="unit-status"' in page and 'data-role="current-unit"' in page
    response = post_json(client, f"/courses/{key}/units/{unit}/viewed/",
                         {"usage_ids": ["block-v1:Demo+COMP+2026+type@html+block@plain_html"]})
    assert response.json() == {"completed": ["block-v1:Demo+COMP+2026+type@html+block@plain_html"],
                               "unit_complete": True}


def test_studio_is_staff_only_and_a_save_publishes(demo_course, make_learner, staff_user,
                                                    django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(make_learner(demo_course, "alice"))
    assert client.get(STUDIO).status_code == 404
    client.force_login(staff_user)
    page = client.get(STUDIO).content.decode()
    assert "Edit Question 1" in page and 'data-handler-base="/courses/' in page
    url = f"{STUDIO}handler/submit_studio_edits/"
    published = []

    def listen(sender, course_key, **kwargs):
        published.append(course_key)

    course_published.connect(listen, dispatch_uid="test.listen")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post_json(client, url, {"values": {"weight": 5, "display_name": "Question one"},
                                               "defaults": []})
    finally:
        course_published.disconnect(dispatch_uid="test.listen")
    assert response.json() == {"result": "success"}
    assert published == [demo_course.course_key]  # sent once, after the save committed
    problems = Course.objects.get().structure["chapters"][0]["sequentials"][0]["problems"]
    assert problems[Q1] == 5.0
    bad = post_json(client, url, {"values": {"weight": "heavy"}, "defaults": []})
    assert bad.status_code == 400
    assert Course.objects.get().structure["chapters"][0]["sequentials"][0]["problems"][Q1] == 5.0


def test_staff_see_edit_links(demo_course, staff_user):
    client = Client()
    client.force_login(staff_user)
    assert f'href="{STUDIO}"' in client.get(UNIT).content.decode()


def test_problems_inside_optional_content_still_grade(completion_course, make_learner):
    alice = make_learner(completion_course, "alice")
    client = Client()
    client.force_login(alice)
    problem = "block-v1:Demo+COMP+2026+type@problem+block@extra_problem"
    url = f"/courses/{completion_course.course_key}/xblock/{problem}/handler/submit/"
    assert post_json(client, url, {"answer": "0"}).json()["correct"] is True
    assert Score.objects.get(user=alice).block_key == problem
    # The grade counts (Homework: the mixed unit's two problems, 1 of 2 answered → 50%), completion does not:
    # extra_problem sits in the Optional wrapper, outside every unit's counted blocks.
    (record,) = StandaloneBackend().records(completion_course.course_key, [alice.pk])
    assert record.type_percents == {"Homework": 0.5}
    assert record.completed_units == 0
