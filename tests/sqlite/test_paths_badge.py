"""A Learning Path badge: a path configuration of the Badge level is issued through the same pipeline as a course
badge, as a baked PNG carrying the signed credential (Open Badges 3.0 baking), with the path's courses."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from credential_admin.badges.baking import extract
from credential_admin.models import Credential
from credential_admin.paths import configs as path_configs
from tests.paths_support import enroll, enroll_path, make_course, make_path, make_user, progress
from tests.sqlite.test_paths_rules import PATH, block

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]
KEYS = [f"course-v1:Demo+B{i}+2026" for i in (1, 2)]
TITLES = ["Statistics", "Machine Learning"]


def test_a_path_badge_is_issued_as_a_baked_image_only_at_the_threshold(django_capture_on_commit_callbacks,
                                                                        stored_bytes):
    with django_capture_on_commit_callbacks(execute=True):
        courses = [make_course(key, title, 10, block("80")) for key, title in zip(KEYS, TITLES, strict=True)]
    path = make_path(PATH, "Data Science path", KEYS)
    config = path_configs.create(PATH, "badge", global_criteria={"min_completion": "80"},
                                 badge_name="Path explorer", badge_criteria="Complete 80% of every course.").config
    at, below = (make_user(name, name.title()) for name in ("atla", "belo"))
    for user, units in ((at, (8, 8)), (below, (8, 7))):
        enroll(user, courses)
        for course, done in zip(courses, units, strict=True):
            progress(user, course, done)
    enroll_path(path, [at, below])

    call_command("issue_credentials", "--path", PATH, stdout=io.StringIO(), stderr=io.StringIO())

    issued = Credential.objects.get(config=config)
    assert issued.user == at and issued.status == "issued"
    assert not Credential.objects.filter(user=below).exists()
    data = stored_bytes(issued)
    assert issued.storage_key.endswith(".png") and data.startswith(b"\x89PNG\r\n\x1a\n")
    document = json.loads(extract(data))
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Badge" and achievement["name"] == "Path explorer"
    assert achievement["criteria"]["narrative"] == "Complete 80% of every course."
    assert [a["targetName"] for a in achievement.get("alignment", [])] == TITLES
