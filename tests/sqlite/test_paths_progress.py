"""Path progress in the Credential block and the learner API, on the demo's Data Science path: under the course
checklist in every course of the path, each course linked; a path claimed from any of its courses."""
from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from credential_admin.demo.paths import MACHINE_LEARNING, PATH_KEY, STATISTICS
from credential_admin.demo.seed import COURSE_KEY
from credential_admin.models import Credential

pytestmark = pytest.mark.django_db
BLOCKS = {STATISTICS: "block-v1:Demo+STAT101+2026+type@credential+block@stat_completion",
          MACHINE_LEARNING: "block-v1:Demo+ML101+2026+type@credential+block@ml_completion",
          COURSE_KEY: "block-v1:Demo+CX101+2026+type@credential+block@completion_credential"}


@pytest.fixture
def demo(db):
    call_command("demo_setup", stdout=io.StringIO())


def handler(client, username, course_key, name, body=None):
    client.force_login(get_user_model().objects.get(username=username))
    url = f"/courses/{course_key}/xblock/{BLOCKS[course_key]}/handler/{name}/"
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_each_course_shows_the_path_progress_under_its_checklist(demo, client):
    for course_key in BLOCKS:
        data = handler(client, "ben", course_key, "progress").json()
        [path] = data["checklist"]["paths"]
        assert path["headline"] == "Data Science path: 2 of 3 courses done — Machine Learning needs 1 more unit"
        assert [(c["title"], c["done"], c["current"]) for c in path["courses"]] == [
            ("Credentials in Practice", True, course_key == COURSE_KEY), ("Statistics", True, course_key == STATISTICS),
            ("Machine Learning", False, course_key == MACHINE_LEARNING)]
        html = " ".join(data["html"].split())
        assert 'href="/courses/course-v1:Demo+STAT101+2026/"' in html and "Machine Learning needs 1 more unit" in html
    assert handler(client, "dana", COURSE_KEY, "progress").json()["checklist"]["paths"] == []  # not in the path


def test_a_path_claimed_from_any_course(demo, client, django_capture_on_commit_callbacks):
    refused = handler(client, "ben", STATISTICS, "claim", {"path_config": _config_id()})
    assert refused.status_code == 409 and "Machine Learning needs 1 more unit" in refused.json()["error"]
    with django_capture_on_commit_callbacks(execute=True):
        claimed = handler(client, "chen", STATISTICS, "claim", {"path_config": _config_id()})
    assert claimed.status_code == 200
    path = handler(client, "chen", MACHINE_LEARNING, "progress").json()["checklist"]["paths"][0]
    assert path["status"] == "issued" and path["credential"]["verify_url"].startswith("http")
    assert Credential.objects.get(user__username="chen", config__course_key=PATH_KEY).status == "issued"
    wrong = handler(client, "chen", STATISTICS, "claim", {"path_config": "999999"})
    assert wrong.status_code == 409 and "not offered in this course" in wrong.json()["error"]


def test_the_learner_api_returns_the_same_per_course(demo, client):
    client.force_login(get_user_model().objects.get(username="ben"))
    response = client.get(f"/credentials/api/v1/progress/{STATISTICS}/")
    assert response.status_code == 200
    [path] = response.json()["paths"]
    assert path["headline"] == "Data Science path: 2 of 3 courses done — Machine Learning needs 1 more unit"
    assert path["path_key"] == PATH_KEY and path["done"] == 2 and path["total"] == 3


def _config_id() -> int:
    from credential_admin.models import PathCredential

    return PathCredential.objects.get(path_key=PATH_KEY).config_id
