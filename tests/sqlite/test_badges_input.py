"""Bad badge input through the standalone Studio route: an image that is not what it claims, too large, too small,
an SVG with a script or an outside reference, a section not in the course, a badge without a name. Each gets its
own message next to its field, HTTP 400, and nothing is saved or published. A good badge saves, publishes and
syncs to its configuration."""
from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

from credential_admin.demo.seed import COURSE_FOLDER, COURSE_KEY
from credential_admin.models import CredentialConfig
from credential_admin.standalone.loader import load_course_folder
from credential_admin.standalone.models import Course
from credential_admin.standalone.runtime import StandaloneRuntime
from credential_xblock.credential import CredentialBlock

pytestmark = pytest.mark.django_db
BODY = COURSE_KEY[len("course-v1:"):]
BADGE = f"block-v1:{BODY}+type@credential+block@first_steps"
HOMEWORK_1 = f"block-v1:{BODY}+type@sequential+block@homework_1"
SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">'
GOOD = {"display_name": "First steps", "level": "badge", "min_completion": "", "min_grade": "",
        "min_type_grades": [], "min_section_completion": [{"section": HOMEWORK_1, "value": "100"}],
        "template": "", "description": "", "allowed_modes": "", "available_from": "", "badge_name": "Quick start",
        "badge_description": "Finished Homework 1.", "badge_criteria": "Complete Homework 1.", "badge_image": ""}


def uri(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#1d4e89").save(out, format="PNG")
    return out.getvalue()


def svg(inner: str, head: str = SVG_HEAD) -> bytes:
    return f"{head}{inner}<circle cx='100' cy='100' r='90'/></svg>".encode()


@pytest.fixture
def course(db):
    return load_course_folder(COURSE_FOLDER)


def submit(client, staff_user, payload):
    client.force_login(staff_user)
    url = f"/courses/{COURSE_KEY}/studio/{BADGE}/handler/studio_submit/"
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def stored():
    block = StandaloneRuntime(COURSE_KEY).get_block(BADGE)
    return {name: getattr(block, name) for name in CredentialBlock.editable_fields}


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"badge_image": uri(png(200, 200), "image/svg+xml")}, "badge_image",
     "This file claims to be SVG but it is not: its content is PNG."),
    ({"badge_image": uri(b"GIF89a" + bytes(100), "image/png")}, "badge_image",
     "This file claims to be PNG but it is not: its content is neither PNG nor SVG."),
    ({"badge_image": uri(b"GIF89a" + bytes(100), "image/gif")}, "badge_image",
     "Upload a PNG or SVG image (this is image/gif)."),
    ({"badge_image": uri(png(200, 200) + bytes(300 * 1024), "image/png")}, "badge_image",
     "The image is larger than 256 KB."),
    ({"badge_image": uri(png(40, 40), "image/png")}, "badge_image",
     "The image is 40x40 pixels: each side must be from 64 to 2048 pixels."),
    ({"badge_image": uri(png(200, 200)[:-30], "image/png")}, "badge_image",
     "The PNG file is damaged and cannot be shown."),
    ({"badge_image": uri(svg("<script>alert(1)</script>"), "image/svg+xml")}, "badge_image",
     "The SVG image holds a <script> element: scripts and embedded content are not allowed in badges."),
    ({"badge_image": uri(svg("", SVG_HEAD.replace(">", " onload='alert(1)'>")), "image/svg+xml")}, "badge_image",
     'The SVG image has an event handler ("onload"): scripts are not allowed in badges.'),
    ({"badge_image": uri(svg("<image href='https://evil.example/x.png' width='9' height='9'/>"), "image/svg+xml")},
     "badge_image", 'The SVG image refers to "https://evil.example/x.png" outside the file: embed everything in '
                    "the image."),
    ({"badge_image": uri(svg("<style>@import url(https://evil.example/a.css);</style>"), "image/svg+xml")},
     "badge_image", "The SVG image imports a style sheet: embed everything in the image."),
    ({"badge_image": uri(b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]>' + svg("&x;"), "image/svg+xml")},
     "badge_image", "SVG images with a DOCTYPE or entities are not accepted."),
    ({"min_section_completion": [{"section": f"block-v1:{BODY}+type@chapter+block@nope", "value": "50"}]},
     f"min_section_completion.block-v1:{BODY}+type@chapter+block@nope",
     f'"block-v1:{BODY}+type@chapter+block@nope" is not a section or subsection of this course.'),
    ({"min_section_completion": [{"section": HOMEWORK_1, "value": "abc"}]}, f"min_section_completion.{HOMEWORK_1}",
     '"abc" is not a number: enter a percentage from 0 to 100.'),
    ({"badge_name": ""}, "badge_name", "A badge needs a name."),
])
def test_bad_badge_input_is_refused_and_nothing_is_saved(course, client, staff_user, change, field, message):
    before, published = stored(), Course.objects.get(course_key=COURSE_KEY).published
    response = submit(client, staff_user, {**GOOD, "display_name": "Changed", **change})
    assert response.status_code == 400
    assert response.json() == {"result": "error", "errors": {field: message}}
    assert stored() == before
    assert Course.objects.get(course_key=COURSE_KEY).published == published


def test_a_good_badge_saves_publishes_and_syncs(course, client, staff_user, django_capture_on_commit_callbacks):
    image = uri(svg("<title>Quick start</title>"), "image/svg+xml")
    with django_capture_on_commit_callbacks(execute=True):  # the publish signal, then the sync it queues
        response = submit(client, staff_user, {**GOOD, "badge_image": image})
    assert response.status_code == 200, response.content
    saved = stored()
    assert saved["min_section_completion"] == {HOMEWORK_1: "100"} and saved["badge_image"] == image
    config = CredentialConfig.objects.get(usage_key=BADGE)
    assert (config.level, config.badge_name, config.badge_image) == ("badge", "Quick start", image)
    assert config.criteria["min_section_completion"] == {HOMEWORK_1: "100"}


def test_a_badge_synced_with_a_section_the_course_lacks_does_not_drive_issuing(course):
    from credential_admin.configs import PublishedBlock, sync_course

    fields = {"display_name": "Ghost", "level": "badge", "badge_name": "Ghost",
              "min_section_completion": {f"block-v1:{BODY}+type@chapter+block@gone": "100"}}
    result = sync_course(COURSE_KEY, [PublishedBlock(f"block-v1:{BODY}+type@credential+block@ghost", fields)])
    assert "is not a section or subsection of this course" in result.invalid[
        f"block-v1:{BODY}+type@credential+block@ghost"]
    assert not CredentialConfig.objects.filter(usage_key__endswith="ghost", is_published=True).exists()
