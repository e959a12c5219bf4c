"""The cached verification responses (credential_admin/verification/cache.py): a hit costs one indexed query, a
miss renders no template (the page is its shape's skeleton filled in, byte for byte the direct render), a revoke or
reissue is visible on the very next request, and ETag / Cache-Control let clients and CDNs hold them."""
import dataclasses
import itertools
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.template import loader
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

from credential_admin.issuing import lifecycle, signing
from credential_admin.verification import cache, records, views
from credential_xblock.records import Enrollment, LearnerRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
ACTOR = lifecycle.Actor(label="test:perf")


def urls(credential):
    base = f"/credentials/verify/{credential.verification_id}/"
    return {"page": base, "json": base + "json/", "ob3": base + "ob3/"}


def test_a_first_request_runs_one_query_and_the_next_a_light_one(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    assert signing.public_key(credential.key_id) is not None  # a recorded key is read once per process
    for kind, url in urls(credential).items():
        with CaptureQueriesContext(connection) as first:
            assert client.get(url).status_code == 200
        # The indexed lookup by verification id; an OB3 document is signed then, which records its key.
        assert len(first) == (2 if kind == "ob3" else 1), [q["sql"] for q in first]
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        assert again.status_code == 200
        assert len(queries) == 1, [q["sql"] for q in queries]  # the state only: no learner, no signed payload
        assert "auth_user" not in queries[0]["sql"] and "payload" not in queries[0]["sql"]


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
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    held = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert held.status_code == 304 and held["ETag"] == etag and held.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    lifecycle.revoke(credential, actor=ACTOR, reason="Plagiarism found")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code != 304


def test_public_documents_and_the_page_may_be_held_by_a_cdn(client, learner, config, make_credential, settings):
    credential = make_credential(learner, config)
    for kind in ("page", "json", "ob3"):
        assert client.get(urls(credential)[kind])["Cache-Control"] == "public, max-age=60"
    assert client.get("/credentials/status/0/")["Cache-Control"] == "public, max-age=60"
    settings.CREDENTIAL_XBLOCK_VERIFY_CACHE_SECONDS = 15
    assert client.get(urls(credential)["page"])["Cache-Control"] == "public, max-age=15"


def test_the_page_is_the_same_for_every_reader_and_sets_no_cookie(client, learner, config, make_credential):
    """No CSRF token (the PDF check changes nothing), no cookie: what a CDN keeps is right for anyone."""
    from django.test import Client

    credential = make_credential(learner, config)
    first = client.get(urls(credential)["page"])
    other = Client().get(urls(credential)["page"], HTTP_COOKIE="csrftoken=abcdefghijklmnopqrstuvwxyz012345")
    assert first.content == other.content and first["ETag"] == other["ETag"]
    assert not first.cookies and not other.cookies
    assert b"csrfmiddlewaretoken" not in first.content


def test_public_page_still_shows_a_reissue_or_revoke_on_the_next_request(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    held = client.get(urls(credential)["page"])
    assert held["Cache-Control"].startswith("public") and "Valid credential" in held.content.decode()
    record = LearnerRecord(user_id=learner.pk, username=learner.username, full_name="Zoë Ångström",
                           completed_units=19, counted_units=20, grade_percent=0.0,
                           type_percents={"Final Exam": 0.81}, enrollment=Enrollment("verified", True))
    new = lifecycle.reissue(credential, actor=ACTOR, reason="name", record=record, title="Intro to Botany")
    page = client.get(urls(credential)["page"], HTTP_IF_NONE_MATCH=held["ETag"])
    assert page.status_code == 200 and "Superseded" in page.content.decode()
    assert f'href="/credentials/verify/{new.verification_id}/"' in page.content.decode()
    held = client.get(urls(new)["page"])
    assert "Valid credential" in held.content.decode()
    lifecycle.revoke(new, actor=ACTOR, reason="Plagiarism found")
    revoked = client.get(urls(new)["page"], HTTP_IF_NONE_MATCH=held["ETag"])
    assert revoked.status_code == 200 and "Revoked" in revoked.content.decode()


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


# ----- a cache miss fills its shape's skeleton: byte for byte the direct render ------------------------------------

PAGE = views.PAGE_TEMPLATE
PLAIN = {"name": "Ada Lovelace", "title": "Intro to Botany", "issuer": "Demo Academy", "code": "ABCD-EFGH-JKMN",
         "key": "key-2026", "reason": "Plagiarism found", "date": datetime(2026, 5, 6, 7, 8, tzinfo=UTC),
         "badge": "Botany Badge", "other": "vid-00000000000000000001"}
SPECIAL = {"name": "<script>alert('x')</script> & \"Zoë\"", "title": "Ботаника & <b>co</b>", "issuer": "جامعة القاهرة",
           "code": "WXYZ-2345-6789", "key": "k'<&>", "reason": "Raison: \"copie\" <i>&</i>",
           "date": datetime(2025, 12, 31, 23, 59, tzinfo=UTC), "badge": "徽章 <3", "other": "vid-zzzzzzzzzzzzzzzzzzzz"}
NAMES = {"plain": PLAIN, "special": SPECIAL, "rtl": {**SPECIAL, "name": "زوي كوالسكي", "title": "علم النبات"},
         "cjk": {**SPECIAL, "name": "张伟", "title": "植物学入门", "issuer": "演示学院"}}


def varied_facts(base: records.PublicFacts, values: dict) -> list[records.PublicFacts]:
    """One credential's facts in every status and with every optional part, printed with `values`."""
    at = values["date"]
    facts = dataclasses.replace(base, name=values["name"], title=values["title"], issuer=values["issuer"],
                                code=values["code"], key_id=values["key"], issued_on=at.date())
    shown = {"name": values["badge"], "description": values["title"], "criteria": values["name"]}
    badge = dataclasses.replace(facts, level="badge", level_label=records.level_label("badge"),
                                payload={**facts.payload, "badge": shown})
    path = dataclasses.replace(facts, rules=[], courses=[
        {"key": "course-v1:A+B+C", "title": values["title"], "rules": [*facts.rules, values["name"]]},
        {"key": "course-v1:A+B+D", "title": values["issuer"], "rules": []}])
    revoked = dataclasses.replace(facts, status="revoked", revoked_at=at)
    return [
        facts, badge, path, dataclasses.replace(path, courses=path.courses[1:]),
        dataclasses.replace(facts, reissued_at=at), dataclasses.replace(facts, expires_at=at),
        dataclasses.replace(facts, status="expired", expires_at=at),
        dataclasses.replace(facts, status="superseded", superseded_by=values["other"]),
        dataclasses.replace(facts, status="superseded"),
        revoked, dataclasses.replace(revoked, revocation_reason=values["reason"]),
        dataclasses.replace(revoked, revoked_at=None), dataclasses.replace(badge, status="revoked", revoked_at=at),
        dataclasses.replace(revoked, withdrawn=True, name=None, payload={}, signature_valid=False),
        dataclasses.replace(facts, signature_valid=False, payload={}),
        dataclasses.replace(facts, name=None, issuer=""), dataclasses.replace(facts, rules=[]),
        dataclasses.replace(facts, rules=facts.rules * 3),
    ]


@pytest.fixture
def issued_facts(learner, config, make_credential):
    credential = records.find(make_credential(learner, config).verification_id)
    return credential, records.facts_of(credential)


@pytest.mark.parametrize("language", ["en", "ar", "fr"])
def test_a_filled_skeleton_is_the_direct_render_byte_for_byte(rf, issued_facts, monkeypatch, language):
    """Every shape is made from plain values, then filled with others (HTML specials, RTL, CJK) without a render."""
    credential, base = issued_facts
    request = rf.get(f"/credentials/verify/{credential.verification_id}/")
    cache.SKELETONS.clear()
    with translation.override(language):
        for facts in varied_facts(base, PLAIN):
            cache.SKELETONS.render(request, PAGE, views.page_context(request, facts, credential.config_id))
        renders = []
        direct = loader.render_to_string
        monkeypatch.setattr(cache, "render_to_string", lambda *args: renders.append(args) or direct(*args))
        for values in NAMES.values():
            for facts in varied_facts(base, values):
                context = views.page_context(request, facts, credential.config_id)
                assert cache.SKELETONS.render(request, PAGE, context) == direct(PAGE, context, request)
        assert renders == []  # every page was a filled skeleton


@pytest.mark.parametrize("show_reason", [True, False])
def test_real_credentials_in_every_state_fill_to_the_direct_render(rf, client, learner, config, make_credential,
                                                                   supersede, revoke, settings, show_reason):
    settings.CREDENTIAL_XBLOCK_FEATURES = {"SHOW_REVOCATION_REASON": show_reason}
    first = make_credential(learner, config, name="<b>Ada</b> & 'Lovelace'")
    second = supersede(first, learner, config, name="Ada Lovelace")
    revoke(second, reason="<script>x</script>")
    request = rf.get("/credentials/verify/x/")
    for credential, language in itertools.product((first, second), ("en", "ar", "fr")):
        credential = records.find(credential.verification_id)
        with translation.override(language):
            context = views._page_context(request, credential)
            cache.SKELETONS.render(request, PAGE, context)  # the first of its shape is rendered directly
            assert cache.SKELETONS.render(request, PAGE, context) == loader.render_to_string(PAGE, context, request)
    page = client.get(f"/credentials/verify/{second.verification_id}/").content.decode()
    assert ("&lt;script&gt;x&lt;/script&gt;" in page) is show_reason and "<script>x" not in page


def test_a_template_that_transforms_a_printed_value_is_always_rendered(rf, issued_facts, settings, tmp_path):
    """A site's own page template that filters a value cannot be filled: it is rendered for every page."""
    credential, base = issued_facts
    folder = tmp_path / "credential_admin" / "verify"
    folder.mkdir(parents=True)
    folder.joinpath("page.html").write_text("{{ name|upper }} {{ title }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    request = rf.get("/")
    pages = [cache.SKELETONS.render(request, PAGE, views.page_context(request, dataclasses.replace(
        base, name=name), credential.config_id)) for name in ("ada", "bob", "cy")]
    assert pages == ["ADA Intro to Botany", "BOB Intro to Botany", "CY Intro to Botany"]


def test_skeletons_are_bounded_least_recently_used_first(rf, issued_facts, monkeypatch):
    credential, base = issued_facts
    monkeypatch.setattr(cache, "SKELETONS", cache.Skeletons(2))
    request = rf.get("/")
    shapes = [dataclasses.replace(base, rules=base.rules * count) for count in (1, 2, 3)]
    for facts in shapes:
        cache.SKELETONS.render(request, PAGE, views.page_context(request, facts, credential.config_id))
    assert len(cache.SKELETONS._items) == 2


@pytest.mark.parametrize("prefix", ["/", "/lms/"])
def test_links_by_verification_id_are_what_reverse_gives(prefix):
    from django.urls import reverse, set_script_prefix

    set_script_prefix(prefix)
    try:
        for name in ("page", "json", "ob3"):
            for verification_id in ("Abc_def-0123456789xyz", "0000000000000000", "not an id é%", "short"):
                full = f"credential_admin:verify:{name}"
                assert views.id_url(full, verification_id) == reverse(full, args=[verification_id])
    finally:
        set_script_prefix("/")
