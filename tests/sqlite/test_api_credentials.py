"""The learner credential API's list: own credentials, staff asking for a learner, everyone else refused,
pagination."""
import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from credential_admin.models import Credential, CredentialConfig

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
URL = "/credentials/api/v1/credentials/"
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def other(db):
    return get_user_model().objects.create_user("bob", "bob@example.com", "pw")


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("boss", "boss@example.com", "pw", is_staff=True)


def test_learner_sees_own_credentials_with_links(client, learner, config, make_credential, revoke, supersede):
    old = make_credential(learner, config)
    current = supersede(old, learner, config)
    Credential.objects.filter(pk=current.pk).update(storage_key="credentials/1/x.pdf")
    second = CredentialConfig.objects.create(course_key="course-v1:DemoX+B2+2026", usage_key="b2",
                                             level="completion", criteria={})
    gone = revoke(make_credential(learner, second))
    client.force_login(learner)
    data = client.get(URL).json()
    assert data["username"] == learner.username
    by_id = {row["verification_id"]: row for row in data["results"]}
    assert set(by_id) == {old.verification_id, current.verification_id, gone.verification_id}
    row = by_id[current.verification_id]
    assert row == {
        "verification_id": current.verification_id, "code": current.formatted_code, "status": "issued",
        "title": "Intro to Botany", "display_name": "Certificate", "level": "achievement", "level_label": "Achievement",
        "course_key": "course-v1:DemoX+BOT101+2026", "issued_on": "2026-03-04", "reissued_at": None,
        "revoked_at": None,
        "download_url": f"{BASE}/credentials/download/{current.verification_id}/",
        "verify_url": f"{BASE}/credentials/verify/{current.verification_id}/",
        "open_badge_url": f"{BASE}/credentials/verify/{current.verification_id}/ob3/", "badge": None,
    }
    assert by_id[old.verification_id]["status"] == "superseded"
    assert by_id[old.verification_id]["download_url"] is None and by_id[old.verification_id]["open_badge_url"] is None
    assert by_id[gone.verification_id]["status"] == "revoked"
    assert by_id[gone.verification_id]["revoked_at"] == "2026-05-06T07:08:00+00:00"
    assert by_id[gone.verification_id]["verify_url"].endswith(f"/verify/{gone.verification_id}/")


def test_links_follow_feature_switches(client, learner, config, make_credential):
    make_credential(learner, config)
    client.force_login(learner)
    with override_settings(CREDENTIAL_XBLOCK_FEATURES={"VERIFICATION_PAGE": False, "OPEN_BADGES_EXPORT": False}):
        row = client.get(URL).json()["results"][0]
    assert row["verify_url"] is None and row["open_badge_url"] is None


def test_anonymous_is_refused(client, learner, config, make_credential):
    make_credential(learner, config)
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == 'Session realm="credentials"'


def test_learner_cannot_see_someone_else(client, learner, other, config, make_credential):
    make_credential(learner, config)
    client.force_login(other)
    assert client.get(URL, {"username": learner.username}).status_code == 403
    assert client.get(URL).json() == {"username": "bob", "count": 0, "next": None, "previous": None, "results": []}
    assert client.get(URL, {"username": "bob"}).status_code == 200


def test_staff_may_ask_for_a_learner(client, learner, staff, config, make_credential):
    credential = make_credential(learner, config)
    client.force_login(staff)
    data = client.get(URL, {"username": learner.username}).json()
    assert [row["verification_id"] for row in data["results"]] == [credential.verification_id]
    assert client.get(URL, {"username": "nobody-here"}).status_code == 404


def test_only_get(client, learner):
    client.force_login(learner)
    assert client.post(URL).status_code == 405


def test_course_staff_see_only_their_courses(client, learner, other, config, monkeypatch, make_credential):
    mine = make_credential(learner, config)
    elsewhere = CredentialConfig.objects.create(course_key="course-v1:OtherX+Z1+2026", usage_key="z1",
                                                level="completion", criteria={})
    make_credential(learner, elsewhere)
    monkeypatch.setattr("credential_admin.backends.standalone.StandaloneBackend.is_course_staff",
                        lambda self, user, course_key: user == other and course_key == config.course_key)
    client.force_login(other)
    data = client.get(URL, {"username": learner.username}).json()
    assert [row["verification_id"] for row in data["results"]] == [mine.verification_id]
    carol = get_user_model().objects.create_user("carol", "carol@example.com", "pw")
    make_credential(carol, elsewhere)
    assert client.get(URL, {"username": "carol"}).status_code == 403
    assert client.get(URL, {"username": "nobody-here"}).status_code == 403  # no existence leak to non-staff


def test_pages_newest_first(client, learner, config, make_credential):
    rows = []
    for number in range(5):
        other_config = CredentialConfig.objects.create(course_key=f"course-v1:DemoX+P{number}+2026",
                                                       usage_key=f"p{number}", level="completion", criteria={})
        rows.append(make_credential(learner, other_config).verification_id)
    client.force_login(learner)
    first = client.get(URL, {"page_size": 2}).json()
    assert first["count"] == 5 and first["previous"] is None
    assert [row["verification_id"] for row in first["results"]] == rows[::-1][:2]
    third = client.get(first["next"].replace("http://testserver", "")).json()
    third = client.get(third["next"].replace("http://testserver", "")).json()
    assert [row["verification_id"] for row in third["results"]] == [rows[0]] and third["next"] is None
    missing = client.get(URL, {"page": 9})
    assert missing.status_code == 404 and missing.json() == {"detail": "Invalid page."}
    assert client.get(URL, {"page": "x"}).status_code == 404
