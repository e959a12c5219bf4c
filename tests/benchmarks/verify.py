"""Benchmark: the public verification page against a bare Django view, in the same gunicorn server.

1,000,000 issued credentials in MariaDB (seeded once into database ``credentials_bench_verify`` and reused),
gunicorn with 2 sync workers, ``wrk`` with 16 connections for 20 s on random known verification ids; the baseline
is a view returning "ok" behind the same middleware. Keys: ``verify_rps``, ``verify_bare_rps``, ``verify_p99_ms``,
``verify_bare_p99_ms``; ``verify_floor_rps`` and ``verify_floor_p99_ms``, the bare view plus one indexed read of
the row by verification id (what no database-backed page can go below); then ``verify_hot_rps`` and
``verify_hot_p99_ms``, the same on only 100 of the ids (a shared link: served from each process's response cache,
credential_admin/verification/cache.py, after one miss each).
gunicorn listens on 127.0.0.1:BENCH_VERIFY_PORT (8180).

Run alone: ``.venv/bin/python -m tests.benchmarks.verify`` (prints the JSON). The module is also the Django
settings and URLconf of the server it starts (tests.settings on MariaDB with persistent connections, plus the bare
view). The first run seeds the database (every row really signed: 10-30 minutes on 2 busy cores); later runs reuse
it. Drop ``credentials_bench_verify`` to start again; BENCH_VERIFY_CREDENTIALS sets a smaller size for a quick try.
"""
from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CREDENTIALS = int(os.environ.get("BENCH_VERIFY_CREDENTIALS", "1000000"))
USERS = 10_000
DB_NAME = os.environ.get("BENCH_VERIFY_DB", "credentials_bench_verify")
DATA_DIR = Path(tempfile.gettempdir()) / "credential-bench-verify"
SAMPLE = 20_000
HOT = 100
DURATION_S = 20
CHECKOUT = Path(__file__).resolve().parents[2]
MODULE = "tests.benchmarks.verify"

if os.environ.get("DJANGO_SETTINGS_MODULE") == MODULE and __name__ == MODULE:  # imported as the server's settings
    os.environ.setdefault("CREDENTIAL_TEST_DIR", str(DATA_DIR))
    from tests.settings import *  # noqa: F403

    ROOT_URLCONF = MODULE
    DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 - persistent connections, as in production
    LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR", "handlers": []}}


def __getattr__(name: str):
    """The URLconf and WSGI application, built on first use (this module is imported as settings first)."""
    if name == "urlpatterns":
        from django.http import HttpResponse
        from django.urls import include, path

        return [path("bench/bare/", lambda request: HttpResponse("ok")),
                path("bench/floor/<str:verification_id>/", _floor),
                path("credentials/", include("credential_admin.urls"))]
    if name == "application":
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()
    raise AttributeError(name)


