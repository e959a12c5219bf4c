"""Benchmark: certificates rendered per second on one core, next to a bare ReportLab page in the same run.

The baseline is a bare ReportLab page with three lines of Helvetica. Certificates use the built-in template (QR
code, embedded fonts, a 600-byte signed payload embedded) for 1,000 Latin names with diacritics, and for 1,000
Arabic and CJK names (half each). The three are measured interleaved, in rounds of 100, so a busy machine slows
them alike; time is the process's CPU time (the process is pinned to one core), so other work on the machine
does not count. Also printed: Latin certificates with one Ed25519 signature each (the pipeline signs every one).
Keys: ``render_latin_per_s``, ``render_unicode_per_s``, ``render_baseline_per_s`` (and
``render_sign_latin_per_s``).

Run alone: ``.venv/bin/python -m tests.benchmarks.render``.
"""
from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
import time

NAMES = 1000
ROUNDS = 10
FIRST = ["Anna", "Jürgen", "Łukasz", "Zoë", "Mateo", "Chloé", "Oliver", "Søren", "Ágnes", "Dvořák", "Zeynep",
         "François", "Małgorzata", "Björn", "Núria", "Ólafur", "Ines", "Tomáš", "Siobhán", "Renée"]
LAST = ["Smith", "Nowak", "García", "Müller", "O'Neil", "Kowalczyk", "Fernández", "Ødegaard", "Čapek", "Y\u0131lmaz",
        "Lefèvre", "Łukasiewicz", "Sørensen", "Herrera-Núñez", "Brontë", "Dąbrowski", "Šťastný", "Guðmundsdóttir",
        "Ní Bhriain", "Hernández"]
ARABIC_FIRST = ["محمد", "فاطمة", "أحمد", "مريم", "علي", "خديجة", "يوسف", "ليلى", "عمر", "سارة"]
ARABIC_LAST = ["بن عبد الله", "الهاشمي", "العلي", "بنت خالد", "المصري", "الحسيني", "الزهراني", "القحطاني", "الشمري",
               "التميمي"]
CJK_FAMILY = ["王", "李", "张", "刘", "陈", "杨", "山田", "佐藤", "鈴木", "高橋"]
CJK_GIVEN = ["小明", "秀英", "伟", "芳", "娜", "太郎", "花子", "さくら", "翔太", "美咲"]


def latin_names(shift: int = 0) -> list[str]:
    """NAMES different names (first names and surnames repeat, as they do in a course)."""
    return [f"{FIRST[(i + shift) % 20]} {LAST[(i // 20) % 20]}-{LAST[(i // 400 + shift) % 20]}" for i in range(NAMES)]


def unicode_names() -> list[str]:
    """NAMES different names, Arabic and CJK alternately."""
    names = []
    for i in range(NAMES):
        if i % 2:
            names.append(f"{ARABIC_FIRST[i % 10]} {ARABIC_FIRST[(i // 10) % 10]} {ARABIC_LAST[(i // 100) % 10]}")
        else:
            names.append(f"{CJK_FAMILY[i % 10]}{CJK_GIVEN[(i // 10) % 10]}{CJK_GIVEN[(i // 100) % 10]}")
    return names


def baseline_page(_: int) -> bytes:
    """A bare ReportLab page with three lines of Helvetica."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont("Helvetica", 24)
    canvas.drawString(100, 700, "Certificate of Completion")
    canvas.setFont("Helvetica", 18)
    canvas.drawString(100, 650, "Jane Q. Public")
    canvas.setFont("Helvetica", 12)
    canvas.drawString(100, 600, "Introduction to Everything, 26 November 2026")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("CREDENTIAL_TEST_DIR", tempfile.mkdtemp(prefix="credential-bench-render-"))
    import django

    django.setup()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core


def run() -> dict[str, float]:
    _setup()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from credential_admin.issuing.pdf import BuiltinTemplate, CertificateFacts, render_certificate

    template = BuiltinTemplate()
    payload = json.dumps({"id": "x" * 22, "name": "n" * 40, "rules": ["r" * 60] * 3, "signature": "s" * 88,
                          "key": "k1", "pad": "p" * 240}).encode()[:600]
    key = Ed25519PrivateKey.generate()

    def facts(name: str, i: int) -> CertificateFacts:
        return CertificateFacts(
            learner_name=name, title="Introduction to Data Science and Machine Learning", level="Achievement",
            issued_on=datetime.date(2026, 11, 26),
            verify_url=f"http://127.0.0.1:8000/credentials/verify/Zq8k3T1xW0aPq7LmN4v{i:05d}/",
            short_code=f"K7QX-{i:05d}", rules_met=("Overall grade: 86% (required 80%)",), issuer="Open edX Demo",
            organization="Demo University")

    latin, unicode, other_latin = latin_names(), unicode_names(), latin_names(shift=7)
    assert len(set(latin)) == len(set(unicode)) == len(set(other_latin)) == NAMES
    cases = {
        "baseline": baseline_page,
        "latin": lambda i: render_certificate(facts(latin[i], i), template, payload=payload),
        "unicode": lambda i: render_certificate(facts(unicode[i], i + 2 * NAMES), template, payload=payload),
        "sign_latin": lambda i: render_certificate(facts(other_latin[i], i + NAMES), template,
                                                   payload=payload + key.sign(payload)),
    }
    for case in cases.values():  # warm up: fonts loaded, shared subsets built
        for i in range(20):
            case(i)
    elapsed = dict.fromkeys(cases, 0.0)
    step = NAMES // ROUNDS
    for start in range(0, NAMES, step):
        for label, case in cases.items():
            began = time.process_time()
            for i in range(start, start + step):
                case(i)
            elapsed[label] += time.process_time() - began
    rates = {label: NAMES / seconds for label, seconds in elapsed.items()}
    base = rates["baseline"]
    print(f"bare ReportLab page (3 lines of Helvetica) {base:8.0f}/s")
    for label in ("latin", "unicode", "sign_latin"):
        print(f"certificate, {label:24s}     {rates[label]:8.0f}/s  = {rates[label] / base:.2f} x baseline")
    return {"render_latin_per_s": round(rates["latin"], 1), "render_unicode_per_s": round(rates["unicode"], 1),
            "render_baseline_per_s": round(base, 1), "render_sign_latin_per_s": round(rates["sign_latin"], 1)}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
