"""Storage, downloads, signatures and claims against the real services (S3 server, Redis worker, the database)."""
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from credential_admin.issuing import api, pipeline, signing
from credential_admin.issuing.pdf import read_embedded_payload
from credential_admin.models import Credential
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration]


@pytest.fixture
def issued(course_with_learners, s3_bucket):
    """Three learners, two of whom completed the course; issued in this process straight to the S3 server."""
    config, users = course_with_learners(3, completed=2)
    result = pipeline.issue_for_users(config, [user.pk for user in users])
    assert (result.issued, result.not_eligible) == (2, 1)
    return config, users


def download_url(credential: Credential) -> str:
    return reverse("credential_admin:credential_download", args=[credential.verification_id])


def test_objects_are_encrypted_private_and_refuse_anonymous_reads(issued, s3_server, s3_bucket):
    config, _users = issued
    client = s3_server.client()
    for credential in Credential.objects.filter(config=config):
        head = client.head_object(Bucket=s3_bucket, Key=credential.storage_key)
        assert head["ServerSideEncryption"] == "AES256"
        grants = client.get_object_acl(Bucket=s3_bucket, Key=credential.storage_key)["Grants"]
        assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner alone
        anonymous = requests.get(f"{s3_server.endpoint}/{s3_bucket}/{credential.storage_key}", timeout=10)
        assert anonymous.status_code == 403 and b"%PDF" not in anonymous.content


def test_owner_is_redirected_to_a_presigned_url_that_stops_working_after_expiry(issued, client, settings):
    """The S3 server judges expiry on its own clock while this process signs on a travelled one (time-machine), so
    no real time passes: a 60-second URL signed 30 s ago works, one signed 10 minutes ago expired 9 minutes ago."""
    settings.CREDENTIAL_XBLOCK_DOWNLOAD_URL_TTL = 60
    _config, users = issued
    credential = Credential.objects.get(user=users[0])
    client.force_login(users[0])

    def signed_ago(seconds: int) -> str:
        with time_machine.travel(datetime.now(UTC) - timedelta(seconds=seconds), tick=False):
            response = client.get(download_url(credential))
        assert response.status_code == 302 and "X-Amz-Signature=" in response["Location"]
        assert "X-Amz-Expires=60" in response["Location"] and response["Cache-Control"] == "private, no-store"
        return response["Location"]

    fetched = requests.get(signed_ago(30), timeout=10)
    assert fetched.status_code == 200 and fetched.headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(fetched.content).hexdigest() == credential.pdf_sha256
    expired = requests.get(signed_ago(600), timeout=10)
    assert expired.status_code == 403 and b"Request has expired" in expired.content


def test_another_learner_gets_404_and_course_staff_get_the_file(issued, client):
    _config, users = issued
    owner, other, _not_eligible = users
    credential = Credential.objects.get(user=owner)
    client.force_login(other)
    assert client.get(download_url(credential)).status_code == 404
    client.logout()
    assert client.get(download_url(credential)).status_code == 404
    staff = get_user_model().objects.create_user("course-staff", is_staff=True)
    client.force_login(staff)
    response = client.get(download_url(credential))
    assert response.status_code == 302
    assert hashlib.sha256(requests.get(response["Location"], timeout=10).content).hexdigest() == credential.pdf_sha256
    unknown = reverse("credential_admin:credential_download", args=["x" * 24])
    assert client.get(unknown).status_code == 404


def test_stored_pdf_carries_a_signature_that_fails_on_any_changed_byte(issued, s3_server, s3_bucket):
    _config, users = issued
    credential = Credential.objects.get(user=users[0])
    pdf = s3_server.client().get_object(Bucket=s3_bucket, Key=credential.storage_key)["Body"].read()
    envelope = signing.open_envelope(read_embedded_payload(pdf))
    assert envelope.payload == credential.payload.encode() and envelope.key_id == credential.key_id
    assert envelope.verify_url == pipeline.verify_url(credential.verification_id) == envelope.facts["verify_url"]
    assert envelope.facts["name"] == "Læarner Nº0" and envelope.facts["id"] == credential.verification_id
    assert envelope.verifies()
    for index in range(len(envelope.payload)):
        changed = bytearray(envelope.payload)
        changed[index] ^= 0x04
        assert not signing.verify(bytes(changed), envelope.signature, envelope.key_id), index


def test_after_key_rotation_old_and_new_credentials_verify(course_with_learners, s3_bucket, settings):
    config, users = course_with_learners(2)
    pipeline.issue_for_users(config, [users[0].pk])
    new_key = signing.rotate()
    pipeline.issue_for_users(config, [users[1].pk])
    old, new = (Credential.objects.get(user=user) for user in users)
    assert new.key_id == new_key != old.key_id
    keys = json.loads(Path(settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE).read_text())
    assert set(keys) >= {old.key_id, new.key_id}
    for credential in (old, new):
        assert signing.verify(credential.payload.encode(), credential.signature, credential.key_id)
        assert not signing.verify(credential.payload.encode(), credential.signature,
                                  new.key_id if credential is old else old.key_id)


def test_claiming_twice_gives_one_credential_and_an_ineligible_claim_is_refused(
        course_with_learners, start_worker, celery_queue, s3_server, s3_bucket):
    config, users = course_with_learners(2, completed=1)
    start_worker("claims")
    first = api.claim(users[0], config.course_key, config.usage_key)  # queued after commit, issued by the worker
    assert first.status in ("pending", "issued")
    wait_until(lambda: Credential.objects.filter(status="issued").count() == 1, 60, "the worker to issue the claim")
    again = api.claim(users[0], config.course_key, config.usage_key)
    assert again.status == "issued" and again.short_code == first.short_code
    assert again.download_url == download_url(Credential.objects.get())
    assert Credential.objects.filter(user=users[0]).count() == 1
    with pytest.raises(api.ClaimRefused, match="completion 0% < 100%"):
        api.claim(users[1], config.course_key, config.usage_key)
    assert not Credential.objects.filter(user=users[1]).exists()
    assert s3_server.keys(s3_bucket) == {Credential.objects.get().storage_key}


def test_the_database_itself_refuses_a_second_active_credential(course_with_learners):
    from django.db import IntegrityError, transaction

    config, users = course_with_learners(1)
    Credential.objects.create(verification_id="a" * 24, short_code="A" * 12, user=users[0], config=config)
    with pytest.raises(IntegrityError), transaction.atomic():
        Credential.objects.create(verification_id="b" * 24, short_code="B" * 12, user=users[0], config=config,
                                  status=Credential.Status.FAILED)
    for letter in "CD":  # inactive rows (NULL marker) never collide
        Credential.objects.create(verification_id=letter * 24, short_code=letter * 12, user=users[0], config=config,
                                  status=Credential.Status.SUPERSEDED)
    assert Credential.objects.filter(user=users[0], config=config).count() == 3


def test_kms_encryption_is_configurable(course_with_learners, s3_server, s3_bucket, settings):
    options = {**s3_server.storage_options(s3_bucket), "encryption": "aws:kms", "kms_key_id": "alias/certificates"}
    settings.STORAGES = {**settings.STORAGES, "certificates": {
        "BACKEND": "credential_admin.issuing.s3.PrivateS3Storage", "OPTIONS": options}}
    config, users = course_with_learners(1)
    assert pipeline.issue_for_users(config, [users[0].pk]).issued == 1
    head = s3_server.client().head_object(Bucket=s3_bucket, Key=Credential.objects.get().storage_key)
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"].endswith("alias/certificates")
