"""A Learning Path certificate lists its courses: on the first page when they fit, else on a second page."""
import datetime

import pytest
from pypdf import PdfReader

from credential_admin.issuing.pdf import CertificateFacts, render_certificate
from tests.pdf_samples import pdftotext

pytestmark = pytest.mark.django_db
SHORT = ("Statistics", "Python for Data", "Machine Learning")
LONG = tuple(f"Course {n}: {topic}" for n, topic in enumerate(
    ("Statistics", "Python for Data", "Machine Learning", "Data Visualisation", "Databases and SQL"), 1))


def facts(courses):
    return CertificateFacts(learner_name="Ana Souza", title="Data Science path", level="Completion",
                            issued_on=datetime.date(2026, 11, 29), verify_url="https://lms.example.org/v/abc/",
                            short_code="ABCD-EFGH-JKMN", rules_met=(), issuer="Example University", courses=courses)


def pages(pdf: bytes) -> int:
    import io

    return len(PdfReader(io.BytesIO(pdf)).pages)


def test_three_short_courses_fit_on_the_first_page():
    pdf = render_certificate(facts(SHORT))
    text = " ".join(pdftotext(pdf).split())
    assert pages(pdf) == 1
    assert "has completed the learning path Data Science path" in text
    assert "3 courses: Statistics · Python for Data · Machine Learning" in text


def test_five_courses_go_to_a_second_page_that_lists_every_one():
    pdf = render_certificate(facts(LONG))
    assert pages(pdf) == 2
    first = " ".join(pdftotext(pdf, "-l", "1").split())
    second = " ".join(pdftotext(pdf, "-f", "2").split())
    assert "5 courses, listed on the next page" in first and "Course 1" not in first
    assert [f"{i}. {title}" in second for i, title in enumerate(LONG, 1)] == [True] * 5
    assert "Verification code: ABCD-EFGH-JKMN" in second


def test_a_course_certificate_is_unchanged():
    pdf = render_certificate(facts(()))
    text = " ".join(pdftotext(pdf).split())
    assert pages(pdf) == 1 and "has met the requirements of Data Science path" in text and "courses" not in text