def _floor(request, verification_id: str):
    """The bare view plus the one thing a first visit cannot skip: the indexed read of the credential's row (its
    id only, no join, no rendering). What this serves bounds what any database-backed page can serve here."""
    from django.db import connection
    from django.http import HttpResponse

    from credential_admin.models import Credential

    meta, quote = Credential._meta, connection.ops.quote_name
    sql = (f"SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} "  # noqa: S608 - names from the model
           f"WHERE {quote(meta.get_field('verification_id').column)} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [verification_id])
        found = cursor.fetchone()
    return HttpResponse("ok" if found else "none")


def environment() -> dict[str, str]:
    return {**os.environ, "CREDENTIAL_DB": "mysql", "CREDENTIAL_DB_NAME": DB_NAME, "CREDENTIAL_TEST_DIR": str(DATA_DIR),
            "DJANGO_SETTINGS_MODULE": MODULE, "PYTHONPATH": str(CHECKOUT)}


def _sign_chunk(payloads: list[dict]) -> list[tuple[str, str, str, str]]:
    """Each payload signed and sealed as the issuing pipeline does."""
    from credential_admin.issuing import signing

    return [(data.decode(), signature, key_id, signing.seal(data, signature, key_id))
            for data, signature, key_id in map(signing.sign, payloads)]


def seed() -> list[str]:
    """Make sure `CREDENTIALS` issued credentials exist; return a random sample of their verification ids."""
    import django
    from django.core.management import call_command

    os.environ.update(environment())
    django.setup()
    import MySQLdb
    from django.conf import settings

    connection = MySQLdb.connect(host="127.0.0.1", user="root", port=3306)
    connection.cursor().execute(f"CREATE DATABASE IF NOT EXISTS `{DB_NAME}` CHARACTER SET utf8mb4")
    connection.close()
    call_command("migrate", verbosity=0)
    from credential_admin.models import Credential

    missing = CREDENTIALS - Credential.objects.filter(status="issued").count()
    if missing > 0:
        print(f"seeding {missing} credentials into {DB_NAME} (once)…", file=sys.stderr, flush=True)
        _insert(missing)
    if Credential.objects.filter(status="issued", seal="").exists():  # seeded before rows carried a seal
        call_command("seal_credentials", verbosity=0, stdout=sys.stderr)
    top = Credential.objects.order_by("-pk").values_list("pk", flat=True).first()
    picks = random.Random(7).sample(range(1, top + 1), min(SAMPLE, top))
    assert settings.DATABASES["default"]["NAME"] == DB_NAME
    return list(Credential.objects.filter(pk__in=picks, status="issued").values_list("verification_id", flat=True))


def _insert(count: int) -> None:
    from datetime import date
    from multiprocessing import get_context

    from django.contrib.auth import get_user_model

    from credential_admin.issuing.pipeline import new_short_code, new_verification_id, payload_for
    from credential_admin.models import Credential, CredentialConfig

    user_model = get_user_model()
    user_model.objects.bulk_create([user_model(username=f"bench{i:05d}", email=f"bench{i}@example.com")
                                    for i in range(USERS)], ignore_conflicts=True)
    users = list(user_model.objects.filter(username__startswith="bench").values_list("pk", flat=True))
    configs = [CredentialConfig.objects.get_or_create(
        usage_key=f"block-v1:Bench+C{n}+2026+type@credential+block@c", defaults={
            "course_key": f"course-v1:Bench+C{n}+2026", "level": "completion", "criteria": {}})[0]
        for n in range(CREDENTIALS // USERS + 1)]
    taken = set(Credential.objects.values_list("user_id", "config_id"))
    slots = ((user, config) for config in configs for user in users if (user, config.pk) not in taken)
    with get_context("fork").Pool(os.cpu_count() or 2) as pool:
        while count > 0:
            rows = []
            for user, config in (next(slots) for _ in range(min(count, 10_000))):
                rows.append(Credential(
                    verification_id=new_verification_id(), short_code=new_short_code(), user_id=user, config=config,
                    status="issued", issued_on=date(2026, 3, 4), pdf_sha256="0" * 64,
                    snapshot={"name": f"Learner {user}", "title": f"Course {config.pk}", "level": "completion",
                              "course_key": config.course_key, "issuer": "Bench Academy", "language": "en",
                              "rules_met": [{"kind": "completion", "type": "", "required": "90", "achieved": 95}]}))
            payloads = [payload_for(row, row.issued_on) for row in rows]
            chunks = [payloads[i:i + 1000] for i in range(0, len(payloads), 1000)]
            signed = [item for chunk in pool.map(_sign_chunk, chunks) for item in chunk]
            for row, (payload, signature, key_id, seal) in zip(rows, signed, strict=True):
                row.payload, row.signature, row.key_id, row.seal = payload, signature, key_id, seal
            Credential.objects.bulk_create(rows, batch_size=2000)
            count -= len(rows)


WRK_SCRIPT = """
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %f %f %d %d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


def _wrk(port: int, paths: list[str], seconds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        script, listing = Path(folder) / "paths.lua", Path(folder) / "paths.txt"
        script.write_text(WRK_SCRIPT)
        listing.write_text("\n".join(paths) + "\n")
        out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}",
                              "--", str(listing)], capture_output=True, text=True, check=True).stdout
    fields = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    requests, duration, p99_ms, bad_status, socket_errors = map(float, fields)
    return {"rps": requests / duration, "p99_ms": p99_ms, "errors": bad_status + socket_errors, "requests": requests}


def _wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def sample_ids() -> list[str]:
    """Seed in a child process (this one may already run Django with other settings) and read its sample."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as listing:
        subprocess.run([sys.executable, "-m", MODULE, "--seed", listing.name], env=environment(), cwd=CHECKOUT,
                       check=True)
        return listing.read().split()


def run() -> dict[str, float]:
    """Seed, serve with gunicorn (2 workers), measure the bare view then the verify page."""
    verify_paths = [f"/credentials/verify/{vid}/" for vid in sample_ids()]
    port = int(os.environ.get("BENCH_VERIFY_PORT", "8180"))
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-w", "2", "-b", f"127.0.0.1:{port}",
                               f"{MODULE}:application"], env=environment(), cwd=CHECKOUT)
    try:
        _wait_for(port, server)
        _wrk(port, verify_paths[:200], 3)  # warm both workers up
        bare = _wrk(port, ["/bench/bare/"], DURATION_S)
        floor = _wrk(port, [path.replace("/credentials/verify/", "/bench/floor/") for path in verify_paths], DURATION_S)
        verify = _wrk(port, verify_paths, DURATION_S)
        hot = _wrk(port, verify_paths[:HOT], DURATION_S)  # a shared link: a few pages, each asked for many times
    finally:
        server.terminate()
        server.wait(timeout=30)
    runs = (bare, floor, verify, hot)
    errors = sum(run["errors"] for run in runs)
    if errors > 0.01 * sum(run["requests"] for run in runs):  # a few timeouts on busy cores
        raise RuntimeError(f"wrk saw errors: bare {bare['errors']}, floor {floor['errors']}, "
                           f"verify {verify['errors']}, hot {hot['errors']}")
    return {"verify_rps": round(verify["rps"], 1), "verify_bare_rps": round(bare["rps"], 1),
            "verify_p99_ms": round(verify["p99_ms"], 2), "verify_bare_p99_ms": round(bare["p99_ms"], 2),
            "verify_floor_rps": round(floor["rps"], 1), "verify_floor_p99_ms": round(floor["p99_ms"], 2),
            "verify_hot_rps": round(hot["rps"], 1), "verify_hot_p99_ms": round(hot["p99_ms"], 2),
            "verify_wrk_errors": errors}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        Path(sys.argv[2]).write_text("\n".join(seed()) + "\n")
    else:
        print(json.dumps(run(), indent=2))
