"""reissue_credentials, revoke_credentials and reinstate_credentials on the demo (SQLite).

The demo (credential_admin/demo): chen meets the rules of both the Completion and the Achievement credential, ben
only the Completion one (see test_demo_learners for the hand computation): three credentials. The demo's setup
also issues its badges; those are removed first, so that every count here is about the three.
"""
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.contrib.auth import get_user_model
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from credential_admin import configs
from credential_admin.demo.seed import COURSE_KEY, setup_demo
from credential_admin.issuing import pipeline
from credential_admin.models import AuditLog, Credential, CredentialConfig
from credential_admin.standalone.models import Profile
from credential_admin.verification import multibase, statuslist
from tests.sqlite.test_demo_learners import ACHIEVEMENT, COMPLETION, progress
from tests.unit.test_openbadges import independent_verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]


class Terminal(io.StringIO):
    """A stream that says it is a terminal (and, as stdin, answers with its text)."""

    def isatty(self) -> bool:
        return True


class Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def run(command: str, *args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def demo(db):
    setup_demo(say=lambda _line: None)  # demo_setup without its migrate (the test database is migrated)
    configs.sync_course(COURSE_KEY)
    Credential.objects.all().delete()
    learners = list(get_user_model().objects.filter(username__in=["ana", "ben", "chen", "dana", "nour"])
                    .values_list("pk", flat=True))
    for usage_key in (COMPLETION, ACHIEVEMENT):
        pipeline.issue_for_users(CredentialConfig.objects.get(usage_key=usage_key), learners)
    return {c.user.username + ":" + c.config.usage_key.rsplit("@", 1)[-1]: c
            for c in Credential.objects.select_related("user", "config")}


def state() -> tuple:
    """Row counts and the audit log, to show a refused command changed nothing."""
    return (list(Credential.objects.order_by("pk").values_list("pk", "status", "reinstated_at")),
            list(AuditLog.objects.order_by("pk").values_list("pk", flat=True)))


def test_demo_revoke_by_code_then_reinstate(demo, client, settings):
    settings.CREDENTIAL_XBLOCK_FEATURES = {"SHOW_REVOCATION_REASON": True}
    assert sorted(demo) == ["ben:completion_credential", "chen:achievement_credential", "chen:completion_credential"]
    chen = demo["chen:achievement_credential"]
    typed = chen.formatted_code.lower().replace("-", "")  # any case, with or without hyphens
    out, _err = run("revoke_credentials", "--credential", typed, "--reason", "Academic misconduct", "--yes")
    assert "Revoked 1, failed 0." in out
    row = Credential.objects.get(pk=chen.pk)
    assert (row.status, row.revocation_reason, row.revoked_by) == ("revoked", "Academic misconduct", None)
    assert AuditLog.objects.filter(action="revoked", credential=row, actor_label="command:revoke_credentials",
                                   details={"reason": "Academic misconduct"}).count() == 1

    page = client.get(f"/credentials/verify/{chen.verification_id}/").content.decode()
    assert "Revoked" in page and f"revoked on {row.revoked_at:%b}" in page
    assert "Reason: Academic misconduct" in page
    facts = client.get(f"/credentials/verify/{chen.verification_id}/json/").json()
    assert (facts["status"], facts["revocation_reason"]) == ("revoked", "Academic misconduct")

    status_list = client.get("/credentials/status/0/").json()
    bits = statuslist.decode(status_list["credentialSubject"]["encodedList"])
    assert statuslist.is_set(bits, chen.pk)
    assert [i for i in (c.pk for c in demo.values()) if statuslist.is_set(bits, i)] == [chen.pk]
    key = client.get(status_list["proof"]["verificationMethod"].removeprefix(settings.CREDENTIAL_XBLOCK_BASE_URL))
    public = Ed25519PublicKey.from_public_bytes(multibase.ed25519_from_multikey(key.json()["publicKeyMultibase"]))
    assert independent_verify(status_list, public)

    block = progress(client, "chen", ACHIEVEMENT)
    assert block["status"] == "revoked"
    assert block["headline"] == "This credential was revoked. Contact the course team if you have questions."

    run("issue_credentials", "--all")
    assert Credential.objects.filter(user__username="chen", config=chen.config).count() == 1

    out, _err = run("reinstate_credentials", "--user", "chen", "--course", COURSE_KEY, "--reason", "Appeal upheld")
    assert "Reinstated 1, failed 0." in out
    run("issue_credentials", "--all")
    fresh = Credential.objects.get(user__username="chen", config=chen.config, active=True)
    assert fresh.status == "issued" and fresh.pk != chen.pk
    assert Credential.objects.get(pk=chen.pk).status == "revoked"


def test_reissue_after_a_name_change_then_rerun_changes_nothing(demo, client):
    Profile.objects.filter(user__username="chen").update(name="Chen Jing")
    out, _err = run("reissue_credentials", "--dry-run", "--user", "chen", "ben")
    assert out.count("name: '陈静' → 'Chen Jing'") == 2
    assert "Dry run: 2 would be reissued, 1 unchanged. Nothing was changed." in out
    assert Credential.objects.count() == 3
    out, _err = run("reissue_credentials", "--course", COURSE_KEY, "--reason", "Name correction")
    assert "Reissued 2, unchanged 1, failed 0." in out
    old = Credential.objects.get(pk=demo["chen:achievement_credential"].pk)
    assert old.status == "superseded" and json.loads(old.superseded_by.payload)["name"] == "Chen Jing"
    page = client.get(f"/credentials/verify/{old.verification_id}/").content.decode()
    assert "Superseded" in page and f"/credentials/verify/{old.superseded_by.verification_id}/" in page
    out, _err = run("reissue_credentials", "--all")
    assert "Reissued 0, unchanged 3, failed 0." in out
    assert Credential.objects.filter(active=True).count() == 3


def test_reissue_by_credential_and_partial_failure_exits_1_then_rerun_finishes(demo, isolated_issuing):
    Profile.objects.filter(user__username__in=["chen", "ben"]).update(name="Renamed")
    isolated_issuing.down = True
    with pytest.raises(CommandError) as failed:
        run("reissue_credentials", "--all")
    assert failed.value.returncode == 1 and "run the command again" in str(failed.value)
    assert Credential.objects.filter(status="issued").count() == 3  # each reissue rolled back whole
    isolated_issuing.down = False
    code = demo["ben:completion_credential"].formatted_code
    out, _err = run("reissue_credentials", "--credential", code)
    assert "Reissued 1, unchanged 0, failed 0." in out
    out, _err = run("reissue_credentials", "--all")
    assert "Reissued 2, unchanged 1, failed 0." in out


def test_revoke_asks_on_a_terminal_and_refuses_without_one(demo):
    chen = demo["chen:achievement_credential"]
    before = state()
    with pytest.raises(CommandError) as refused:
        run("revoke_credentials", "--course", COURSE_KEY, "--reason", "Course withdrawn", stdin=Pipe())
    assert refused.value.returncode == 2
    assert str(refused.value) == ("Revoke 3 credential(s)? No terminal to ask on: pass --yes to confirm. "
                                  "Nothing was changed.")
    with pytest.raises(CommandError, match="Not confirmed: nothing was changed") as declined:
        run("revoke_credentials", "--course", COURSE_KEY, "--user", "chen", "--reason", "x", stdin=Terminal("n\n"))
    assert declined.value.returncode == 2 and state() == before
    out, _err = run("revoke_credentials", "--course", COURSE_KEY, "--user", "chen", "--reason", "Exam annulled",
                    stdin=Terminal("y\n"))
    assert out.startswith("Revoke 2 credential(s)? [y/N] ") and "Revoked 2, failed 0." in out
    assert Credential.objects.get(pk=chen.pk).status == "revoked"


def test_dry_run_revoke_lists_and_changes_nothing(demo):
    before = state()
    out, _err = run("revoke_credentials", "--course", COURSE_KEY, "--user", "ben", "--reason", "x", "--dry-run")
    assert demo["ben:completion_credential"].formatted_code in out
    assert "Dry run: 1 would be revoked. Nothing was changed." in out and state() == before


def test_progress_bar_on_a_terminal_is_one_plain_line(demo, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the line is cut to the terminal's width
    Profile.objects.filter(user__username="chen").update(name="Chen Jing")
    terminal, out = Terminal(), io.StringIO()
    call_command("reissue_credentials", "--all", stdout=out, stderr=terminal, force_color=True)
    bar = terminal.getvalue()
    assert bar.count("\r") == 1 and bar.endswith("\n") and "\x1b" not in bar
    assert "Reissuing [##############################] 3/3 credentials · unchanged 1, reissued 2 · " in bar
    assert out.getvalue() == "Reissued 2, unchanged 1, failed 0.\n"


def test_plain_progress_lines_off_a_terminal(demo):
    out, _err = run("revoke_credentials", "--course", COURSE_KEY, "--reason", "x", "--yes")
    assert out.startswith("Revoking: 3/3 credentials · revoked 3 · ") and "\r" not in out


BAD = [
    ("reissue_credentials", ["--credential", "nope!"], "'nope!' is neither a verification id nor a short code"),
    ("reissue_credentials", ["--credential", "ZZZZ-ZZZZ-ZZZZ"], "no credential 'ZZZZ-ZZZZ-ZZZZ'"),
    ("reissue_credentials", ["--course", "course-v1:broken"], "is not a course key"),
    ("reissue_credentials", ["--course", "course-v1:No+Such+Run"], "no course 'course-v1:No+Such+Run'"),
    ("reissue_credentials", ["--user", "ghost", "chen"], "unknown user(s): ghost"),
    ("revoke_credentials", ["--course", COURSE_KEY, "--yes"], "--reason is required"),
    ("revoke_credentials", ["--course", COURSE_KEY, "--reason", "  ", "--yes"], "--reason is required"),
    ("revoke_credentials", ["--credential", "0000-0000-0000", "--reason", "x", "--yes"],
     "no credential '0000-0000-0000'"),
    ("revoke_credentials", ["--course", COURSE_KEY, "--user", "ghost", "--reason", "x", "--yes"],
     "unknown user(s): ghost"),
    ("revoke_credentials", ["--course", "course-v1:No+Such+Run", "--reason", "x", "--yes"], "no course"),
    ("reinstate_credentials", ["--user", "chen"], "--user and --course go together"),
    ("reinstate_credentials", ["--user", "chen", "--course", COURSE_KEY],
     "no revoked credential to reinstate for: chen"),
    ("reinstate_credentials", ["--credential", "not a code"], "is neither a verification id nor a short code"),
]


@pytest.mark.parametrize(("command", "args", "message"), BAD, ids=[f"{c}-{i}" for i, (c, *_r) in enumerate(BAD)])
def test_bad_arguments_exit_2_and_change_nothing(demo, command, args, message):
    before = state()
    with pytest.raises(CommandError) as refused:
        run(command, *args)
    assert refused.value.returncode == 2 and message in str(refused.value)
    assert state() == before


def test_credentials_in_the_wrong_state_are_refused_by_name(demo):
    chen = demo["chen:achievement_credential"]
    run("revoke_credentials", "--credential", chen.verification_id, "--reason", "x", "--yes")
    before = state()
    for command, args, message in [
        ("reissue_credentials", [], "is Revoked: only an issued credential can be reissued"),
        ("revoke_credentials", ["--reason", "again", "--yes"], "is Revoked: only an active credential can be revoked"),
        ("reinstate_credentials", [demo["ben:completion_credential"].formatted_code],
         "is Issued: only a revoked credential not yet reinstated can be reinstated"),
    ]:
        with pytest.raises(CommandError) as refused:
            run(command, "--credential", chen.formatted_code, *args)
        assert refused.value.returncode == 2 and message in str(refused.value), command
    assert state() == before


def test_reissue_switched_off_exits_2(demo, settings):
    settings.CREDENTIAL_XBLOCK_FEATURES = {"REISSUE": False}
    Profile.objects.filter(user__username="chen").update(name="Chen Jing")
    before = state()
    with pytest.raises(CommandError) as refused:
        run("reissue_credentials", "--all")
    assert refused.value.returncode == 2 and "Reissuing is switched off" in str(refused.value)
    assert state() == before


@pytest.mark.parametrize("command", ["reissue_credentials", "revoke_credentials", "reinstate_credentials"])
def test_help_shows_examples(command):
    text = load_command_class("credential_admin", command).create_parser("manage.py", command).format_help()
    text = " ".join(text.split())
    assert "examples:" in text and f"manage.py {command} --credential " in text
    assert "--credential ID [ID ...]" in text and "short codes (any case, with or without hyphens)" in text


def test_reissue_1000_learners_in_one_command(demo_course, make_learners, settings):
    """One new credential each, every old one superseded, and the rerun changes nothing."""
    from credential_admin.issuing import pipeline
    from credential_admin.models import CredentialConfig

    config = CredentialConfig.objects.create(course_key=demo_course.course_key, usage_key="block-v1:x+type@c+block@c",
                                             level="completion", criteria={"min_completion": "0"})
    users = make_learners(demo_course, 1000)
    assert pipeline.issue_for_users(config, [user.pk for user in users]).issued == 1000
    originals = dict(Credential.objects.values_list("user_id", "pk"))
    Profile.objects.bulk_update([_renamed(p) for p in Profile.objects.filter(user__in=users)], ["name"])
    out, _err = run("reissue_credentials", "--course", demo_course.course_key, "--reason", "bulk correction")
    assert "Reissued 1000, unchanged 0, failed 0." in out
    active = dict(Credential.objects.filter(active=True).values_list("user_id", "pk"))
    assert len(active) == 1000 and not set(active.values()) & set(originals.values())
    superseded = dict(Credential.objects.filter(status="superseded").values_list("pk", "superseded_by_id"))
    assert {originals[user_id]: active[user_id] for user_id in active} == superseded
    assert Credential.objects.count() == 2000
    out, _err = run("reissue_credentials", "--course", demo_course.course_key)
    assert "Reissued 0, unchanged 1000, failed 0." in out and Credential.objects.count() == 2000


def _renamed(profile):
    profile.name = f"{profile.name} (corrected)"
    return profile



@pytest.mark.parametrize(("args", "message"), [
    (["reissue_credentials"], "one of the arguments --credential --course --user --all is required"),
    (["revoke_credentials", "--credential", "x", "--course", COURSE_KEY, "--reason", "r"],
     "argument --course: not allowed with argument --credential"),
    (["reinstate_credentials", "--user", "chen", "--course", COURSE_KEY, "--bogus"], "unrecognized arguments: --bogus"),
])
def test_malformed_command_lines_exit_2_from_a_shell(tmp_path, args, message):
    """As run from a shell: the argument parser's own refusals also exit 2, before anything is read or written."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "DJANGO_SETTINGS_MODULE": "tests.settings",
           "CREDENTIAL_TEST_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "django", *args], env=env, cwd=root, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and message in done.stderr, done.stderr
