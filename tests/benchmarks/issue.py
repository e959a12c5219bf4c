"""Benchmark: `issue_credentials` end to end — evaluate, reserve, render, sign, store — against the render floor.

DESIGN.md "Targets": 10,000 eligible learners on SQLite, local storage, eager Celery in ≤ 1.5 x the time to render
and sign the same 10,000 alone (measured in the same run); peak memory at 10,000 ≤ 1.1 x at 1,000; on MariaDB,
``issue_credentials --queue`` with 2 Celery worker processes on Redis in ≤ 0.6 x one eager process.

For each case a fresh data folder is seeded in one child process (a course with one Credential block requiring
100% completion, every learner enrolled and complete), then another child process runs the command alone and
reports its wall time and peak RSS, so seeding never counts (its writes reach the disk before the clock starts).
The floor is a third child: the same 10,000 issued rows, each signed and rendered again in memory (no database
write, no storage), only those calls timed. The MariaDB cases use database ``credentials_bench_issue`` (dropped
and created again); between them the credentials and audit rows are deleted, the learners kept. Queue workers are
started before the clock (warm, as in production) with ``--pool=solo`` (one process each) on a Redis queue of
their own, and stopped at the end.

Keys: ``issue_10k_s``, ``issue_10k_render_floor_s``, ``issue_peak_rss_mb_1k``, ``issue_peak_rss_mb_10k``,
``issue_10k_mariadb_s``, ``issue_queue_10k_s`` (2 workers), ``issue_queue_1worker_10k_s``. Run alone:
``.venv/bin/python -m tests.benchmarks.issue``; ``BENCH_ISSUE_SIZES=1000,2000`` for a quick try (the keys then
still say 10k and 1k; ``issue_learners_large`` and ``issue_learners_small`` record the sizes really used).
"""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COURSE_KEY = "course-v1:Bench+ISSUE+2026"
OLX = """<course display_name="Issuing benchmark"><chapter url_name="c"><sequential url_name="s">
  <vertical url_name="u1"><html url_name="h1"><p>Read me.</p></html></vertical>
  <vertical url_name="u2"><credential url_name="done" display_name="Completion" level="completion"
     min_completion="100"/></vertical>
</sequential></chapter></course>"""
SMALL, LARGE = (int(n) for n in os.environ.get("BENCH_ISSUE_SIZES", "1000,10000").split(","))
MARIADB_NAME = "credentials_bench_issue"
QUEUE = f"credentials_bench_{os.getpid()}"
CHECKOUT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.benchmarks.issue_settings"


