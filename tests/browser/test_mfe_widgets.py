"""The MFE widgets from the npm package's own build (static/credential-mfe-plugin, `npm run build`), mounted in
frontend-plugin-framework slots by the demo's harness page against the live learner API, in headless Chromium:
dana becomes eligible for her Achievement (Final Exam question 3 answered right, as in test_blocks_checklist),
claims it from the Progress widget, and finds it on the Dashboard widget with a download link that serves the PDF;
in Arabic both widgets lay out right to left.

Hand computation (see test_blocks_checklist): dana's Final Exam is 7/10 = 70% (75% required); question 3 (2 points)
makes it 9/10 = 90%.
"""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from credential_admin.demo.seed import COURSE_KEY

FINAL_EXAM = f"/courses/{COURSE_KEY}/units/block-v1:Demo+CX101+2026+type@vertical+block@final_exam_unit/"
HARNESS = f"/mfe-harness/course/{COURSE_KEY}/progress/"
PROGRESS = "[data-testid=progress-tab]"
DASHBOARD = "[data-testid=learner-dashboard]"
ACHIEVEMENT = f"{PROGRESS} article:has(h3:has-text('Achievement'))"


@pytest.fixture
def demo(transactional_db, settings, live_server):
    settings.CREDENTIAL_XBLOCK_BASE_URL = live_server.url
    call_command("demo_setup", stdout=io.StringIO())


def open_harness(page, live_server, lang: str = "en") -> None:
    # The demo issues no JWT: frontend-platform's refresh is refused (401), then the session cookie is used.
    page.expected_errors.append(f"HTTP 401: {live_server.url}/login_refresh")
    page.goto(f"{live_server.url}{HARNESS}?lang={lang}")
    page.wait_for_selector(f"{PROGRESS} .credential-xblock-progress")


def answer_final_exam_question_3(page, live_server) -> None:
    page.goto(live_server.url + FINAL_EXAM)
    question = page.locator("form.standalone-problem", has_text="A revoked credential verifies as")
    question.get_by_label("revoked").check()
    question.get_by_role("button", name="Submit").click()
    page.wait_for_function("document.body.innerText.includes('Score: 2 / 2')")


def test_claim_in_progress_widget_then_download_from_dashboard(demo, page, live_server, login_as, artifact_path):
    login_as(page, "dana")
    open_harness(page, live_server)
    card = page.locator(ACHIEVEMENT)
    assert "Not yet eligible" in card.inner_text()
    assert "+5 points on Final Exam" in card.inner_text()
    assert card.get_by_role("button", name="Claim your credential").count() == 0
    held = page.locator(f"{DASHBOARD} li").count()  # the demo's other credentials (badges) are listed already
    assert page.locator(f"{DASHBOARD} li", has_text="Achievement").count() == 0

    answer_final_exam_question_3(page, live_server)
    open_harness(page, live_server)
    card = page.locator(ACHIEVEMENT)
    assert "You have met every requirement" in card.inner_text()
    page.screenshot(path=artifact_path("mfe-harness-eligible-en.png"), full_page=True)
    card.get_by_role("button", name="Claim your credential").click()
    download = card.get_by_role("link", name="Download the PDF of Certificate of Achievement")
    download.wait_for(timeout=30000)
    assert "/credentials/download/" in download.get_attribute("href")
    assert page.get_by_role("status").inner_text() == "Your credential has been claimed."

    open_harness(page, live_server)  # the learner goes to the dashboard
    dashboard = page.locator(f"{DASHBOARD} .credential-xblock-dashboard")
    dashboard.wait_for()
    assert dashboard.get_by_role("listitem").count() == held + 1
    item = dashboard.get_by_role("listitem").filter(has_text="Achievement")
    assert item.count() == 1 and "Issued" in item.inner_text()
    link = item.get_by_role("link", name="Download the PDF of", exact=False)
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert "linkedin.com/profile/add" in item.get_by_role("link", name="Add to LinkedIn").get_attribute("href")
    verify = page.request.get(item.get_by_role("link", name="Verification page").get_attribute("href"))
    assert verify.status == 200
    page.screenshot(path=artifact_path("mfe-harness-claimed-en.png"), full_page=True)


def test_widgets_lay_out_right_to_left_in_arabic(demo, page, live_server, login_as, artifact_path):
    login_as(page, "chen")  # eligible for both; claim one so that the dashboard has something to show
    page.request.post(f"{live_server.url}/credentials/api/v1/progress/{COURSE_KEY}/claim/",
                      data={"usage_key": "block-v1:Demo+CX101+2026+type@credential+block@completion_credential"},
                      headers={"X-CSRFToken": csrf(page, live_server)})
    open_harness(page, live_server, "ar")
    page.locator(f"{DASHBOARD} .credential-xblock-dashboard").wait_for()
    for widget in (PROGRESS, DASHBOARD):
        root = page.locator(f"{widget} .credential-xblock-widget")
        assert root.get_attribute("dir") == "rtl"
        assert root.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert page.locator(PROGRESS).get_by_role("heading", name="الشهادات").is_visible()
    assert page.locator(DASHBOARD).get_by_role("heading", name="شهاداتي").is_visible()
    # Bars fill from the right: each filled part touches its track's right edge, not its left.
    edges = page.locator(f"{PROGRESS} .progress").evaluate_all("""tracks => tracks.map(track => {
        const bar = track.querySelector('.progress-bar'), a = track.getBoundingClientRect(),
              b = bar.getBoundingClientRect();
        return [Math.round(a.right - b.right), Math.round(b.left - a.left), Math.round(b.width)];
    })""")
    partial = [(right, left) for right, left, width in edges if left > 1]  # bars not full: their empty part
    assert partial and all(right <= 1 for right, _ in partial), edges  # is on the left (1 px: the track's border)
    # Headings start at the right: a heading's text ends at its widget's right edge.
    heading = page.locator(PROGRESS).get_by_role("heading", name="الشهادات")
    gap = heading.evaluate("""h => { const range = document.createRange(); range.selectNodeContents(h);
        return Math.round(h.getBoundingClientRect().right - range.getBoundingClientRect().right); }""")
    assert gap <= 1, gap
    page.screenshot(path=artifact_path("mfe-harness-ar.png"), full_page=True)


def csrf(page, live_server) -> str:
    return page.request.get(f"{live_server.url}/csrf/api/v1/token").json()["csrfToken"]
