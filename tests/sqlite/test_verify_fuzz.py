"""10,000 random and malformed verification ids and short codes: every one is a 404, never a 500."""
import random
import secrets
import string
from urllib.parse import quote

import pytest
from django.test import override_settings

from credential_admin.issuing.pipeline import CODE_ALPHABET

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
RANDOM = random.Random(20261126)
NASTY = ["../../etc/passwd", "..%2F..%2Fsettings", "%00", "\x00", "' OR 1=1 --", "<script>alert(1)</script>",
         "{{ settings.SECRET_KEY }}", "\u202egnp.exe", "🦄" * 40, "A" * 5000, "%", "%%", "%zz", "\\",
         "\r\nSet-Cookie: x=1", "null",
         "None", "-1", "0" * 64, "_" * 24, "-" * 24, "é" * 24, "\uff21\uff22\uff23\uff24" * 6, "\u200b" * 24]


def random_text(max_len: int) -> str:
    pools = [string.ascii_letters + string.digits + "-_", string.printable, "".join(map(chr, range(0x80, 0x800))),
             "🦄\u202e\u200b\ufeff\x00\x7f"]
    pool = RANDOM.choice(pools)
    return "".join(RANDOM.choice(pool) for _ in range(RANDOM.randint(1, max_len)))


def verification_ids(count: int) -> list[str]:
    shaped = [secrets.token_urlsafe(18) for _ in range(count // 2)]  # well-formed but unknown: reach the database
    return shaped + [random_text(120) for _ in range(count - len(shaped) - len(NASTY))] + NASTY


def codes(count: int) -> list[str]:
    shaped = ["".join(RANDOM.choice(CODE_ALPHABET) for _ in range(12)) for _ in range(count // 2)]
    hyphenated = ["-".join((c[:4], c[4:8], c[8:])).lower() for c in shaped[: count // 4]]
    rest = [random_text(80) for _ in range(count - len(shaped) - len(hyphenated) - len(NASTY))] + NASTY
    return shaped + hyphenated + [text for text in rest if text.strip()]


@override_settings(CREDENTIAL_XBLOCK_VERIFY_LOOKUPS_PER_MINUTE=100_000)
def test_ten_thousand_bad_ids_and_codes_are_404(client, learner, config, make_credential):
    real = make_credential(learner, config)
    ids, typed = verification_ids(5000), codes(5000)
    assert len(ids) + len(typed) >= 9_990 and real.verification_id not in ids and real.short_code not in typed
    statuses: dict[int, int] = {}
    for index, vid in enumerate(ids):
        suffix = ("", "json/", "ob3/")[index % 3]
        response = client.get(f"/credentials/verify/{quote(vid, safe='')}/{suffix}")
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    for code in typed:
        response = client.get("/credentials/verify/", {"code": code})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert statuses == {404: len(ids) + len(typed)}
    assert client.get(f"/credentials/verify/{real.verification_id}/").status_code == 200
