"""What keeps bulk issuing fast and flat (not timed: tests/benchmarks measures speed): a batch runs the same number
of queries whatever its size, and memory does not grow from batch to batch."""
import gc
import tracemalloc

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credential_admin.issuing import pipeline
from credential_admin.models import AuditLog, Credential
from credential_xblock.records import Enrollment, LearnerRecord

pytestmark = pytest.mark.django_db
CRITERIA = {"min_completion": "90", "min_grade": None, "min_type_grades": {}}


class Backend:
    """Every learner complete and enrolled: the decision is never in doubt, so only issuing's own work counts."""

    def records(self, course_key, user_ids):
        return [LearnerRecord(user_id=pk, username=f"learner{pk}", full_name=f"Learner Nº {pk} Ångström",
                              completed_units=20, counted_units=20, grade_percent=0.0, type_percents={},
                              enrollment=Enrollment("verified", True)) for pk in user_ids]

    def course_title(self, course_key):
        return "Intro to Botany"


def learners(count, start=0):
    users = get_user_model()
    made = users.objects.bulk_create(users(username=f"perf{start + n:05d}") for n in range(count))
    return [user.pk for user in made] if made[0].pk else list(
        users.objects.filter(username__startswith="perf").order_by("pk").values_list("pk", flat=True))[start:]


def issue_batch(config, user_ids):
    with CaptureQueriesContext(connection) as queries:
        result = pipeline.issue_for_users(config, user_ids, backend=Backend())
    assert result.issued == len(user_ids) and not result.failed
    return len(queries)


def test_a_batch_runs_the_same_queries_for_3_or_12_learners(make_config, issuing_storage):
    small, large = make_config(criteria=CRITERIA), make_config(
        course_key="course-v1:DemoX+BOT102+2026", usage_key="block-v1:DemoX+BOT102+2026+type@credential+block@c1",
        criteria=CRITERIA)
    issue_batch(small, learners(1, start=900))  # the signing key's first registration is a one-off
    few, many = issue_batch(small, learners(3)), issue_batch(large, learners(12, start=100))
    assert few == many, (few, many)
    assert Credential.objects.filter(status="issued").count() == 16
    assert AuditLog.objects.filter(action="issued").count() == 16  # one bulk insert per batch, still one per row


PER_STRING_CACHES = ("clean", "shape", "_shape_word", "_shared_box")


def clear_bounded_caches():
    """Empty the bounded per-string caches of text shaping and the QR run tables (see the bounds test below), so
    that what is left to measure is anything else kept from batch to batch."""
    from credential_admin.issuing.pdf import qr, text

    for name in PER_STRING_CACHES:
        getattr(text, name).cache_clear()
    qr._run_table.cache_clear()


def test_per_string_caches_are_bounded_to_fill_within_a_thousand_certificates():
    from credential_admin.issuing.pdf import text

    bounds = {name: getattr(text, name).cache_info().maxsize for name in PER_STRING_CACHES}
    assert bounds == {"clean": 2048, "shape": 2048, "_shape_word": 4096, "_shared_box": 2048}


@pytest.mark.django_db(transaction=True)  # committed batch by batch as the command does, after-commit work done
def test_memory_does_not_grow_from_batch_to_batch(make_config, issuing_storage):
    """Every learner a distinct name (a cache keyed by name or learner would grow with each batch); the first
    two batches warm fonts, templates and Django's caches, the next four must leave no more than a small margin
    beside the bounded per-string caches."""
    config = make_config(criteria=CRITERIA)
    batches = [learners(20, start=20 * n) for n in range(6)]

    def issue_batch(user_ids):
        assert pipeline.issue_for_users(config, user_ids, backend=Backend()).issued == len(user_ids)

    for batch in batches[:2]:
        issue_batch(batch)
    clear_bounded_caches()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for batch in batches[2:]:
            issue_batch(batch)
        clear_bounded_caches()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # 80 certificates of ~30 KB each were made; keeping even a tenth of that would exceed the margin.
    assert grown < 256 * 1024, f"{grown} bytes kept after 4 batches of 20"