def _setup(data_dir: str, database: str) -> None:
    os.environ.update(CREDENTIAL_TEST_DIR=data_dir, CREDENTIAL_DB=database, CREDENTIAL_DB_NAME=MARIADB_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def seed(count: int, data_dir: str, database: str) -> dict:
    """Migrate a fresh database and create `count` eligible learners."""
    if database == "mysql":
        import MySQLdb

        connection = MySQLdb.connect(host="127.0.0.1", user="root", port=3306)
        connection.cursor().execute(f"DROP DATABASE IF EXISTS `{MARIADB_NAME}`")
        connection.cursor().execute(f"CREATE DATABASE `{MARIADB_NAME}` CHARACTER SET utf8mb4")
        connection.close()
    _setup(data_dir, database)
    from completion.models import BlockCompletion
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from opaque_keys.edx.keys import CourseKey

    from credential_admin.standalone.loader import load_course
    from credential_admin.standalone.models import Enrollment, Profile

    call_command("migrate", verbosity=0)
    course = load_course(COURSE_KEY, OLX, {"GRADER": [], "GRADE_CUTOFFS": {"Pass": 0.5}})
    users = get_user_model()
    users.objects.bulk_create((users(username=f"issue{i:05d}") for i in range(count)), batch_size=5000)
    learners = list(users.objects.filter(username__startswith="issue").order_by("pk"))
    Profile.objects.bulk_create((Profile(user=u, name=f"Learner Nº {i}") for i, u in enumerate(learners)),
                                batch_size=5000)
    Enrollment.objects.bulk_create((Enrollment(user=u, course=course, mode="verified") for u in learners),
                                   batch_size=5000)
    html = CourseKey.from_string(COURSE_KEY).make_usage_key("html", "h1")
    BlockCompletion.objects.bulk_create(
        (BlockCompletion(user=u, context_key=html.context_key, block_key=html, block_type="html", completion=1.0)
         for u in learners), batch_size=5000)
    return {}


def reset(data_dir: str, database: str) -> dict:
    """Forget every credential (and its audit rows), keeping the learners: the next run issues them all again."""
    _setup(data_dir, database)
    from credential_admin.models import AuditLog, Credential

    AuditLog.objects.all().delete()
    Credential.objects.all().delete()
    return {}


def measure(count: int, data_dir: str, database: str, queue: bool = False) -> dict[str, float]:
    """Run the command once (with --queue: until the workers issued every credential); wall time and peak RSS."""
    _setup(data_dir, database)
    from django.core.management import call_command

    from credential_admin.models import Credential

    with open(os.devnull, "w") as sink:
        start = time.perf_counter()
        call_command("issue_credentials", "--course", COURSE_KEY, *(["--queue"] if queue else []),
                     stdout=sink, stderr=sink)
        while queue and Credential.objects.filter(status="issued").count() < count:
            time.sleep(0.1)
        seconds = time.perf_counter() - start
    issued = Credential.objects.filter(status="issued").count()
    assert issued == count, f"expected {count} credentials, {issued} issued"
    return {"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def floor(data_dir: str) -> dict[str, float]:
    """Sign and render every issued credential again in memory, timing only those two calls: the physical floor
    of issuing them (what the command does besides is the overhead the target bounds)."""
    _setup(data_dir, "sqlite")
    from credential_admin.issuing import pipeline, signing
    from credential_admin.models import Credential

    key, templates, seconds = signing.active_key(), {}, 0.0
    for credential in Credential.objects.select_related("config").order_by("pk").iterator(chunk_size=500):
        payload = pipeline.payload_for(credential, credential.issued_on)
        start = time.perf_counter()
        data, signature, key_id = signing.sign(payload, key)
        pipeline.render(credential, payload, signing.envelope(data, signature, key_id, payload["verify_url"]),
                        templates)
        seconds += time.perf_counter() - start
    return {"seconds": seconds}


def _child(*args: str, env: dict[str, str]) -> dict:
    if args[0].startswith("measure"):
        # What seeding and the previous case left for the disk (their writes, the files a finished case deleted)
        # is written out first: the ext4 journal otherwise makes the run's first file creations wait for it.
        os.sync()
    command = [sys.executable, "-m", "tests.benchmarks.issue", *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env, cwd=CHECKOUT).stdout
    return json.loads(output.strip().splitlines()[-1])


def _env(data_dir: str, settings: str = "tests.settings") -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": settings, "PYTHONPATH": str(CHECKOUT),
            "CREDENTIAL_BENCH_QUEUE": QUEUE, "CREDENTIAL_TEST_DIR": data_dir, "CREDENTIAL_DB": "mysql",
            "CREDENTIAL_DB_NAME": MARIADB_NAME}


def _workers(count: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen]:
    """`count` Celery worker processes (solo pool) on this run's queue, started and given time to connect."""
    workers = []
    for n in range(count):
        log = open(logs / f"worker{n}.log", "w")  # noqa: SIM115 - closed with the process
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "credential_admin.standalone.celery", "worker", "--pool=solo",
             "-Q", QUEUE, "-n", f"bench{n}-{QUEUE}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-l", "warning"], env=env, cwd=CHECKOUT, stdout=log, stderr=subprocess.STDOUT))
    time.sleep(8)  # import Django and connect to Redis before the clock starts
    for worker in workers:
        if worker.poll() is not None:
            raise RuntimeError(f"a Celery worker exited early; see {logs}")
    return workers


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _sqlite() -> dict[str, float]:
    figures = {}
    for count in (SMALL, LARGE):
        with tempfile.TemporaryDirectory(prefix="bench-issue-") as data_dir:
            env = _env(data_dir)
            _child("seed", str(count), data_dir, "sqlite", env=env)
            figures[count] = _child("measure", str(count), data_dir, "sqlite", env=env)
            if count == LARGE:
                figures["floor"] = _child("floor", "0", data_dir, "sqlite", env=env)
        print(f"{count} learners on SQLite: {figures[count]['seconds']:.1f} s, peak RSS "
              f"{figures[count]['peak_rss_mb']:.0f} MB", flush=True)
    print(f"render + sign floor of {LARGE}: {figures['floor']['seconds']:.1f} s", flush=True)
    return {"issue_10k_s": round(figures[LARGE]["seconds"], 2),
            "issue_10k_render_floor_s": round(figures["floor"]["seconds"], 2),
            "issue_peak_rss_mb_1k": round(figures[SMALL]["peak_rss_mb"], 1),
            "issue_peak_rss_mb_10k": round(figures[LARGE]["peak_rss_mb"], 1)}


def _mariadb() -> dict[str, float]:
    figures = {}
    with tempfile.TemporaryDirectory(prefix="bench-issue-mariadb-") as data_dir:
        env, queue_env = _env(data_dir), _env(data_dir, SETTINGS)
        _child("seed", str(LARGE), data_dir, "mysql", env=env)
        figures["eager"] = _child("measure", str(LARGE), data_dir, "mysql", env=env)["seconds"]
        print(f"{LARGE} learners on MariaDB, one eager process: {figures['eager']:.1f} s", flush=True)
        for workers in (2, 1):
            _child("reset", "0", data_dir, "mysql", env=env)
            started = _workers(workers, queue_env, Path(data_dir))
            try:
                figures[workers] = _child("measure-queue", str(LARGE), data_dir, "mysql", env=queue_env)["seconds"]
            finally:
                _stop(started)
            print(f"{LARGE} learners on MariaDB, --queue, {workers} worker(s): {figures[workers]:.1f} s", flush=True)
    return {"issue_10k_mariadb_s": round(figures["eager"], 2), "issue_queue_10k_s": round(figures[2], 2),
            "issue_queue_1worker_10k_s": round(figures[1], 2)}


def run() -> dict[str, float]:
    """Every figure, with the sizes they were measured at (10,000 and 1,000 unless BENCH_ISSUE_SIZES said)."""
    return {**_sqlite(), **_mariadb(), "issue_learners_large": LARGE, "issue_learners_small": SMALL}


if __name__ == "__main__":
    if len(sys.argv) == 5:
        step, size, folder, db = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        steps = {"seed": lambda: seed(size, folder, db), "reset": lambda: reset(folder, db),
                 "measure": lambda: measure(size, folder, db), "measure-queue": lambda: measure(size, folder, db, True),
                 "floor": lambda: floor(folder)}
        print(json.dumps(steps[step]()))
    else:
        print(json.dumps(run(), indent=2))
