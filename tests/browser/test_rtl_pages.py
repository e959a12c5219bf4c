"""Right-to-left pages in Arabic (`ar`), in headless Chromium, with a screenshot of each (artifact_path("rtl-…")):
the learner's checklist, the staff panel, the verification page and the demo's pages. The layout mirrors: the
progress bars fill from the right and their threshold marker sits at N% from the right edge; no page is wider
than the window (the demo's skip link once widened it to 2,279 px)."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from credential_admin.demo.seed import COURSE_KEY
from tests.browser.conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UNIT = f"/courses/{COURSE_KEY}/units/block-v1:Demo+CX101+2026+type@vertical+block@{{}}/"
ACHIEVEMENT = "[data-usage$='achievement_credential']"


@pytest.fixture
def demo(transactional_db):
    call_command("demo_setup", stdout=io.StringIO())


@pytest.fixture
def ar_page(chromium, live_server):
    """A page whose browser asks for Arabic (Accept-Language: ar); fails on any script or HTTP error."""
    with browser_page(chromium, locale="ar", width=1000) as page:
        yield page


def assert_rtl_and_not_wider_than_the_window(page):
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"page {widths[0]} px wide in a {widths[1]} px window"


def bars(page, scope):
    """Each bar's box, its fill's box and its marker's box, and the threshold the marker stands for."""
    return page.evaluate("""scope => [...document.querySelectorAll(scope + ' .cx-bar')].map(bar => {
        const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.right, r.width]; };
        return {bar: box(bar), fill: box(bar.querySelector('.cx-bar-fill')),
                marker: box(bar.querySelector('.cx-bar-marker')),
                threshold: parseFloat(bar.querySelector('.cx-bar-marker').style.insetInlineStart)};
    })""", scope)


def test_checklist_mirrors(demo, ar_page, live_server, login_as, artifact_path):
    login_as(ar_page, "dana")
    ar_page.goto(live_server.url + UNIT.format("credentials_unit"))
    assert_rtl_and_not_wider_than_the_window(ar_page)
    found = bars(ar_page, ACHIEVEMENT)
    # dana: overall 88% (80% required), Final Exam 70% (75% required).
    assert [item["threshold"] for item in found] == [80, 75]
    text = ar_page.locator(ACHIEVEMENT).inner_text()  # translated, with the dates and numbers of the learner
    assert "احصل على درجة إجمالية لا تقل عن 80%" in text and "الدرجة الإجمالية: 88%" in text
    for item in found:
        _left, right, width = item["bar"]
        assert item["fill"][1] == pytest.approx(right, abs=1)  # fills from the right edge
        marker_centre = (item["marker"][0] + item["marker"][1]) / 2
        assert marker_centre == pytest.approx(right - width * item["threshold"] / 100, abs=3)
    ar_page.locator(ACHIEVEMENT).screenshot(path=artifact_path("rtl-checklist-dana.png"))
    ar_page.screenshot(path=artifact_path("rtl-unit-dana.png"), full_page=True)


def test_staff_panel(demo, ar_page, live_server, login_as, artifact_path):
    login_as(ar_page, "staff")
    ar_page.goto(live_server.url + UNIT.format("credentials_unit"))
    ar_page.wait_for_function(
        f"document.querySelector(\"{ACHIEVEMENT} [data-role=counts]\").getAttribute('aria-busy') === 'false'")
    assert_rtl_and_not_wider_than_the_window(ar_page)
    ar_page.screenshot(path=artifact_path("rtl-staff-panel.png"), full_page=True)


def test_demo_pages_and_the_skip_link(demo, ar_page, live_server, login_as, artifact_path, settings):
    settings.COMPLETION_BY_VIEWING_DELAY_MS = 300
    ar_page.goto(live_server.url + "/")
    assert_rtl_and_not_wider_than_the_window(ar_page)
    assert "عرض الاعتمادات التجريبي" in ar_page.locator("header").inner_text()
    ar_page.screenshot(path=artifact_path("rtl-demo-index.png"), full_page=True)
    login_as(ar_page, "dana")
    # dana has not viewed the Summary: the navigation's badge appears once the page has counted it as viewed.
    served = ar_page.goto(live_server.url + UNIT.format("summary_unit")).text()
    current_item = served[served.index('data-role="current-unit"'):]
    assert "badge done" not in current_item[:current_item.index("</li>")]  # not complete when served
    ar_page.keyboard.press("Tab")
    assert ar_page.evaluate("document.activeElement.className") == "skip-link"
    assert_rtl_and_not_wider_than_the_window(ar_page)
    ar_page.locator("[data-role=current-unit] .badge.done").wait_for(timeout=5000)
    assert ar_page.locator("[data-role=unit-status]").inner_text().strip()
    ar_page.screenshot(path=artifact_path("rtl-demo-unit-viewed.png"), full_page=True)


def test_verification_page(ar_page, live_server, learner, make_config, make_credential, artifact_path,
                           fresh_rate_limits):
    credential = make_credential(learner, make_config(usage_key="c1"), name="نور الهدى")
    ar_page.goto(f"{live_server.url}/credentials/verify/{credential.verification_id}/")
    assert_rtl_and_not_wider_than_the_window(ar_page)
    assert "اعتماد صالح" in ar_page.locator("[role=status]").inner_text()
    assert "4 مارس، 2026" in ar_page.locator("main").inner_text()  # the localised date
    ar_page.keyboard.press("Tab")
    assert_rtl_and_not_wider_than_the_window(ar_page)
    ar_page.screenshot(path=artifact_path("rtl-verify.png"), full_page=True)
