"""Path credentials end to end on SQLite: Studio publish and overrides, enrollment in the path, the command with
its exit codes, claims, automatic issuing, and what the certificate and its signed payload say."""
from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from credential_admin.issuing.pdf import read_embedded_payload
from credential_admin.issuing.storage import get_storage
from credential_admin.models import Credential
from credential_admin.paths import configs as path_configs
from credential_admin.paths.issuing import PathClaimRefused, claim_path, issue_for_course_event
from credential_admin.paths.rules import BLOCK, OVERRIDE, rules_for
from tests.paths_support import enroll, enroll_path, make_course, make_path, make_user, progress
from tests.pdf_samples import pdftotext
from tests.sqlite.test_paths_rules import PATH, block

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]
KEYS = [f"course-v1:Demo+C{i}+2026" for i in (1, 2, 3)]
TITLES = ["Statistics", "Python for Data", "Machine Learning"]


@pytest.fixture
def setup(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # loading publishes; publishing syncs the configs
        courses = [make_course(key, title, 20, block("80")) for key, title in zip(KEYS, TITLES, strict=True)]
    path = make_path(PATH, "Data Science path", KEYS)
    config = path_configs.create(PATH, "completion", mode="per_course").config
    return courses, path, config


def learner(name, courses, units, path=None):
    user = make_user(name, name.title() + " Example")
    enroll(user, courses)
    for course, done in zip(courses, units, strict=True):
        progress(user, course, done)
    if path is not None:
        enroll_path(path, [user])
    return user


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_credentials", *args, stdout=out, stderr=err)
    return out.getvalue()


def studio_save(client, course_key, staff, **fields):
    """Save the course's Credential block in Studio (in standalone mode a save is a publish)."""
    usage = f"block-v1:{course_key[len('course-v1:'):]}+type@credential+block@cert"
    payload = {"display_name": "Cert", "level": "completion", "min_completion": "", "min_grade": "",
               "min_type_grades": [], "template": "", "description": "", "allowed_modes": "", "available_from": "",
               **fields}
    client.force_login(staff)
    return client.post(f"/courses/{course_key}/studio/{usage}/handler/studio_submit/", data=json.dumps(payload),
                       content_type="application/json")


def test_publish_changes_the_rule_an_override_stays_and_clearing_it_returns_to_the_block(
        setup, client, django_capture_on_commit_callbacks):
    _courses, _path, config = setup
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    assert [c.criteria.min_completion for c in rules_for(config).courses] == [Decimal(80)] * 3
    with django_capture_on_commit_callbacks(execute=True):
        assert studio_save(client, KEYS[0], staff, min_completion="60").status_code == 200
    first = rules_for(config).courses[0]
    assert (first.source, first.criteria.min_completion) == (BLOCK, Decimal(60))
    path_configs.set_override(config.path, KEYS[0], {"min_completion": "95"})
    with django_capture_on_commit_callbacks(execute=True):
        studio_save(client, KEYS[0], staff, min_completion="70")
    first = rules_for(config).courses[0]
    assert (first.source, first.criteria.min_completion, first.block_criteria.min_completion) == (
        OVERRIDE, Decimal(95), Decimal(70))
    assert path_configs.clear_override(config.path, KEYS[0])
    first = rules_for(config).courses[0]
    assert (first.source, first.criteria.min_completion) == (BLOCK, Decimal(70))


def test_a_course_added_or_removed_changes_the_rules_at_once(setup):
    from learning_paths.models import LearningPathStep

    _courses, path, config = setup
    LearningPathStep.objects.filter(learning_path=path, course_key=KEYS[2]).delete()
    assert [c.course_key for c in rules_for(config).courses] == KEYS[:2]
    LearningPathStep.objects.filter(learning_path=path).delete()
    rules = rules_for(config)
    assert [m.render() for m in rules.errors] == ["The learning path Data Science path has no courses: add courses "
                                                  "to it."]
    with pytest.raises(CommandError) as raised:
        run("--path", PATH)
    assert raised.value.returncode == 2 and "has no courses" in str(raised.value)


def test_only_learners_enrolled_in_the_path_qualify_and_leaving_keeps_the_credential(setup):
    courses, path, config = setup
    member = learner("member", courses, (16, 16, 16), path)
    learner("outsider", courses, (20, 20, 20))  # every course done, never enrolled in the path
    inactive = learner("inactive", courses, (20, 20, 20))
    enroll_path(path, [inactive], active=False)
    out = run("--path", PATH, "--user", "member", "outsider", "inactive")
    assert "Issued 1, already held 0, not eligible 2, failed 0." in out
    assert list(Credential.objects.values_list("user__username", "status")) == [("member", "issued")]
    from learning_paths.models import LearningPathEnrollment

    LearningPathEnrollment.objects.filter(user=member).update(is_active=False)
    out = run("--path", PATH, "--user", "member")
    assert "Issued 0, already held 1, not eligible 0, failed 0." in out
    assert Credential.objects.get(user=member, config=config).status == "issued"


def test_dry_run_says_why_not_in_the_checklist_words(setup):
    courses, path, _config = setup
    learner("short", courses, (16, 16, 15), path)
    out = run("--path", PATH, "--dry-run")
    assert "short" in out and "Machine Learning needs 1 more unit" in out


@pytest.mark.parametrize(("key", "message"), [
    ("path-v1:Demo+DS+2026", '"path-v1:Demo+DS+2026" is not a learning path key'),
    ("course-v1:Demo+C1+2026", '"course-v1:Demo+C1+2026" is not a learning path key'),
    ("path-v1:Demo+NO+2026+x", "No learning path has the key path-v1:Demo+NO+2026+x."),
])
def test_bad_path_keys_exit_2_and_change_nothing(setup, key, message):
    with pytest.raises(CommandError) as raised:
        run("--path", key)
    assert raised.value.returncode == 2 and message in str(raised.value)
    assert not Credential.objects.exists()


def test_certificate_names_the_path_and_signs_its_courses(setup):
    courses, path, _config = setup
    member = learner("member", courses, (16, 17, 20), path)
    run("--path", PATH)
    credential = Credential.objects.get(user=member)
    with get_storage().open(credential.storage_key) as handle:
        pdf = handle.read()
    signed = json.loads(json.loads(read_embedded_payload(pdf))["payload"])
    assert credential.snapshot["title"] == "Data Science path"
    assert [(c["title"], c["rules_met"][0]["achieved"]) for c in credential.snapshot["courses"]] == [
        ("Statistics", 80), ("Python for Data", 85), ("Machine Learning", 100)]
    assert signed["courses"] == credential.snapshot["courses"] and signed["course"] == PATH
    text = " ".join(pdftotext(pdf).split())
    assert "Data Science path" in text and "Statistics · Python for Data · Machine Learning" in text


def test_claim_from_the_path_and_automatic_issuing_on_the_last_course(setup):
    courses, path, config = setup
    early = learner("early", courses, (16, 16, 10), path)
    with pytest.raises(PathClaimRefused) as refused:
        claim_path(early, config)
    assert "Machine Learning needs 6 more units" in str(refused.value)
    assert issue_for_course_event(early.pk, KEYS[2]) == 0
    progress(early, courses[2], 16)  # units 11..16 are new; completions of 1..10 already exist
    from credential_admin import autoissue

    # the last course's completion event queues the task (eager here), which issues the course and the path
    assert autoissue.queue_if_needed(early.pk, KEYS[2], "completion") is True
    assert autoissue.queue_if_needed(early.pk, KEYS[2], "completion") is False  # nothing left to issue
    assert Credential.objects.get(user=early, config=config).status == "issued"
    assert claim_path(early, config).status == "issued"  # idempotent


def test_overrides_and_configurations_refuse_bad_input(setup):
    _courses, _path, config = setup
    with pytest.raises(path_configs.PathConfigError, match="course-v1:Other\\+X\\+1 is not a course of"):
        path_configs.set_override(config.path, "course-v1:Other+X+1", {"min_completion": "50"})
    with pytest.raises(path_configs.PathConfigError, match="150 is out of range"):
        path_configs.set_override(config.path, KEYS[0], {"min_completion": "150"})
    with pytest.raises(path_configs.PathConfigError, match="already has a credential of this level"):
        path_configs.create(PATH, "completion")
    with pytest.raises(path_configs.PathConfigError, match="is not a number"):
        path_configs.create(PATH, "achievement", min_path_grade="lots")
    assert not config.path.overrides.exists()


def test_verification_page_and_open_badge_list_the_courses(setup, client):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from credential_admin.verification import multibase
    from tests.unit.test_openbadges import independent_verify

    courses, path, _config = setup
    member = learner("member", courses, (16, 17, 20), path)
    run("--path", PATH)
    page = f"/credentials/verify/{Credential.objects.get(user=member).verification_id}/"
    html = " ".join(client.get(page).content.decode().split())
    assert "Data Science path" in html and "Courses of the learning path" in html
    muted = '<span class="muted">'
    assert (f"<li>Statistics {muted}— Completed 80% of the course (required 80%)</span></li>"
            f"<li>Python for Data {muted}— Completed 85% of the course (required 80%)</span></li>") in html
    as_json = client.get(f"{page}json/").json()
    assert [c["title"] for c in as_json.get("courses", [])] == TITLES
    badge = client.get(f"{page}ob3/").json()
    achievement = badge["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "LearningProgram"
    assert [(a["targetCode"], a["targetName"]) for a in achievement["alignment"]] == list(zip(KEYS, TITLES,
                                                                                             strict=True))
    assert achievement["alignment"][0]["targetUrl"] == "https://lms.example.org/courses/course-v1:Demo+C1+2026/about"
    key = client.get(badge["proof"]["verificationMethod"].removeprefix("https://lms.example.org")).json()
    public_key = Ed25519PublicKey.from_public_bytes(multibase.ed25519_from_multikey(key["publicKeyMultibase"]))
    assert independent_verify(badge, public_key)


def test_a_path_credential_is_reissued_with_a_new_name_and_revoked_like_a_course_one(setup, settings):
    from credential_admin.issuing import lifecycle
    from credential_admin.standalone.models import Profile

    settings.CREDENTIAL_XBLOCK_FEATURES = {**getattr(settings, "CREDENTIAL_XBLOCK_FEATURES", {}), "REISSUE": True}
    courses, path, _config = setup
    member = learner("member", courses, (16, 16, 16), path)
    run("--path", PATH)
    old = Credential.objects.get(user=member)
    Profile.objects.filter(user=member).update(name="Member Renamed")
    actor = lifecycle.Actor(None, "command:test")
    new = lifecycle.reissue(old, actor=actor, reason="name correction")
    assert new.snapshot["name"] == "Member Renamed" and new.snapshot["title"] == "Data Science path"
    assert [c["title"] for c in new.snapshot["courses"]] == TITLES and new.status == "issued"
    lifecycle.revoke(new, actor=actor, reason="test")
    assert Credential.objects.get(pk=new.pk).status == "revoked"
    assert "Issued 0, already held 0, not eligible 1, failed 0." in run("--path", PATH, "--user", "member")
