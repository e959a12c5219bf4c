"""The path credential admin on the demo's Data Science path: rules and their sources, overrides with the way
back, the preview (first enrolled learners, one learner searched), and bad input that saves nothing."""
from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from credential_admin.demo.paths import MACHINE_LEARNING, PATH_KEY
from credential_admin.models import CredentialConfig, PathCourseOverride, PathCredential

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    call_command("demo_setup", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def page(client, **params) -> str:
    path_config = PathCredential.objects.get(path_key=PATH_KEY)
    response = client.get(f"/admin/credential_admin/pathcredential/{path_config.pk}/change/", params)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def row(html: str, attribute: str, value: str) -> str:
    return re.search(rf'<tr {attribute}="{re.escape(value)}">(.*?)</tr>', html).group(1)


def test_the_page_shows_each_course_rule_and_who_qualifies(admin_client):
    html = page(admin_client)
    assert "Complete at least 90% of the course" in row(html, "data-course", "course-v1:Demo+CX101+2026")
    assert "course block" in row(html, "data-course", MACHINE_LEARNING)
    assert "3 learners are actively enrolled in the path; the first 50 are shown." in html
    assert "yes" in row(html, "data-learner", "chen")
    assert "Machine Learning needs 1 more unit" in row(html, "data-learner", "ben")
    searched = page(admin_client, learner="dana")
    assert "You are not enrolled in this learning path." in row(searched, "data-learner", "dana")
    assert 'No learner has the username "nobody"' in page(admin_client, learner="nobody")


def test_an_override_is_shown_as_such_and_can_be_removed(admin_client):
    path_config = PathCredential.objects.get(path_key=PATH_KEY)
    url = f"/admin/credential_admin/pathcredential/{path_config.pk}/override/"
    admin_client.post(url, {"action": "set", "course_key": MACHINE_LEARNING, "min_completion": "60"})
    html = page(admin_client)
    ml = row(html, "data-course", MACHINE_LEARNING)
    assert "Complete at least 60% of the course" in ml and "override" in ml and "Return to the block" in ml
    assert "yes" in row(html, "data-learner", "ben")  # 3 of 5 units = 60%
    admin_client.post(url, {"action": "clear", "course_key": MACHINE_LEARNING})
    assert "Complete at least 80% of the course" in row(page(admin_client), "data-course", MACHINE_LEARNING)
    assert not PathCourseOverride.objects.exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"course_key": "course-v1:Other+X+1", "min_completion": "50"}, "is not a course of the learning path"),
    ({"course_key": MACHINE_LEARNING, "min_completion": "150"}, "150 is out of range"),
    ({"course_key": MACHINE_LEARNING, "min_type_grades": "Final Exam"}, "is not a rule"),
])
def test_bad_overrides_save_nothing_and_say_why(admin_client, fields, message):
    path_config = PathCredential.objects.get(path_key=PATH_KEY)
    response = admin_client.post(f"/admin/credential_admin/pathcredential/{path_config.pk}/override/",
                                 {"action": "set", **fields}, follow=True)
    assert message in response.content.decode()
    assert not PathCourseOverride.objects.exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"path_key": "path-v1:Demo+DS"}, "is not a learning path key"),
    ({"path_key": "path-v1:Demo+NONE+2026+x"}, "No learning path has the key"),
    ({"path_key": PATH_KEY}, "already has a credential of this level"),
    ({"path_key": PATH_KEY, "level": "achievement", "min_completion": "101"}, "101 is out of range"),
    ({"path_key": PATH_KEY, "level": "achievement", "min_path_grade": "abc"}, "is not a number"),
])
def test_bad_configurations_save_nothing(admin_client, fields, message):
    before = CredentialConfig.objects.count()
    response = admin_client.post("/admin/credential_admin/pathcredential/add/",
                                 {"level": "completion", "mode": "global", **fields})
    assert response.status_code == 200 and message in response.content.decode()
    assert CredentialConfig.objects.count() == before


def test_a_path_without_courses_is_a_configuration_error_on_its_page(admin_client):
    from learning_paths.models import LearningPathStep

    LearningPathStep.objects.filter(learning_path__key=PATH_KEY).delete()
    html = page(admin_client)
    assert "Configuration error: The learning path Data Science path has no courses" in html


def test_a_new_achievement_credential_with_a_global_rule(admin_client):
    response = admin_client.post("/admin/credential_admin/pathcredential/add/", {
        "path_key": PATH_KEY, "level": "achievement", "mode": "global", "min_completion": "90",
        "min_path_grade": "80"})
    assert response.status_code == 302
    made = PathCredential.objects.get(path_key=PATH_KEY, config__level="achievement")
    assert (made.global_criteria["min_completion"], made.min_path_grade) == ("90", 80)
    assert made.config.course_key == PATH_KEY and made.config.display_name == "Data Science path"


def test_the_plugin_admin_edits_the_path_in_the_demo(admin_client):
    """learning-paths-plugin's own admin asks the platform for course keys (a fake in the standalone runtime)."""
    from learning_paths.models import LearningPath

    path = LearningPath.objects.get(key=PATH_KEY)
    for url in ("/admin/learning_paths/learningpath/add/", f"/admin/learning_paths/learningpath/{path.pk}/change/"):
        response = admin_client.get(url)
        assert response.status_code == 200 and MACHINE_LEARNING in response.content.decode()


def badge_png(side: int = 128) -> bytes:
    """A real PNG (Pillow writes it), side x side pixels."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (side, side), "#1f6feb").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_path_badge_with_its_name_criteria_and_checked_image(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("explorer.png", badge_png(), content_type="image/png")
    response = admin_client.post("/admin/credential_admin/pathcredential/add/", {
        "path_key": PATH_KEY, "level": "badge", "mode": "global", "min_completion": "80",
        "badge_name": "Path explorer", "badge_criteria": "Complete 80% of every course.", "badge_image": image})
    assert response.status_code == 302
    config = PathCredential.objects.get(path_key=PATH_KEY, config__level="badge").config
    assert (config.badge_name, config.badge_criteria) == ("Path explorer", "Complete 80% of every course.")
    assert config.badge_image.startswith("data:image/png;base64,")


def test_a_path_badge_image_that_is_not_what_it_claims_saves_nothing(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = CredentialConfig.objects.count()
    fake = SimpleUploadedFile("explorer.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/png")
    response = admin_client.post("/admin/credential_admin/pathcredential/add/", {
        "path_key": PATH_KEY, "level": "badge", "mode": "global", "min_completion": "80", "badge_image": fake})
    assert response.status_code == 200
    assert "This file claims to be PNG but it is not" in response.content.decode()
    assert CredentialConfig.objects.count() == before
