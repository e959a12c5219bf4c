"""Every state of the Credential block in headless Chromium, with a screenshot of each (artifact_path):
in progress, eligible, issued, not enrolled (mode not offered), not yet available, configuration error (staff),
the staff panel, and the Studio editor showing errors next to its fields (nothing saved)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from credential_admin.demo.seed import COURSE_KEY
from credential_admin.standalone.loader import publish
from credential_admin.standalone.runtime import StandaloneRuntime

UNIT = f"/courses/{COURSE_KEY}/units/block-v1:Demo+CX101+2026+type@vertical+block@credentials_unit/"
USAGE = "block-v1:Demo+CX101+2026+type@credential+block@{}"
COMPLETION = "[data-usage$='completion_credential']"
ACHIEVEMENT = "[data-usage$='achievement_credential']"


@pytest.fixture
def demo(transactional_db):
    call_command("demo_setup", stdout=io.StringIO())


def configure(name: str, **fields) -> None:
    """Change a block's settings as an OLX import could (bypassing the Studio form), then publish."""
    block = StandaloneRuntime(COURSE_KEY, studio=True).get_block(USAGE.format(name))  # authored: Studio's runtime
    for field, value in fields.items():
        setattr(block, field, value)
    block.save()
    publish(COURSE_KEY)


def assert_bars_are_labelled(page):
    """Every progress bar names its rule and states its value in words for screen readers."""
    bars = page.evaluate("""[...document.querySelectorAll('[role=progressbar]')].map(bar => [
        document.getElementById(bar.getAttribute('aria-labelledby'))?.textContent.trim(),
        bar.getAttribute('aria-valuenow'), bar.getAttribute('aria-valuetext')])""")
    assert bars and all(label and value and text for label, value, text in bars), bars


