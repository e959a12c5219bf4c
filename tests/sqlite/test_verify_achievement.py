"""The Achievement an Open Badges credential names by id resolves at that id, exactly as embedded."""
import json

import pytest

from tests.sqlite.test_verify_pages import BASE, assert_no_private_data, features

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


def test_achievement_is_served_at_its_id(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    badge = client.get(f"/credentials/verify/{credential.verification_id}/ob3/").json()
    embedded = badge["credentialSubject"]["achievement"]
    assert embedded["id"] == f"{BASE}/credentials/achievements/{config.pk}/"
    response = client.get(embedded["id"][len(BASE):])
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    served = json.loads(response.content)
    assert served.pop("@context") == badge["@context"][:2]
    assert served == embedded
    assert served["criteria"]["narrative"] == ("Complete at least 90% of the course. "
                                               "Score at least 75% on Final Exam.")
    assert_no_private_data(response.content.decode())


def test_unknown_or_unissued_achievement_is_404(client, learner, config, make_credential, revoke):
    assert client.get(f"/credentials/achievements/{config.pk}/").status_code == 404
    assert client.get("/credentials/achievements/999999/").status_code == 404
    assert client.get("/credentials/achievements/x/").status_code == 404
    revoke(make_credential(learner, config))
    assert client.get(f"/credentials/achievements/{config.pk}/").status_code == 404


def test_achievement_hidden_with_the_export_switched_off(client, learner, config, make_credential):
    make_credential(learner, config)
    with features(OPEN_BADGES_EXPORT=False):
        assert client.get(f"/credentials/achievements/{config.pk}/").status_code == 404
