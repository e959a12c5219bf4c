"""Shared test configuration. Suites: unit (pure), sqlite (Django on SQLite), browser (headless Chromium),
integration (MariaDB, PostgreSQL, Redis, an S3 API server); CREDENTIAL_DB picks the database."""
import os
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from hypothesis import settings as hypothesis_settings

SERVER_DATABASES = ("mysql", "postgres")

# Hypothesis: no per-example deadline (a shared 2-core machine makes timings meaningless; speed is measured in
# tests/benchmarks); in CI the examples are derandomized so a run is repeatable. HYPOTHESIS_PROFILE picks another.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def services_required() -> bool:
    return bool(os.environ.get("CREDENTIAL_REQUIRE_SERVICES")) or os.environ.get("CREDENTIAL_DB") in SERVER_DATABASES


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped integration test is a failure (a service was missing) whenever the run asked for the integration
    suite: CREDENTIAL_REQUIRE_SERVICES=1 (CI, `make test`) or CREDENTIAL_DB naming a server database."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("integration") and services_required():
        report.outcome = "failed"
        report.longrepr = f"integration test skipped while services are required: {report.longrepr}"


# ----- one factory layer: credentials are made by the real pipeline (reserve → render → sign → store) ----------------

class FlakyStorage(FileSystemStorage):
    """Local files that fail on demand, as an S3 outage would (set `down`)."""

    down = False

    def _save(self, name, content):
        if FlakyStorage.down:
            raise OSError("storage unreachable")
        return super()._save(name, content)

    def open(self, name, mode="rb"):
        if FlakyStorage.down:
            raise OSError("storage unreachable")
        return super().open(name, mode)


@pytest.fixture
def issuing_storage(settings, tmp_path):
    """Own signing keys file (a key generated on first use) and own certificate folder, on FlakyStorage (up);
    yields FlakyStorage so a test can take the storage down."""
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS = {}
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE = str(tmp_path / "keys.json")
    settings.CREDENTIAL_XBLOCK_GENERATE_SIGNING_KEY = True
    settings.CREDENTIAL_XBLOCK_ACTIVE_KEY_ID = ""
    settings.STORAGES = {**settings.STORAGES,
                         "certificates": {"BACKEND": f"{__name__}.FlakyStorage",
                                          "OPTIONS": {"location": str(tmp_path / "files")}}}
    settings.CREDENTIAL_XBLOCK_STORAGE = "certificates"
    FlakyStorage.down = False
    yield FlakyStorage
    FlakyStorage.down = False


@pytest.fixture
def stored_bytes():
    """The stored certificate file of a credential."""
    def read(credential) -> bytes:
        from django.core.files.storage import storages

        with storages["certificates"].open(credential.storage_key, "rb") as handle:
            return handle.read()
    return read


@pytest.fixture(autouse=True)
def fresh_verification_cache():
    """The verification responses are cached in the process, which outlives a test (and its rolled-back rows,
    whose ids the next test reuses): each test starts with none."""
    from credential_admin.verification.cache import RESPONSES

    RESPONSES.clear()


@pytest.fixture
def fresh_rate_limits():
    """Rate-limit counters live in the cache, which outlives a test: start (and leave) each test at zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock():
    """A frozen clock (time-machine) at 2026-03-04 12:00:30 UTC: it moves only when the test moves it
    (`clock.shift(seconds)`, `clock.move_to(datetime)`), so no minute boundary or expiry falls inside a test."""
    with time_machine.travel(datetime(2026, 3, 4, 12, 0, 30, tzinfo=UTC), tick=False) as traveller:
        yield traveller


BOTANY_CRITERIA = {"min_completion": "90", "min_grade": None, "min_type_grades": {"Final Exam": "75"}}


@pytest.fixture
def make_config(db):
    """A published credential configuration: completion ≥ 90% and Final Exam ≥ 75% unless told otherwise."""
    def make(course_key="course-v1:DemoX+BOT101+2026", usage_key="block-v1:DemoX+BOT101+2026+type@credential+block@c1",
             level="achievement", criteria=None, **fields):
        from credential_admin.models import CredentialConfig

        return CredentialConfig.objects.create(course_key=course_key, usage_key=usage_key, level=level,
                                               criteria=criteria or BOTANY_CRITERIA,
                                               **{"display_name": "Certificate", **fields})
    return make


@pytest.fixture
def learner(db):
    """The learner of the verification tests: username zkowalski42, e-mail zoe.private@example.net (both private)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("zkowalski42", "zoe.private@example.net", "pw")


@pytest.fixture
def config(make_config):
    return make_config()


@pytest.fixture
def make_credential(issuing_storage, settings):
    """``make_credential(user, config, name=..., title="Intro to Botany", issuer="Demo Academy",
    issued_on=date(2026, 3, 4), completion=(19, 20), type_percents={"Final Exam": 0.81})`` → an issued
    Credential, made by the pipeline itself: the learner's record is decided on the config's rules (19 of 20
    units = 95%, Final Exam 81%), reserved, then issued (rendered, signed, stored) on `issued_on`. A config
    made without rules is given BOTANY_CRITERIA first, so that the pipeline can decide."""
    def make(user, config, name="Zoë Ångström-Kowalski", title="Intro to Botany", issuer="Demo Academy",
             issued_on=date(2026, 3, 4), completion=(19, 20), type_percents=None):
        from django.test import override_settings

        from credential_admin.issuing import pipeline
        from credential_xblock.records import Enrollment, LearnerRecord

        record = LearnerRecord(user_id=user.pk, username=user.username, full_name=name, completed_units=completion[0],
                               counted_units=completion[1], grade_percent=0.0,
                               type_percents={"Final Exam": 0.81} if type_percents is None else type_percents,
                               enrollment=Enrollment("verified", True))
        if not config.criteria:
            config.criteria = BOTANY_CRITERIA
            config.save(update_fields=["criteria"])
        decision = pipeline.decide(config, [record])[0]
        assert decision.eligible, [message.render() for message in decision.reasons]
        with override_settings(CREDENTIAL_XBLOCK_ISSUER_NAME=issuer), \
                time_machine.travel(datetime.combine(issued_on, time(12), tzinfo=UTC), tick=False):
            credential = pipeline.reserve(config, [decision], title)[0]
            issued = pipeline.issue(credential.pk)
        assert issued is not None and issued.status == "issued"
        issued.refresh_from_db()
        return issued
    return make


@pytest.fixture
def supersede(make_credential):
    """Supersede `old` with a newly issued credential (another name), as a reissue leaves them."""
    def replace(old, user, config, name="Zoë Ångström"):
        from credential_admin.models import Credential

        Credential.objects.filter(pk=old.pk).update(status=Credential.Status.SUPERSEDED, active=None)
        new = make_credential(user, config, name=name)
        Credential.objects.filter(pk=old.pk).update(superseded_by=new)
        old.refresh_from_db()
        return new
    return replace


@pytest.fixture
def revoke():
    """Mark a credential revoked on 2026-05-06 07:08 UTC with a reason, as revocation leaves it."""
    def mark(credential, reason="Academic misconduct found on appeal"):
        from credential_admin.models import Credential

        Credential.objects.filter(pk=credential.pk).update(
            status=Credential.Status.REVOKED, active=None, revoked_at=datetime(2026, 5, 6, 7, 8, tzinfo=UTC),
            revocation_reason=reason)
        credential.refresh_from_db()
        return credential
    return mark
