"""The learner API's OpenAPI description: it validates, and every operation in it answers as described (status
code documented, body matching the documented schema) for a learner, another learner, course staff and anonymous
callers, on the demo course."""
from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from credential_admin.demo.seed import COURSE_KEY

SCHEMA_URL = "/credentials/api/schema/"
ACHIEVEMENT = "block-v1:Demo+CX101+2026+type@credential+block@achievement_credential"


@pytest.fixture
def demo(db):
    call_command("demo_setup", stdout=io.StringIO())


@pytest.fixture
def spec(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


def check(spec: dict, template: str, method: str, response) -> dict:
    """Assert the response's status is documented for the operation and its body matches that schema."""
    operation = spec["paths"][template][method]
    documented = operation["responses"]
    assert str(response.status_code) in documented, (template, method, response.status_code, response.content)
    schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    body = response.json()
    OAS31Validator({**schema, "components": spec["components"]}).validate(body)
    return body


def as_user(client, username: str | None):
    client.logout()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def test_description_validates_and_lists_every_operation(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert {(path, method) for path, item in spec["paths"].items() for method in item} == {
        ("/credentials/api/v1/credentials/", "get"),
        ("/credentials/api/v1/progress/{course_key}/", "get"),
        ("/credentials/api/v1/progress/{course_key}/claim/", "post"),
    }
    assert spec["components"]["securitySchemes"]["session"]["in"] == "cookie"


def test_description_is_served_as_yaml_too(client):
    response = client.get(SCHEMA_URL, {"format": "yaml"})
    assert response.status_code == 200 and response.content.startswith(b"openapi: 3.1.0")


CALLS = {  # operation → how to call it; {course} is filled in
    ("/credentials/api/v1/credentials/", "get"): ("get", "/credentials/api/v1/credentials/", None),
    ("/credentials/api/v1/progress/{course_key}/", "get"): ("get", "/credentials/api/v1/progress/{course}/", None),
    ("/credentials/api/v1/progress/{course_key}/claim/", "post"):
        ("post", "/credentials/api/v1/progress/{course}/claim/", {"usage_key": ACHIEVEMENT}),
}
# caller → (query, expected status) per operation: chen is the learner, dana another learner, staff course staff.
EXPECTED = {
    ("/credentials/api/v1/credentials/", "get"): {
        "chen": ({}, 200), "dana": ({"username": "chen"}, 403), "staff": ({"username": "chen"}, 200),
        None: ({}, 401)},
    ("/credentials/api/v1/progress/{course_key}/", "get"): {
        "chen": ({}, 200), "dana": ({"username": "chen"}, 403), "staff": ({"username": "chen"}, 200),
        None: ({}, 401)},
    ("/credentials/api/v1/progress/{course_key}/claim/", "post"): {
        # a claim is always the caller's own: dana is not eligible yet, staff are not enrolled
        "chen": ({}, 200), "dana": ({}, 409), "staff": ({}, 409), None: ({}, 401)},
}


@pytest.mark.parametrize("caller", ["chen", "dana", "staff", None])
def test_every_operation_answers_as_described(demo, client, spec, caller, django_capture_on_commit_callbacks):
    assert set(CALLS) == {(path, method) for path, item in spec["paths"].items() for method in item}
    for operation, (method, url, data) in CALLS.items():
        query, status = EXPECTED[operation][caller]
        url = url.format(course=COURSE_KEY)
        if query:
            url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        with django_capture_on_commit_callbacks(execute=True):
            if method == "post":
                response = as_user(client, caller).post(url, data=data, content_type="application/json")
            else:
                response = as_user(client, caller).get(url)
        assert response.status_code == status, (operation, caller, response.content)
        check(spec, *operation, response)


def test_progress_is_the_blocks_checklist(demo, client, spec):
    """The API's checklist for dana equals what the block's own progress handler renders for her."""
    as_user(client, "dana")
    block = client.post(f"/courses/{COURSE_KEY}/xblock/{ACHIEVEMENT}/handler/progress/", data="{}",
                        content_type="application/json").json()["checklist"]
    body = check(spec, "/credentials/api/v1/progress/{course_key}/", "get",
                 client.get(f"/credentials/api/v1/progress/{COURSE_KEY}/"))
    assert body["course_key"] == COURSE_KEY and body["paths"] == []
    by_block = {entry["usage_key"]: entry for entry in body["credentials"]}
    assert by_block[ACHIEVEMENT]["level"] == "achievement"
    # The block adds the paths of its level; the API lists paths once per course, every level.
    assert by_block[ACHIEVEMENT]["checklist"] == {key: value for key, value in block.items() if key != "paths"}
    assert block["paths"] == [path for path in body["paths"] if path["level"] == "achievement"]
    assert block["status"] == "in_progress" and not block["eligible"]
    final = next(rule for rule in block["rules"] if rule["assignment_type"] == "Final Exam")
    assert (final["met"], final["current"], final["remaining"]) == (False, 70, 5)  # the seed: 5 points short of 75


def test_claim_issues_and_lists_with_links(demo, client, spec, django_capture_on_commit_callbacks):
    as_user(client, "chen")
    with django_capture_on_commit_callbacks(execute=True):
        claimed = client.post(f"/credentials/api/v1/progress/{COURSE_KEY}/claim/", data={"usage_key": ACHIEVEMENT},
                              content_type="application/json")
    assert check(spec, "/credentials/api/v1/progress/{course_key}/claim/", "post", claimed)["usage_key"] == ACHIEVEMENT
    progress = client.get(f"/credentials/api/v1/progress/{COURSE_KEY}/").json()
    issued = {entry["usage_key"]: entry["checklist"] for entry in progress["credentials"]}[ACHIEVEMENT]
    assert issued["status"] == "issued"
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/credentials/download/[\w-]+/", issued["credential"]["download_url"])
    listed = client.get("/credentials/api/v1/credentials/").json()
    certificates = [row for row in listed["results"] if row["badge"] is None]  # chen also holds the demo's badges
    assert len(certificates) == 1 and certificates[0]["status"] == "issued"
    assert certificates[0]["download_url"] == issued["credential"]["download_url"]
    download = client.get(issued["credential"]["download_url"].replace("http://127.0.0.1:8000", ""))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(("url", "data", "status", "detail"), [
    ("/credentials/api/v1/progress/not-a-course/", None, 400, '"not-a-course" is not a course key.'),
    ("/credentials/api/v1/progress/{course}/claim/", "{", 400, None),
    ("/credentials/api/v1/progress/{course}/claim/", "[]", 400,
     'Send {"usage_key": "<the Credential block>"} as JSON.'),
    ("/credentials/api/v1/progress/{course}/claim/", '{"usage_key": "block-v1:Other+X+1+type@credential+block@x"}',
     404, "This course has no such credential."),
    ("/credentials/api/v1/progress/{course}/?username=nobody", None, 404, "No such learner."),
])
def test_bad_requests_get_clear_errors(demo, client, url, data, status, detail):
    as_user(client, "staff" if "username" in url else "chen")
    url = url.format(course=COURSE_KEY)
    response = (client.post(url, data=data, content_type="application/json") if data is not None
                else client.get(url))
    assert response.status_code == status
    assert set(response.json()) == {"detail"}
    if detail:
        assert response.json()["detail"] == detail


def test_course_without_credentials_is_quiet(demo, client):
    as_user(client, "chen")
    body = client.get("/credentials/api/v1/progress/course-v1:Nothing+Here+2026/").json()
    assert body == {"course_key": "course-v1:Nothing+Here+2026", "credentials": [], "paths": []}


def test_unsafe_methods_need_the_csrf_token(demo):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="chen"))
    response = client.post(f"/credentials/api/v1/progress/{COURSE_KEY}/claim/", data={"usage_key": ACHIEVEMENT},
                           content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_course_staff_of_one_course_see_its_learners_only(demo, client, spec, django_capture_on_commit_callbacks):
    """A member of the course's staff (not global staff): chen's progress and credentials in that course, nothing
    of another course."""
    from credential_admin.standalone.models import Course

    as_user(client, "chen")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/credentials/api/v1/progress/{COURSE_KEY}/claim/", data={"usage_key": ACHIEVEMENT},
                    content_type="application/json")
    teacher = get_user_model().objects.create_user("teacher", "teacher@example.com")
    Course.objects.get(course_key=COURSE_KEY).staff.add(teacher)
    as_user(client, "teacher")
    progress = check(spec, "/credentials/api/v1/progress/{course_key}/", "get",
                     client.get(f"/credentials/api/v1/progress/{COURSE_KEY}/", {"username": "chen"}))
    assert {entry["usage_key"]: entry["checklist"]["status"] for entry in progress["credentials"]}[ACHIEVEMENT] == \
        "issued"
    listed = check(spec, "/credentials/api/v1/credentials/", "get",
                   client.get("/credentials/api/v1/credentials/", {"username": "chen"}))
    assert {row["course_key"] for row in listed["results"]} == {COURSE_KEY}
    other = client.get("/credentials/api/v1/progress/course-v1:Other+X+2026/", {"username": "chen"})
    assert other.status_code == 403
    assert check(spec, "/credentials/api/v1/progress/{course_key}/", "get", other) == {
        "detail": "Only staff may see another learner's credentials."}