@pytest.mark.parametrize(("learners_", "sizes"), [
    (10_000, [500] * 20),  # a large course: batches of BATCH_SIZE
    (400, [50] * 8),  # one batch of 500 would keep a single worker busy: eight of 50 share it out
    (130, [50, 50, 30]),  # never below 50 a batch
    (3, [3]),
])
def test_queued_runs_are_cut_so_that_every_worker_gets_a_share(make_config, monkeypatch, settings,
                                                               django_capture_on_commit_callbacks, learners_, sizes):
    from credential_admin import tasks

    settings.CREDENTIAL_XBLOCK_BATCH_SIZE = 500
    config, sent = make_config(criteria=CRITERIA), []
    tasks._load_app()
    task = tasks.issue_batch._get_current_object()
    monkeypatch.setattr(task, "delay", lambda config_id, chunk: sent.append(chunk))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_batches(config, list(range(learners_))) == len(sizes)
    assert [len(chunk) for chunk in sent] == sizes
    assert [pk for chunk in sent for pk in chunk] == list(range(learners_))  # each learner once, in order


def test_local_files_are_replaced_in_one_write_and_rename(settings, tmp_path):
    from credential_admin.issuing import storage

    settings.STORAGES = {**settings.STORAGES, "certificates": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path), "file_permissions_mode": 0o640}}}
    settings.CREDENTIAL_XBLOCK_STORAGE = "certificates"
    storage.store("credentials/7/abc.pdf", b"first attempt")
    storage.store("credentials/7/abc.pdf", b"the retry")
    written = tmp_path / "credentials" / "7" / "abc.pdf"
    assert written.read_bytes() == b"the retry"
    assert [path.name for path in written.parent.iterdir()] == ["abc.pdf"]  # no temporary file left behind
    assert written.stat().st_mode & 0o777 == 0o640


def test_a_reservation_that_loses_a_race_gets_the_winners_row(make_config):
    """The reservation's insert skips a learner whom another process reserved in between (its row wins); the
    rows it did insert come back with their keys, and only those get a "reserved" audit entry."""
    config = make_config(criteria=CRITERIA)
    raced, fresh = learners(2, start=300)
    winner = Credential.objects.create(user_id=raced, config=config, verification_id="w" * 24,
                                       short_code="WWWWWWWWWWWW")
    decisions = [pipeline.Decision(user_id=pk, eligible=True, record=record)
                 for pk, record in zip((raced, fresh), Backend().records("", [raced, fresh]), strict=True)]
    rows = pipeline.reserve(config, decisions, "Intro to Botany")
    assert [row.user_id for row in rows] == [raced, fresh]
    assert rows[0].pk == winner.pk and rows[0].verification_id == winner.verification_id
    stored = Credential.objects.get(user_id=fresh, config=config)
    assert rows[1].pk == stored.pk and rows[1].verification_id == stored.verification_id
    assert not rows[1]._state.adding and stored.snapshot["name"] == f"Learner Nº {fresh} Ångström"
    assert list(AuditLog.objects.filter(action="reserved").values_list("credential_id", flat=True)) == [stored.pk]


def test_a_learner_whose_row_is_gone_by_the_read_back_is_left_out(make_config, monkeypatch):
    """Between the insert and the read-back another process may have ended the winning row (revoked it): that
    learner is neither returned nor audited, and the others are reserved as usual."""
    config = make_config(criteria=CRITERIA)
    gone, kept = learners(2, start=400)
    read_back = pipeline._reserved
    monkeypatch.setattr(pipeline, "_reserved", lambda config_, inserted: {
        user: row for user, row in read_back(config_, inserted).items() if user != gone})
    decisions = [pipeline.Decision(user_id=pk, eligible=True, record=record)
                 for pk, record in zip((gone, kept), Backend().records("", [gone, kept]), strict=True)]
    rows = pipeline.reserve(config, decisions, "Intro to Botany")
    assert [row.user_id for row in rows] == [kept]
    assert list(AuditLog.objects.filter(action="reserved").values_list("credential_id", flat=True)) == [rows[0].pk]


def test_a_batch_stores_its_files_in_a_thread_of_their_own_in_order(monkeypatch):
    """The writer thread stores while the caller renders the next certificate; after a failure it stores nothing
    more and says which file failed, and `store` raises it."""
    import threading

    from credential_admin.issuing import storage

    calls = []

    def store(key, data):
        calls.append((key, threading.current_thread().name))
        if key == "c":
            raise storage.StorageError("storage unreachable")

    monkeypatch.setattr(storage, "store", store)
    writer = storage.Writer(depth=2)
    for key in "abcde":
        try:
            writer.store(key, b"%")
        except storage.StorageError:
            break
    writer.close()
    assert [key for key, _ in calls] == ["a", "b", "c"]
    assert {thread for _, thread in calls} == {"credential-storage-writer"}
    assert writer.stored == ["a", "b"] and writer.failure[0] == "c"
    with pytest.raises(storage.StorageError, match="unreachable"):
        writer.store("f", b"%")
