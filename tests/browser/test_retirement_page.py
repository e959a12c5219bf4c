"""The verification page of a credential whose holder's account was retired: "Withdrawn", no name, no console
error, in a real browser."""
import pytest

from credential_admin import retirement

pytestmark = pytest.mark.usefixtures("issuing_storage")


def test_a_withdrawn_credential_shows_no_name(page, live_server, learner, config, make_credential, artifact_path):
    credential = make_credential(learner, config, name="Zoë Ångström-Kowalski")
    retirement.retire(learner)
    page.goto(f"{live_server.url}/credentials/verify/{credential.verification_id}/")
    banner = page.get_by_role("status")
    assert banner.inner_text().split("\n")[0].endswith("Withdrawn")
    assert "This credential has been withdrawn and is no longer valid." in banner.inner_text()
    body = page.locator("body").inner_text()
    assert "Zoë" not in body and "Cannot be verified" not in body and "tampered" not in body
    page.screenshot(path=artifact_path("verify-withdrawn.png"), full_page=True)
