"""The demo's Data Science path in headless Chromium: the path's progress under the course checklist, a path
credential claimed from the block, its certificate (PDF rendered to PNG), its verification page, and the admin's
preview. Screenshots: artifact_path("paths-*.png").

Hand computation (credential_admin/demo/paths.py): ben completed the demo course and all of Statistics, and 3 of
the 5 units of Machine Learning, whose block asks for 80% (4 units): one unit short. chen completed all three.
"""
from __future__ import annotations

import io
import subprocess

import pytest
from django.core.management import call_command

from credential_admin.demo.paths import PATH_KEY

STATISTICS_UNIT = "/courses/course-v1:Demo+STAT101+2026/units/block-v1:Demo+STAT101+2026+type@vertical+block@{}/"
PATHS = ".cx-paths"


@pytest.fixture
def demo(transactional_db):
    call_command("demo_setup", stdout=io.StringIO())


def test_path_progress_under_the_checklist_then_claim_verify_and_certificate(demo, page, live_server, login_as,
                                                                             artifact_path):
    login_as(page, "ben")
    page.goto(live_server.url + STATISTICS_UNIT.format("stat_credentials"))
    text = " ".join(page.locator(PATHS).inner_text().split())
    assert "Data Science path: 2 of 3 courses done — Machine Learning needs 1 more unit" in text
    assert page.locator(f"{PATHS} a", has_text="Machine Learning").get_attribute("href") == (
        "/courses/course-v1:Demo+ML101+2026/")
    assert page.locator(f"{PATHS} [aria-current=page]").inner_text() == "Statistics"
    page.locator(PATHS).screenshot(path=artifact_path("paths-progress-ben.png"))
    page.screenshot(path=artifact_path("paths-unit-ben.png"), full_page=True)

    login_as(page, "chen")
    page.goto(live_server.url + STATISTICS_UNIT.format("stat_credentials"))
    assert "Data Science path: all 3 courses done" in page.locator(PATHS).inner_text()
    page.locator(f"{PATHS} [data-action=claim]").click()
    page.locator(f"{PATHS} .cx-path-pending, {PATHS} .cx-path-issued").wait_for()  # issued once the claim commits
    page.reload()
    verify = page.locator("[data-role=path-verify-link]")
    verify.wait_for()
    page.screenshot(path=artifact_path("paths-claimed-chen.png"), full_page=True)

    download = page.locator(f"{PATHS} a.cx-button").get_attribute("href")
    pdf = page.request.get(live_server.url + download).body()
    assert pdf.startswith(b"%PDF")
    with open(artifact_path("paths-certificate.pdf"), "wb") as handle:
        handle.write(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", artifact_path("paths-certificate.pdf"),
                    artifact_path("paths-certificate")], check=True)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Data Science path" in text
    assert "Credentials in Practice · Statistics · Machine Learning" in " ".join(text.split())

    page.goto(verify.get_attribute("href").replace("http://127.0.0.1:8000", live_server.url))
    courses = page.locator("[data-role=path-courses] li")
    assert courses.count() == 3 and "Statistics" in courses.nth(1).inner_text()
    page.screenshot(path=artifact_path("paths-verify.png"), full_page=True)


def test_admin_preview(demo, page, live_server, login_as, artifact_path):
    from credential_admin.models import PathCredential

    login_as(page, "admin")
    pk = PathCredential.objects.get(path_key=PATH_KEY).pk
    page.goto(f"{live_server.url}/admin/credential_admin/pathcredential/{pk}/change/")
    assert "Machine Learning needs 1 more unit" in page.locator("tr[data-learner=ben]").inner_text()
    assert "yes" in page.locator("tr[data-learner=chen]").inner_text()
    page.screenshot(path=artifact_path("paths-admin-preview.png"), full_page=True)
    page.get_by_label("Find one learner (username)").fill("dana")
    page.get_by_role("button", name="Search").click()
    assert "You are not enrolled in this learning path." in page.locator("tr[data-learner=dana]").inner_text()