def tab_to(page, selector, limit=60):
    """Press Tab until `selector` has the focus (it must be reachable from the keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def open_unit(page, live_server, login_as, username):
    login_as(page, username)
    page.goto(live_server.url + UNIT)
    return page


def test_in_progress(demo, page, live_server, login_as, artifact_path):
    open_unit(page, live_server, login_as, "dana")
    text = page.locator(COMPLETION).inner_text()
    assert "Not yet eligible" in text and "8 of 10 units complete: 80%" in text and "1 more unit" in text
    page.screenshot(path=artifact_path("checklist-in-progress.png"), full_page=True)
    assert page.errors == []


def test_eligible_then_issued(demo, page, live_server, login_as, artifact_path):
    open_unit(page, live_server, login_as, "chen")
    assert page.locator(f"{ACHIEVEMENT} [data-action=claim]").is_visible()
    page.screenshot(path=artifact_path("checklist-eligible.png"), full_page=True)
    assert_bars_are_labelled(page)
    tab_to(page, f"{ACHIEVEMENT} [data-action=claim]")
    page.keyboard.press("Enter")  # claimed from the keyboard
    page.wait_for_selector(f"{ACHIEVEMENT} .cx-issued", timeout=30000)
    assert "Your credential has been issued." in page.locator(ACHIEVEMENT).inner_text()
    page.locator(f"{ACHIEVEMENT} .cx-issued").scroll_into_view_if_needed()
    page.screenshot(path=artifact_path("checklist-issued.png"), full_page=True)
    page.reload()
    assert page.locator(f"{ACHIEVEMENT} [data-role=verify-link]").is_visible()  # issued survives a reload
    assert page.errors == []


def test_not_enrolled_in_an_allowed_mode_and_not_yet_available(demo, page, live_server, login_as, artifact_path):
    configure("completion_credential", allowed_modes=["verified"])
    configure("achievement_credential", available_from="2099-01-01")
    open_unit(page, live_server, login_as, "dana")
    assert 'This credential is not offered in the "honor" track.' in page.locator(COMPLETION).inner_text()
    assert "This credential becomes available on Jan. 1, 2099." in page.locator(ACHIEVEMENT).inner_text()
    page.screenshot(path=artifact_path("checklist-not-enrolled-and-not-available.png"), full_page=True)
    assert page.errors == []


def test_configuration_error_is_explained_to_staff_only(demo, page, live_server, login_as, artifact_path):
    configure("achievement_credential", min_type_grades={"Quiz": "50"})
    page.expected_errors.append("HTTP 409: ")  # the staff panel's counts and actions refuse a broken configuration
    open_unit(page, live_server, login_as, "staff")
    staff_text = page.locator(ACHIEVEMENT).inner_text()
    assert "Configuration error (shown to course staff only)" in staff_text
    assert '"Quiz" is not an assignment type' in staff_text
    page.locator(ACHIEVEMENT).screenshot(path=artifact_path("checklist-config-error-staff.png"))
    open_unit(page, live_server, login_as, "ben")
    learner_text = page.locator(ACHIEVEMENT).inner_text()
    assert "This credential is not set up yet" in learner_text and "Quiz" not in learner_text


def test_staff_panel(demo, page, live_server, login_as, artifact_path):
    open_unit(page, live_server, login_as, "staff")
    counts = page.locator(f"{ACHIEVEMENT} [data-role=counts]")
    page.wait_for_function(
        f"document.querySelector(\"{ACHIEVEMENT} [data-role=counts]\").getAttribute('aria-busy') === 'false'")
    # Enrolled: ana, ben, chen, dana, nour; completion-eligible: ben, chen; achievement-eligible: chen.
    assert counts.locator("[data-count=learners]").inner_text() == "5"
    assert counts.locator("[data-count=eligible]").inner_text() == "1"
    assert page.locator(f"{COMPLETION} [data-count=eligible]").inner_text() == "2"
    with page.expect_download() as download:
        page.locator(f"{ACHIEVEMENT} [data-role=csv]").click()
    assert "陈静" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    page.screenshot(path=artifact_path("staff-view.png"), full_page=True)
    assert page.errors == []


def test_studio_editor_shows_each_error_next_to_its_field(demo, page, live_server, login_as, artifact_path):
    login_as(page, "staff")
    page.expected_errors.append("HTTP 400: ")  # the refused save answers 400 with a message per field
    page.goto(f"{live_server.url}/courses/{COURSE_KEY}/studio/{USAGE.format('achievement_credential')}/")
    page.get_by_label("Minimum overall grade (%)").fill("abc")
    page.get_by_label("Minimum completion (%)").fill("150")
    page.get_by_role("button", name="Add an assignment type rule").click()
    row = page.locator("[data-role=type-row]").last
    row.get_by_label("Assignment type").fill("Quiz")
    row.get_by_label("Minimum %").fill("50")
    page.get_by_role("button", name="Save").click()
    grade_error = page.locator("[data-error-for=min_grade]")
    grade_error.wait_for()
    assert grade_error.inner_text() == '"abc" is not a number: enter a percentage from 0 to 100.'
    assert page.locator("[data-error-for=min_completion]").inner_text() == (
        "150 is out of range: enter a percentage from 0 to 100.")
    assert row.locator(".cx-error-text").inner_text().startswith('"Quiz" is not an assignment type')
    assert page.get_by_label("Minimum overall grade (%)").get_attribute("aria-invalid") == "true"
    page.screenshot(path=artifact_path("studio-error.png"), full_page=True)
    unlabelled = page.evaluate("""[...document.querySelectorAll(
        '.cx-studio :is(input:not([type=hidden]), select, textarea)')]
        .filter(el => !el.labels || el.labels.length === 0).map(el => el.name)""")
    assert unlabelled == []
    block = StandaloneRuntime(COURSE_KEY).get_block(USAGE.format("achievement_credential"))
    assert (block.min_grade, block.min_completion, block.min_type_grades) == ("80", "", {"Final Exam": "75"})
