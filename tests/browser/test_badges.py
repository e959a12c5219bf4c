"""Badges in headless Chromium on the demo: greyed until earned, then earned with "Download badge" and "Add to
LinkedIn"; the badge's verification page; the check of a tampered baked image.

Demo (see tests/sqlite/test_badges_baking.py): nour holds First steps (Getting started complete) but not Homework
hero (Homework 3 unanswered: 2 of 3 homework subsections complete).
"""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.storage import storages
from django.core.management import call_command

from credential_admin import conf
from credential_admin.demo.seed import COURSE_KEY
from credential_admin.models import Credential

UNIT = f"/courses/{COURSE_KEY}/units/block-v1:Demo+CX101+2026+type@vertical+block@{{}}/"
HERO = "[data-usage$='homework_hero']"
STEPS = "[data-usage$='first_steps']"


@pytest.fixture
def demo(transactional_db):
    call_command("demo_setup", stdout=io.StringIO())


def image_loaded(page, selector: str) -> bool:
    return page.locator(selector).evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_badge_is_greyed_until_earned_then_offers_download_and_linkedin(demo, page, live_server, login_as,
                                                                        artifact_path):
    login_as(page, "nour")
    page.goto(live_server.url + UNIT.format("credentials_unit"))
    hero, steps = page.locator(HERO), page.locator(STEPS)
    assert hero.locator("figure.cx-badge-locked").is_visible()
    assert "Not earned yet" in hero.inner_text()
    assert hero.locator("figure img").evaluate("img => getComputedStyle(img).filter") == "grayscale(1)"
    assert "Complete at least 100% of Homework 3" in hero.inner_text() and "1 more unit" in hero.inner_text()
    assert steps.locator("figure.cx-badge-art:not(.cx-badge-locked)").is_visible() and "Earned" in steps.inner_text()
    assert image_loaded(page, f"{HERO} figure img") and image_loaded(page, f"{STEPS} figure img")
    linkedin = steps.get_by_role("link", name="Add to LinkedIn")
    assert linkedin.get_attribute("href").startswith("https://www.linkedin.com/profile/add?startTask=")
    assert "name=First+steps" in linkedin.get_attribute("href")
    with page.expect_download() as download:
        steps.get_by_role("link", name="Download badge").click(modifiers=["Alt"])
    assert download.value.suggested_filename == "first-steps-badge.png"
    hero.screenshot(path=artifact_path("badge-greyed.png"))
    steps.screenshot(path=artifact_path("badge-earned.png"))

    page.goto(live_server.url + UNIT.format("homework_3_unit"))  # nour answers Homework 3: every homework done
    for question in page.locator("form.standalone-problem").all():
        question.locator("input[type=radio]").first.check()
        question.get_by_role("button", name="Submit").click()
        page.wait_for_function("form => form.innerText.includes('Score:')", arg=question.element_handle())
    page.goto(live_server.url + UNIT.format("credentials_unit"))
    hero = page.locator(HERO)
    assert "You have met every requirement. Claim your badge." in hero.inner_text()
    with page.expect_response(lambda response: response.url.endswith("/claim/")) as claimed:
        hero.locator("[data-action=claim]").click()
    assert claimed.value.ok
    page.reload()  # issued once the claim's transaction commits (eager Celery here): the next view shows it
    page.wait_for_selector(f"{HERO} [data-role=download-badge]")
    assert hero.locator("figure.cx-badge-locked").count() == 0 and "Earned" in hero.inner_text()
    assert "You have earned this badge." in hero.inner_text()
    hero.screenshot(path=artifact_path("badge-claimed.png"))
    assert page.errors == []


def test_badge_verification_page_and_a_tampered_baked_image(demo, page, live_server, artifact_path, tmp_path):
    credential = Credential.objects.get(user__username="dana", config__badge_name="First steps")
    page.goto(f"{live_server.url}/credentials/verify/{credential.verification_id}/")
    assert page.get_by_role("heading", name="First steps").is_visible()
    assert image_loaded(page, "img.badge-image")
    assert "Dana Kowalski" in page.inner_text("main") and "Valid credential" in page.inner_text("main")
    page.screenshot(path=artifact_path("badge-verify-page.png"), full_page=True)

    with storages[conf.get("STORAGE") or "default"].open(credential.storage_key, "rb") as handle:
        baked = handle.read()
    forged = tmp_path / "badge.png"
    forged.write_bytes(_rename_in_png(baked, b'"name":"Dana Kowalski"', b'"name":"Dana Kowalsky"'))
    page.get_by_label("Certificate PDF or badge image").set_input_files(str(forged))
    page.get_by_role("button", name="Check this file").click()
    result = page.locator("#check-result")
    assert "Altered" in result.inner_text()
    assert "signature does not verify" in result.inner_text()
    changed = 'The name was changed: the file says "Dana Kowalsky", the record says "Dana Kowalski".'
    assert changed in result.inner_text()
    page.screenshot(path=artifact_path("badge-check-tampered.png"), full_page=True)
    assert page.errors == []


def _rename_in_png(png: bytes, old: bytes, new: bytes) -> bytes:
    """Edit the baked text and make every chunk's CRC right again, as a forger with a hex editor would."""
    out, pos = png[:8], 8
    while pos < len(png):
        (length,), kind = struct.unpack(">I", png[pos:pos + 4]), png[pos + 4:pos + 8]
        body = png[pos + 8:pos + 8 + length].replace(old, new)
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        pos += 12 + length
    return out
