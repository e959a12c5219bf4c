"""The learner's checklist in headless Chromium on the demo course: answering a problem or viewing a unit in the
browser moves the checklist (after navigation, and in place with "Update my progress"); claiming issues.

Hand computation for Dana (see tests/sqlite/test_demo_learners.py for the course): 8 of 10 units (80%); Homework
100%; Final Exam 7/10 = 70%; overall .6 * 1 + .4 * .7 = 88%. Answering Final Exam question 3 (2 points) right makes
the Final Exam 9/10 = 90% and the overall .6 + .36 = 96%. Viewing the Summary unit makes 9 of 10 units = 90%.
"""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from credential_admin.demo.seed import COURSE_KEY

UNIT = f"/courses/{COURSE_KEY}/units/block-v1:Demo+CX101+2026+type@vertical+block@{{}}/"
COMPLETION = "[data-usage$='completion_credential']"
ACHIEVEMENT = "[data-usage$='achievement_credential']"


@pytest.fixture
def demo(transactional_db, settings):
    settings.COMPLETION_BY_VIEWING_DELAY_MS = 300
    call_command("demo_setup", stdout=io.StringIO())


def bar(page, block, rule):
    return page.locator(f"{block} [role=progressbar][data-rule='{rule}']")


def test_answering_a_problem_in_the_browser_moves_the_checklist(demo, page, live_server, login_as):
    login_as(page, "dana")
    page.goto(live_server.url + UNIT.format("credentials_unit"))
    assert bar(page, ACHIEVEMENT, "type_grade:Final Exam").get_attribute("aria-valuenow") == "70"
    assert "+5 points on Final Exam" in page.locator(ACHIEVEMENT).inner_text()
    assert page.locator(f"{ACHIEVEMENT} [data-action=claim]").count() == 0

    page.goto(live_server.url + UNIT.format("final_exam_unit"))
    question = page.locator("form.standalone-problem", has_text="A revoked credential verifies as")
    question.get_by_label("revoked").check()
    question.get_by_role("button", name="Submit").click()
    page.wait_for_function("document.body.innerText.includes('Score: 2 / 2')")

    page.goto(live_server.url + UNIT.format("credentials_unit"))
    assert bar(page, ACHIEVEMENT, "type_grade:Final Exam").get_attribute("aria-valuenow") == "90"
    assert bar(page, ACHIEVEMENT, "grade").get_attribute("aria-valuenow") == "96"
    assert "You have met every requirement" in page.locator(ACHIEVEMENT).inner_text()
    assert page.locator(f"{ACHIEVEMENT} [data-action=claim]").is_visible()
    assert page.errors == []


def test_update_my_progress_refreshes_in_place_and_claim_issues(demo, page, live_server, login_as):
    login_as(page, "dana")
    page.goto(live_server.url + UNIT.format("credentials_unit"))
    assert bar(page, COMPLETION, "completion").get_attribute("aria-valuenow") == "80"
    page.evaluate("window.notReloaded = true")

    other = page.context.new_page()
    with other.expect_response(lambda response: response.url.endswith("/viewed/")) as viewed:
        other.goto(live_server.url + UNIT.format("summary_unit"))
    assert viewed.value.ok
    other.close()

    page.locator(f"{COMPLETION} [data-action=refresh]").click()
    page.wait_for_function(
        f"document.querySelector(\"{COMPLETION} [role=progressbar]\").getAttribute('aria-valuenow') === '90'")
    assert page.evaluate("window.notReloaded") is True
    assert "9 of 10 units complete: 90%" in page.locator(COMPLETION).inner_text()

    page.locator(f"{COMPLETION} [data-action=claim]").click()
    page.wait_for_selector(f"{COMPLETION} .cx-issued", timeout=30000)
    verify = page.locator(f"{COMPLETION} [data-role=verify-link]").get_attribute("href")
    assert "/credentials/verify/" in verify
    assert page.locator(f"{COMPLETION}").get_by_role("link", name="Download your certificate (PDF)").is_visible()
    assert page.errors == []
