"""The issuing pipeline on SQLite: one active credential per learner, evaluate → reserve → render → sign → store.

Fixtures (isolated_issuing, achievement, ace) are in tests/sqlite/conftest.py.
Hand computation for the demo course (tests/fixtures/courses/demo, policy Homework min 3 drop 1 weight 0.4,
Final Exam weight 0.6): full marks everywhere → Homework (100 + 100 + 0 padded, lowest dropped) = 100%,
Final 100% → course grade 0.4 * 100 + 0.6 * 100 = 100%. Nothing answered → 0%.
"""
import hashlib
import json
import re
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from credential_admin.issuing import pipeline, signing
from credential_admin.issuing.pdf import read_embedded_payload
from credential_admin.issuing.storage import StorageError
from credential_admin.models import AuditLog, Credential, SigningKey

pytestmark = pytest.mark.usefixtures("isolated_issuing")
SCORES = {"hw1_q1": (2, 2), "hw1_q2": (1, 1), "hw2_q1": (1, 1)}  # the demo course's Homework problems


@pytest.mark.django_db
def test_database_admits_one_active_credential_per_learner_and_config(achievement, make_learner, demo_course):
    user = make_learner(demo_course)
    first = Credential.objects.create(verification_id="v1", short_code="C1", user=user, config=achievement)
    with pytest.raises(IntegrityError), transaction.atomic():
        Credential.objects.create(verification_id="v2", short_code="C2", user=user, config=achievement,
                                  status=Credential.Status.FAILED)
    first.status = Credential.Status.SUPERSEDED
    first.save()
    assert first.active is None
    Credential.objects.create(verification_id="v3", short_code="C3", user=user, config=achievement,
                              status=Credential.Status.SUPERSEDED)
    Credential.objects.create(verification_id="v4", short_code="C4", user=user, config=achievement)
    assert Credential.objects.filter(user=user, config=achievement).count() == 3


@pytest.mark.django_db
def test_issue_for_eligible_learner_stores_signed_pdf(achievement, ace, make_learner, demo_course, stored_bytes):
    alice = ace()
    bob = make_learner(demo_course, username="bob", name="Bob Nothing")
    result = pipeline.issue_for_users(achievement, [alice.pk, bob.pk])
    assert (result.issued, result.already, result.not_eligible, result.failed) == (1, 0, 1, {})
    credential = Credential.objects.get()
    assert credential.user == alice and credential.status == "issued"
    assert len(credential.verification_id) == 24 and len(credential.short_code) == 12
    pdf = stored_bytes(credential)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == credential.pdf_sha256
    # Named by a keyed hash, never by the public verification id (a public storage must not serve it by id).
    assert re.fullmatch(rf"credentials/{achievement.pk}/[0-9a-f]{{40}}\.pdf", credential.storage_key)
    assert credential.verification_id not in credential.storage_key
    facts = json.loads(credential.payload)
    assert facts["name"] == "Alice Example" and facts["title"] == "Credentials 101"
    assert facts["level"] == "achievement" and facts["issuer"] == "Example University"
    assert facts["verify_url"] == f"https://lms.example.org/credentials/verify/{credential.verification_id}/"
    assert facts["rules_met"] == [{"kind": "grade", "type": None, "required": "80", "achieved": 100},
                                  {"kind": "type_grade", "type": "Final Exam", "required": "75", "achieved": 100}]
    assert facts["issued_on"] == credential.issued_on.isoformat() == credential.snapshot["issued_on"]
    assert signing.verify(credential.payload.encode(), credential.signature, credential.key_id)
    envelope = signing.open_envelope(read_embedded_payload(pdf))
    assert envelope.payload == credential.payload.encode() and envelope.verifies()
    assert SigningKey.objects.filter(key_id=credential.key_id).exists()
    actions = list(AuditLog.objects.filter(credential=credential).order_by("id").values_list("action", flat=True))
    assert actions == ["reserved", "issued"]


@pytest.mark.django_db
def test_rerun_issues_nothing_new(achievement, ace):
    alice = ace()
    pipeline.issue_for_users(achievement, [alice.pk])
    before = Credential.objects.get()
    result = pipeline.issue_for_users(achievement, [alice.pk])
    assert (result.issued, result.already) == (0, 1)
    after = Credential.objects.get()
    assert (after.pk, after.pdf_sha256, after.attempts) == (before.pk, before.pdf_sha256, 1)


@pytest.mark.django_db
def test_storage_outage_leaves_failed_row_then_retry_issues_same_row(achievement, ace, tmp_path, isolated_issuing):
    alice, bob = ace(), ace("bob", "Bob Builder")
    isolated_issuing.down = True
    result = pipeline.issue_for_users(achievement, [alice.pk, bob.pk])
    assert result.interrupted and result.issued == 0 and list(result.failed) == [alice.pk]
    failed = Credential.objects.get(user=alice)
    assert failed.status == "failed" and "storage unreachable" in failed.failure_reason
    assert failed.storage_key == "" and failed.pdf_sha256 == "" and failed.attempts == 1
    assert Credential.objects.get(user=bob).status == "pending"  # reserved, untouched after the stop
    assert [path for path in tmp_path.rglob("*.pdf")] == []
    isolated_issuing.down = False
    result = pipeline.issue_for_users(achievement, [alice.pk, bob.pk])
    assert result.issued == 2 and not result.failed
    issued = Credential.objects.get(user=alice)
    assert issued.pk == failed.pk and issued.status == "issued" and issued.attempts == 2
    assert issued.failure_reason == ""
    assert AuditLog.objects.filter(credential=issued, action="failed").count() == 1


