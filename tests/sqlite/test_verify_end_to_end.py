"""End to end on the real pipeline: a credential issued for the demo course, its page, its PDF, its badge."""
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from credential_admin.issuing import pipeline
from credential_admin.models import Credential, CredentialConfig
from credential_admin.verification import multibase, statuslist
from tests.pdf_samples import check_findings as findings
from tests.pdf_samples import edit_printed_text
from tests.unit.test_openbadges import independent_verify

pytestmark = pytest.mark.django_db
SCORES = {"hw1_q1": (2, 2), "hw1_q2": (1, 1), "hw2_q1": (1, 1), "exam_q1": (4, 4)}


@pytest.fixture
def issued(settings, tmp_path, demo_course, make_learner, record_scores, block_key):
    settings.CREDENTIAL_XBLOCK_BASE_URL = "https://lms.example.org"
    settings.CREDENTIAL_XBLOCK_ISSUER_NAME = "Example University"
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE = str(tmp_path / "keys.json")
    settings.STORAGES = {**settings.STORAGES, "certificates": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "files")}}}
    settings.CREDENTIAL_XBLOCK_STORAGE = "certificates"
    config = CredentialConfig.objects.create(
        course_key=demo_course.course_key, usage_key="block-v1:Demo+CRED101+2026+type@credential+block@ach",
        display_name="Achievement", level="achievement",
        criteria={"min_completion": None, "min_grade": "80", "min_type_grades": {"Final Exam": "75"}})
    alice = make_learner(demo_course, username="alice", name="Alice Ångström")
    record_scores(alice, demo_course, {block_key(demo_course, "problem", key): score for key, score in SCORES.items()})
    assert pipeline.issue_for_users(config, [alice.pk]).issued == 1
    credential = Credential.objects.get()
    with storages["certificates"].open(credential.storage_key, "rb") as handle:
        return credential, handle.read()


def test_page_pdf_and_badge_of_an_issued_credential(client, issued):
    credential, pdf = issued
    html = client.get(f"/credentials/verify/{credential.verification_id}/").content.decode()
    for fact in ("Valid credential", "Alice Ångström", "Credentials 101", "Achievement", "Example University",
                 "Overall grade: 100% (required 80%)", "Final Exam: 100% (required 75%)", "Verified"):
        assert fact in html, fact
    assert "alice@example.com" not in html and ">alice<" not in html
    page = f"/credentials/verify/{credential.verification_id}/"
    assert findings(client.post(page, {"pdf": SimpleUploadedFile("c.pdf", pdf)}))[0] == "match"
    forged = edit_printed_text(pdf, "Alice Ångström", "Mallory")
    assert "Mallory" in PdfReader(io.BytesIO(forged)).pages[0].extract_text()
    assert findings(client.post(page, {"pdf": SimpleUploadedFile("c.pdf", forged)}))[1:] == [
        "This file is not byte for byte the certificate that was issued.",
        "The name printed on the file does not match the record: it was changed."]
    badge = json.loads(client.get(f"{page}ob3/").content)
    assert badge["issuer"]["name"] == "Example University"
    assert badge["credentialSubject"]["achievement"]["criteria"]["narrative"] == (
        "Reach an overall grade of at least 80%. Score at least 75% on Final Exam.")
    key_document = client.get(badge["proof"]["verificationMethod"].removeprefix("https://lms.example.org")).json()
    public_key = Ed25519PublicKey.from_public_bytes(multibase.ed25519_from_multikey(key_document["publicKeyMultibase"]))
    assert independent_verify(badge, public_key)
    Credential.objects.filter(pk=credential.pk).update(status="revoked", active=None)
    status_list = client.get(badge["credentialStatus"]["statusListCredential"].removeprefix(
        "https://lms.example.org")).json()
    assert statuslist.is_set(statuslist.decode(status_list["credentialSubject"]["encodedList"]),
                             int(badge["credentialStatus"]["statusListIndex"]))
    assert independent_verify(status_list, public_key)
