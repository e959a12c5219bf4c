"""The verification page in headless Chromium: valid, superseded, revoked and unknown credentials.

Uses the shared browser fixtures (tests/browser/conftest.py: `page` fails the test on any console or page error)
and credentials made by the pipeline (tests/conftest.py). Screenshots: artifact_path("verify-<state>.png").
"""
import pytest

from tests.pdf_samples import edit_printed_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("fresh_rate_limits")]
USERNAME = "zkowalski42"


@pytest.fixture
def credentials(learner, make_config, make_credential, revoke, supersede):
    """Zoë's credentials, issued by the pipeline: a valid one that superseded an older one, and a revoked one."""
    config = make_config(usage_key="c1")
    other = make_config(course_key="course-v1:DemoX+BOT102+2026", usage_key="c2", level="completion")
    old = make_credential(learner, config, name="Zoe Angstrom")
    current = supersede(old, learner, config)
    revoked = revoke(make_credential(learner, other))
    return {"valid": current, "superseded": old, "revoked": revoked}


def shot(page, state, artifact_path):
    page.screenshot(path=artifact_path(f"verify-{state}.png"), full_page=True)


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


def test_valid(page, live_server, credentials, artifact_path):
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
    shot(page, "valid", artifact_path)
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator("form").first.is_visible()
    assert page.locator("text=Checked at").is_visible()
    shot(page, "valid-print", artifact_path)


def test_superseded_links_to_current(page, live_server, credentials, artifact_path):
    page.goto(f"{live_server.url}/credentials/verify/{credentials['superseded'].verification_id}/")
    assert "Superseded" in page.locator("[role=status]").inner_text()
    assert "Zoe Angstrom" in page.locator("main").inner_text()
    shot(page, "superseded", artifact_path)
    page.get_by_role("link", name="See the current credential").click()
    page.wait_for_url(f"**/verify/{credentials['valid'].verification_id}/")
    assert "Valid credential" in page.locator("[role=status]").inner_text()


def test_revoked(page, live_server, credentials, artifact_path):
    page.goto(f"{live_server.url}/credentials/verify/{credentials['revoked'].verification_id}/")
    banner = page.locator("[role=status]").inner_text()
    assert "Revoked" in banner and "May 6, 2026" in banner and "misconduct" not in banner
    assert page.get_by_role("link", name="Add to LinkedIn profile").count() == 0
    shot(page, "revoked", artifact_path)
    assert_accessible(page)


def test_unknown_id_then_typed_code(page, live_server, credentials, artifact_path):
    response = page.goto(f"{live_server.url}/credentials/verify/NoSuchCredentialAtAll123/")
    assert response.status == 404
    page.expected_errors.append("HTTP 404: ")  # provoked: an unknown id
    assert "No credential found" in page.locator("[role=alert]").inner_text()
    shot(page, "unknown", artifact_path)
    assert_accessible(page)
    page.get_by_label("Verification code").fill(credentials["valid"].formatted_code.lower())
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**/verify/{credentials['valid'].verification_id}/")
    assert "Zoë Ångström" in page.locator("main").inner_text()


def test_check_a_pdf(page, live_server, credentials, artifact_path, stored_bytes, tmp_path):
    """Upload the genuine certificate, then one whose name was edited and re-saved."""
    credential = credentials["valid"]
    pdf = stored_bytes(credential)
    genuine, forged = tmp_path / "genuine.pdf", tmp_path / "edited.pdf"
    genuine.write_bytes(pdf)
    forged.write_bytes(edit_printed_text(pdf, "Zoë Ångström", "Mallory Forger"))
    url = f"{live_server.url}/credentials/verify/{credential.verification_id}/"
    for path, verdict, state in ((genuine, "Genuine", "pdf-genuine"), (forged, "Altered", "pdf-altered")):
        page.goto(url)
        page.get_by_label("Certificate PDF or badge image").set_input_files(str(path))
        page.get_by_role("button", name="Check this file").click()
        result = page.locator("#check-result")
        result.wait_for()
        # the verdict opens the page and takes the focus, above the record's own status
        assert page.evaluate("document.activeElement.id") == "check-result"
        assert page.evaluate("document.querySelector('main').firstElementChild.id") == "check-result"
        assert result.inner_text().startswith(("✓ " if verdict == "Genuine" else "✕ ") + verdict)
        result.scroll_into_view_if_needed()
        shot(page, state, artifact_path)
    assert "The name printed on the file does not match the record: it was changed." in result.inner_text()