@pytest.mark.django_db
def test_issue_refuses_a_row_already_issued_or_superseded(achievement, ace):
    alice = ace()
    pipeline.issue_for_users(achievement, [alice.pk])
    credential = Credential.objects.get()
    assert pipeline.issue(credential.pk) is None
    credential.status = Credential.Status.SUPERSEDED
    credential.save()
    assert pipeline.issue(credential.pk) is None


@pytest.mark.django_db
def test_revoked_learner_is_not_issued_again_until_reinstated(achievement, ace):
    alice = ace()
    pipeline.issue_for_users(achievement, [alice.pk])
    credential = Credential.objects.get()
    credential.status = Credential.Status.REVOKED
    credential.save()
    decision = pipeline.decide(achievement, pipeline_records(achievement, [alice.pk]))[0]
    assert not decision.eligible and decision.reasons[0].render() == "A credential for this learner was revoked."
    assert pipeline.issue_for_users(achievement, [alice.pk]).issued == 0
    credential.reinstated_at = credential.modified
    credential.save()
    assert pipeline.issue_for_users(achievement, [alice.pk]).issued == 1
    assert Credential.objects.filter(user=alice).count() == 2


def pipeline_records(config, user_ids):
    from credential_admin.backends import get_backend
    return get_backend().records(config.course_key, user_ids)


@pytest.mark.django_db
def test_reasons_name_each_unmet_rule(achievement, demo_course, make_learner, record_scores, block_key):
    # Homework only: HW (100, 100, 0 padded; the 0 dropped) = 100% → 0.4 * 100 = 40% overall; Final Exam 0%.
    carol = make_learner(demo_course, username="carol")
    record_scores(carol, demo_course, {block_key(demo_course, "problem", key): SCORES[key]
                                       for key in ("hw1_q1", "hw1_q2", "hw2_q1")})
    decision = pipeline.decide(achievement, pipeline_records(achievement, [carol.pk]))[0]
    assert [m.render() for m in decision.reasons] == ["grade 40% < 80%", "Final Exam 0% < 75%"]


@pytest.mark.django_db
def test_key_rotation_old_and_new_credentials_verify(achievement, ace, settings):
    alice, bob = ace(), ace("bob", "Bob Builder")
    pipeline.issue_for_users(achievement, [alice.pk])
    new_key = signing.rotate()
    pipeline.issue_for_users(achievement, [bob.pk])
    old, new = Credential.objects.get(user=alice), Credential.objects.get(user=bob)
    assert new.key_id == new_key != old.key_id
    for credential in (old, new):
        assert signing.verify(credential.payload.encode(), credential.signature, credential.key_id)
    # Once the old private key leaves the file, its recorded public key still verifies.
    path = settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE
    keys = json.loads(Path(path).read_text())
    del keys[old.key_id]
    Path(path).write_text(json.dumps(keys))
    assert old.key_id not in {pair.key_id for pair in signing.private_keys()}
    assert signing.verify(old.payload.encode(), old.signature, old.key_id)


@pytest.mark.django_db
def test_any_changed_payload_byte_fails_verification(achievement, ace):
    pipeline.issue_for_users(achievement, [ace().pk])
    credential = Credential.objects.get()
    data = credential.payload.encode()
    assert signing.verify(data, credential.signature, credential.key_id)
    for index in range(len(data)):
        changed = bytearray(data)
        changed[index] ^= 0x20
        assert not signing.verify(bytes(changed), credential.signature, credential.key_id), index


def test_short_codes_are_typed_back_case_and_hyphen_insensitive():
    code = pipeline.new_short_code()
    assert len(code) == 12 and set(code) <= set(pipeline.CODE_ALPHABET)
    printed = "-".join(code[i:i + 4] for i in range(0, 12, 4))
    assert pipeline.normalize_code(printed.lower()) == code
    assert pipeline.normalize_code("abcd-efgh-ijkl") == "ABCDEFGH1JK1"
    assert len({pipeline.new_verification_id() for _ in range(1000)}) == 1000


@pytest.mark.django_db
def test_storage_error_is_raised_by_issue_and_recorded(achievement, ace, isolated_issuing):
    alice = ace()
    isolated_issuing.down = True
    pipeline.issue_for_users(achievement, [alice.pk])
    credential = Credential.objects.get()
    with pytest.raises(StorageError):
        pipeline.issue(credential.pk)
    credential.refresh_from_db()
    assert credential.status == "failed" and credential.attempts == 2


@pytest.mark.django_db
def test_without_an_issuer_name_the_platform_name_is_printed_and_signed(achievement, ace, settings):
    settings.CREDENTIAL_XBLOCK_ISSUER_NAME = ""
    settings.PLATFORM_NAME = "Example Platform"
    pipeline.issue_for_users(achievement, [ace().pk])
    assert json.loads(Credential.objects.get().payload)["issuer"] == "Example Platform"
