"""The Credential block's staff panel in headless Chromium on the demo: course staff grant a credential by hand to
dana (not eligible: one unit short), revoke it, reinstate her, and retry chen's failed credential. Each action asks
for confirmation (declining changes nothing) and shows its result in place. Screenshots go to artifact_path."""
from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from credential_admin.demo.seed import COURSE_KEY
from credential_admin.issuing import pipeline
from credential_admin.models import Credential, CredentialConfig

UNIT = f"/courses/{COURSE_KEY}/units/block-v1:Demo+CX101+2026+type@vertical+block@credentials_unit/"
BLOCK = "[data-usage$='completion_credential']"
USAGE = "block-v1:Demo+CX101+2026+type@credential+block@completion_credential"
pytestmark = pytest.mark.usefixtures("issuing_storage")


@pytest.fixture
def demo(transactional_db):
    call_command("demo_setup", stdout=io.StringIO())
    Credential.objects.filter(config__usage_key=USAGE).delete()


class Asked(list):
    """The confirmation questions the page asked; declined while `decline` is set, else accepted."""

    decline = False


def open_unit(page, live_server, login_as) -> None:
    """The credentials unit as the demo's course staff member (who is not enrolled: the unit's "viewed" beacon is
    refused with 403, which is not what these tests are about)."""
    page.expected_errors.append(f"HTTP 403: {live_server.url}{UNIT}viewed/")
    login_as(page, "staff")
    page.goto(live_server.url + UNIT)


def panel(page):
    return page.locator(f"{BLOCK} .cx-staff")


def manage(page, action: str, username: str, reason: str = "") -> None:
    form = panel(page).locator("[data-role=manage]")
    form.get_by_label("Learner's username").fill(username)
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name=action, exact=True).click()


def result_text(page, expected: str) -> str:
    output = panel(page).locator("[data-role=manage-result]")
    output.filter(has_text=expected).wait_for(timeout=30000)
    return output.inner_text()


def test_staff_grant_revoke_and_reinstate_in_place(demo, page, live_server, login_as, artifact_path):
    asked = Asked()
    page.on("dialog", lambda dialog: (asked.append(dialog.message),
                                      dialog.dismiss() if asked.decline else dialog.accept()))
    open_unit(page, live_server, login_as)
    page.locator(f"{BLOCK} [data-count=learners]").filter(has_text="5").wait_for()

    asked.decline = True
    manage(page, "Grant", "dana", "Exam taken on paper")
    assert asked == ["Grant this credential to dana, although the rules are not met?"]
    assert not Credential.objects.filter(user__username="dana", config__usage_key=USAGE).exists()

    asked.decline = False
    manage(page, "Grant", "dana", "Exam taken on paper")
    shown = result_text(page, "Granted")
    granted = Credential.objects.get(user__username="dana", config__usage_key=USAGE)
    assert shown == f"Granted to dana: {granted.formatted_code}."
    assert granted.status == "issued" and panel(page).get_by_label("Reason").input_value() == ""
    page.locator(f"{BLOCK} [data-count=issued]").filter(has_text="1").wait_for()
    page.locator(BLOCK).screenshot(path=artifact_path("staff_panel_grant.png"))

    page.expected_errors.append("HTTP 409: ")  # the revoke without a reason is refused
    manage(page, "Revoke", "dana", "")
    assert result_text(page, "reason") == "A reason is required to revoke a credential."
    manage(page, "Revoke", "dana", "Paper exam was void")
    assert result_text(page, "Revoked") == f"Revoked dana's credential {granted.formatted_code}."
    assert Credential.objects.get(pk=granted.pk).status == "revoked"
    page.locator(BLOCK).screenshot(path=artifact_path("staff_panel_revoke.png"))

    manage(page, "Reinstate", "dana")
    assert result_text(page, "Reinstated").startswith("Reinstated dana: they can receive this credential again")
    assert Credential.objects.get(pk=granted.pk).reinstated_at is not None
    assert asked[-3:] == ["Revoke dana's credential? Its verification page will say it was revoked.",
                          "Revoke dana's credential? Its verification page will say it was revoked.",
                          "Reinstate dana, so that they can receive this credential again?"]
    page.locator(BLOCK).screenshot(path=artifact_path("staff_panel_reinstate.png"))


def test_staff_retry_a_failed_credential_in_place(demo, page, live_server, login_as, artifact_path, issuing_storage):
    issuing_storage.down = True
    chen = get_user_model().objects.get(username="chen")
    pipeline.issue_for_users(CredentialConfig.objects.get(usage_key=USAGE), [chen.pk])
    failed = Credential.objects.get(user=chen, config__usage_key=USAGE, status="failed")
    asked = Asked()
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    open_unit(page, live_server, login_as)
    entry = panel(page).locator("[data-role=failed-list] li")
    entry.first.wait_for()
    assert entry.inner_text().startswith(f"{failed.formatted_code} — chen: ")
    assert "storage unreachable" in entry.inner_text() and "attempts: 1" in entry.inner_text()
    page.locator(BLOCK).screenshot(path=artifact_path("staff_panel_failed.png"))

    page.expected_errors.append("HTTP 409: ")  # the first retry, while storage is still down, is refused
    entry.get_by_role("button", name=f"Retry {failed.formatted_code}").click()
    status = panel(page).locator("[data-role=failed-result]")
    status.filter(has_text="Issuing failed again").wait_for(timeout=30000)
    issuing_storage.down = False
    entry.get_by_role("button", name=f"Retry {failed.formatted_code}").click()
    status.filter(has_text="issued to chen").wait_for(timeout=30000)
    assert status.inner_text() == f"{failed.formatted_code} issued to chen."
    panel(page).get_by_text("None: every credential was issued.").wait_for()
    assert asked == [f"Try again to issue {failed.formatted_code} to chen?"] * 2
    assert Credential.objects.get(pk=failed.pk).status == "issued"
    page.locator(BLOCK).screenshot(path=artifact_path("staff_panel_retry.png"))
