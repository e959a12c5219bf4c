"""The verification page in headless Chromium: valid, superseded, revoked and unknown credentials.

Screenshots go to $CREDENTIAL_ARTIFACTS_DIR when set (else the test's tmp folder) as verify-<state>.png.
"""
import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.sqlite.test_verify_pages import USERNAME, fresh_rate_limits, make_credential, revoke, supersede  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


@pytest.fixture
def credentials(transactional_db):
    from django.contrib.auth import get_user_model

    from credential_admin.models import CredentialConfig

    user = get_user_model().objects.create_user(USERNAME, "zoe.private@example.net", "pw")
    config = CredentialConfig.objects.create(course_key="course-v1:DemoX+BOT101+2026", usage_key="c1",
                                             display_name="Certificate", level="achievement", criteria={})
    other = CredentialConfig.objects.create(course_key="course-v1:DemoX+BOT102+2026", usage_key="c2",
                                            display_name="Certificate", level="completion", criteria={})
    old = make_credential(user, config, name="Zoe Angstrom")
    current = supersede(old, user, config)
    revoked = revoke(make_credential(user, other))
    return {"valid": current, "superseded": old, "revoked": revoked}


@pytest.fixture
def browser_page(live_server, monkeypatch, tmp_path):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 900}, locale="en-US")
        yield page
        browser.close()


def shot(page, state, tmp_path):
    folder = Path(os.environ.get("CREDENTIAL_ARTIFACTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"verify-{state}.png"), full_page=True)


def assert_accessible(page):
    """Labels on every control, a language, one h1, a status/alert region, and keyboard reach."""
    assert page.get_attribute("html", "lang") == "en"
    unlabelled = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                                  .filter(el => !el.labels || el.labels.length === 0).map(el => el.name)""")
    assert unlabelled == []
    assert page.locator("h1").count() == 1
    assert page.locator("[role=status], [role=alert]").count() >= 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"


def test_valid(browser_page, live_server, credentials, tmp_path):
    page = browser_page
    response = page.goto(f"{live_server.url}/credentials/verify/{credentials['valid'].verification_id}/")
    assert response.status == 200
    assert "Valid credential" in page.locator("[role=status]").inner_text()
    body = page.locator("main").inner_text()
    for fact in ("Zoë Ångström", "Intro to Botany", "Achievement", "March 4, 2026", "Demo Academy",
                 credentials["valid"].formatted_code, "Final Exam: 81% (required 75%)", "Verified"):
        assert fact in body, fact
    assert USERNAME not in page.content() and "zoe.private" not in page.content()
    assert page.locator("meta[property='og:title']").get_attribute("content") == \
        "Achievement credential: Intro to Botany"
    assert page.get_by_role("link", name="Add to LinkedIn profile").get_attribute("href").startswith(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
    shot(page, "valid", tmp_path)
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator("form").first.is_visible()
    assert page.locator("text=Checked at").is_visible()
    shot(page, "valid-print", tmp_path)


def test_superseded_links_to_current(browser_page, live_server, credentials, tmp_path):
    page = browser_page
    page.goto(f"{live_server.url}/credentials/verify/{credentials['superseded'].verification_id}/")
    assert "Superseded" in page.locator("[role=status]").inner_text()
    assert "Zoe Angstrom" in page.locator("main").inner_text()
    shot(page, "superseded", tmp_path)
    page.get_by_role("link", name="See the current credential").click()
    page.wait_for_url(f"**/verify/{credentials['valid'].verification_id}/")
    assert "Valid credential" in page.locator("[role=status]").inner_text()


def test_revoked(browser_page, live_server, credentials, tmp_path):
    page = browser_page
    page.goto(f"{live_server.url}/credentials/verify/{credentials['revoked'].verification_id}/")
    banner = page.locator("[role=status]").inner_text()
    assert "Revoked" in banner and "May 6, 2026" in banner and "misconduct" not in banner
    assert page.get_by_role("link", name="Add to LinkedIn profile").count() == 0
    shot(page, "revoked", tmp_path)
    assert_accessible(page)


def test_unknown_id_then_typed_code(browser_page, live_server, credentials, tmp_path):
    page = browser_page
    response = page.goto(f"{live_server.url}/credentials/verify/NoSuchCredentialAtAll123/")
    assert response.status == 404
    assert "No credential found" in page.locator("[role=alert]").inner_text()
    shot(page, "unknown", tmp_path)
    assert_accessible(page)
    page.get_by_label("Verification code").fill(credentials["valid"].formatted_code.lower())
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**/verify/{credentials['valid'].verification_id}/")
    assert "Zoë Ångström" in page.locator("main").inner_text()


def test_check_a_pdf(browser_page, live_server, credentials, tmp_path):
    """Upload the genuine certificate, then one whose name was edited and re-saved."""
    import hashlib
    import json

    from credential_admin.issuing import signing
    from credential_admin.issuing.pipeline import render
    from credential_admin.models import Credential
    from tests.sqlite.test_verify_pdfcheck import edit_printed_text

    credential = credentials["valid"]
    payload = json.loads(credential.payload)
    pdf = render(credential, payload, signing.envelope(credential.payload.encode(), credential.signature,
                                                       credential.key_id, payload["verify_url"]))
    Credential.objects.filter(pk=credential.pk).update(pdf_sha256=hashlib.sha256(pdf).hexdigest())
    genuine, forged = tmp_path / "genuine.pdf", tmp_path / "edited.pdf"
    genuine.write_bytes(pdf)
    forged.write_bytes(edit_printed_text(pdf, "Zoë Ångström", "Mallory Forger"))
    page = browser_page
    url = f"{live_server.url}/credentials/verify/{credential.verification_id}/"
    for path, verdict, state in ((genuine, "Genuine", "pdf-genuine"), (forged, "Altered", "pdf-altered")):
        page.goto(url)
        page.get_by_label("Certificate PDF").set_input_files(str(path))
        page.get_by_role("button", name="Check this PDF").click()
        result = page.locator("#check-result")
        result.wait_for()
        assert result.inner_text().startswith(("✓ " if verdict == "Genuine" else "✕ ") + verdict)
        result.scroll_into_view_if_needed()
        shot(page, state, tmp_path)
    assert "The name printed on the file does not match the record: it was changed." in result.inner_text()
