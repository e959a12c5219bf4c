"""The cached verification responses (credential_admin/verification/cache.py): a hit costs one indexed query, a
revoke or reissue is visible on the very next request, and ETag / Cache-Control let clients and CDNs hold them."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from credential_admin.issuing import lifecycle
from credential_admin.verification.cache import CSRF_PLACEHOLDER
from credential_xblock.records import Enrollment, LearnerRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
ACTOR = lifecycle.Actor(label="test:perf")


def urls(credential):
    base = f"/credentials/verify/{credential.verification_id}/"
    return {"page": base, "json": base + "json/", "ob3": base + "ob3/"}


def test_second_request_runs_one_query_and_renders_nothing(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    for url in urls(credential).values():
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        assert again.status_code == 200
        assert len(queries) == 1, [q["sql"] for q in queries]  # the indexed lookup by verification id


def test_page_carries_this_browsers_csrf_token_not_the_placeholder(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    client.get(urls(credential)["page"])
    html = client.get(urls(credential)["page"]).content.decode()
    token = client.cookies["csrftoken"].value
    assert CSRF_PLACEHOLDER not in html
    assert 'name="csrfmiddlewaretoken" value="' in html and token  # masked per request, valid for the cookie


def test_revoke_is_visible_on_the_next_request_everywhere(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    before = {kind: client.get(url) for kind, url in urls(credential).items()}
    assert "Valid credential" in before["page"].content.decode()
    assert before["json"].json()["status"] == "issued"
    status_list = client.get("/credentials/status/0/")
    lifecycle.revoke(credential, actor=ACTOR, reason="Plagiarism found")
    page = client.get(urls(credential)["page"]).content.decode()
    assert "Valid credential" not in page and "Revoked" in page
    assert client.get(urls(credential)["json"]).json()["status"] == "revoked"
    assert client.get(urls(credential)["ob3"]).status_code == 404
    assert client.get("/credentials/status/0/")["ETag"] != status_list["ETag"]  # its bit is set now


def test_reissue_is_visible_on_the_next_request(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    client.get(urls(credential)["page"])
    client.get(urls(credential)["json"])
    record = LearnerRecord(user_id=learner.pk, username=learner.username, full_name="Zoë Ångström",
                           completed_units=19, counted_units=20, grade_percent=0.0,
                           type_percents={"Final Exam": 0.81}, enrollment=Enrollment("verified", True))
    new = lifecycle.reissue(credential, actor=ACTOR, reason="name", record=record, title="Intro to Botany")
    assert new is not None
    page = client.get(urls(credential)["page"]).content.decode()
    assert "Superseded" in page and f'href="/credentials/verify/{new.verification_id}/"' in page
    assert client.get(urls(credential)["json"]).json()["status"] == "superseded"


def test_name_display_switch_is_visible_on_the_next_request(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    assert client.get(urls(credential)["json"]).json()["name"] == "Zoë Ångström-Kowalski"
    with override_settings(CREDENTIAL_XBLOCK_FEATURES={"PUBLIC_NAME_DISPLAY": False}):
        assert client.get(urls(credential)["json"]).json()["name"] is None
        assert "Ångström" not in client.get(urls(credential)["page"]).content.decode()


@pytest.mark.parametrize("kind", ["page", "json", "ob3"])
def test_etag_gives_304_until_the_credential_changes(client, learner, config, make_credential, kind):
    credential = make_credential(learner, config)
    url = urls(credential)[kind]
    client.get(urls(credential)["page"])  # the browser has its CSRF cookie, as after any first visit
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    held = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert held.status_code == 304 and held["ETag"] == etag and held.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    lifecycle.revoke(credential, actor=ACTOR, reason="Plagiarism found")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code != 304


def test_public_documents_may_be_held_by_a_cdn_the_page_only_by_the_browser(client, learner, config,
                                                                             make_credential, settings):
    credential = make_credential(learner, config)
    for kind in ("json", "ob3"):
        assert client.get(urls(credential)[kind])["Cache-Control"] == "public, max-age=60"
    assert client.get("/credentials/status/0/")["Cache-Control"] == "public, max-age=60"
    assert client.get(urls(credential)["page"])["Cache-Control"] == "private, no-cache"
    settings.CREDENTIAL_XBLOCK_VERIFY_CACHE_SECONDS = 15
    assert client.get(urls(credential)["json"])["Cache-Control"] == "public, max-age=15"


def test_status_list_is_signed_again_only_when_its_bits_change(client, learner, config, make_credential):
    make_credential(learner, config)
    first = client.get("/credentials/status/0/")
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/credentials/status/0/")
    assert second.content == first.content  # the same signed document, not a new proof
    assert len(queries) == 2, [q["sql"] for q in queries]  # the last list number, then the revoked ids


def test_kept_responses_are_bounded_least_recently_used_first(settings):
    from credential_admin.verification.cache import Responses

    settings.CREDENTIAL_XBLOCK_VERIFY_CACHE_ENTRIES = 3
    store = Responses()
    for n in range(6):
        store.put(str(n), n)
        store.get("3")  # kept in use from the moment it arrives
    assert [store.get(str(n)) for n in range(6)] == [None, None, None, 3, 4, 5]
    store.put("6", 6)  # drops 3, the least recently used (4 and 5 were read after it just above)
    assert [store.get(str(n)) for n in range(3, 7)] == [None, 4, 5, 6]
