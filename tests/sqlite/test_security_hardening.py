"""Issue #12's security findings, one test (or a few) per finding: the PDF check's budget and the rate limit before
parsing, private file names and their migration, exact lookups, load_course refusing bad courses whole, names no
font covers, and the rate limits' shared cache."""
from __future__ import annotations

import importlib
import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from credential_admin.issuing import storage
from credential_admin.models import Credential
from credential_admin.verification import pdfcheck
from tests.pdf_samples import check_findings as findings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


def shared_stream_pdf(stream_bytes: int, pages: int = 5) -> bytes:
    """The reported attack: a small file whose pages all draw one large, highly compressible content stream."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))
    line = b"BT /F1 12 Tf 10 10 Td (x) Tj ET\n"
    stream = StreamObject()
    stream._data = zlib.compress(line * (stream_bytes // len(line)), 9)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    contents = writer._add_object(stream)
    for page in writer.pages:
        page[NameObject("/Contents")] = contents
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({
            NameObject("/F1"): font})})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def issued(learner, config, make_credential, stored_bytes):
    credential = make_credential(learner, config)
    return credential, stored_bytes(credential)


def upload(client, credential, data: bytes, **extra):
    return client.post(f"/credentials/verify/{credential.verification_id}/",
                       {"pdf": SimpleUploadedFile("certificate.pdf", data, content_type="application/pdf")}, **extra)


# ----- 2. the PDF check's budget ----------------------------------------------------------------------------------

def test_the_reported_pdf_is_small_and_could_not_be_checked(client, issued):
    credential, _pdf = issued
    attack = shared_stream_pdf(4 * 1024 * 1024)
    assert len(attack) < 16 * 1024  # 11-12 KB, as reported
    with pytest.raises(pdfcheck.TooComplex):
        pdfcheck.extract_text(attack)
    response = upload(client, credential, attack)
    assert response.status_code == 200
    assert findings(response)[0] == "altered"
    assert ("Its printed text could not be checked: its pages are too complex to read within our limits."
            in findings(response))


def test_budget_is_counted_per_use_before_parsing(monkeypatch):
    """One page with 60 KB is read; five pages sharing it (300 KB in all) are refused before pypdf parses any."""
    assert pdfcheck.extract_text(shared_stream_pdf(60 * 1024, pages=1)).count("x") == 60 * 1024 // 32
    parsed = []
    from pypdf.generic import ContentStream

    real = ContentStream._parse_content_stream
    monkeypatch.setattr(ContentStream, "_parse_content_stream", lambda self, *a: parsed.append(1) or real(self, *a))
    with pytest.raises(pdfcheck.TooComplex):
        pdfcheck.extract_text(shared_stream_pdf(60 * 1024, pages=5))
    assert parsed == []


def test_operator_budget(monkeypatch):
    monkeypatch.setattr(pdfcheck, "MAX_TEXT_OPERATORS", 1000)
    with pytest.raises(pdfcheck.TooComplex):
        pdfcheck.extract_text(shared_stream_pdf(8 * 1024, pages=1))  # 256 lines of 5 operators


def test_a_genuine_certificate_is_well_inside_the_budget(issued, monkeypatch):
    """The check of a genuine certificate stays exact: its text is read with a budget 10 times smaller."""
    _credential, pdf = issued
    monkeypatch.setattr(pdfcheck, "MAX_TEXT_STREAM_BYTES", pdfcheck.MAX_TEXT_STREAM_BYTES // 10)
    monkeypatch.setattr(pdfcheck, "MAX_TEXT_OPERATORS", pdfcheck.MAX_TEXT_OPERATORS // 10)
    assert "Zoë Ångström-Kowalski" in pdfcheck.extract_text(pdf)


def test_uploads_are_parsed_only_after_the_rate_limit(client, issued, settings, monkeypatch):
    credential, pdf = issued
    settings.CREDENTIAL_XBLOCK_VERIFY_PDF_CHECKS_PER_MINUTE = 1
    parses = []
    real = MultiPartParser.parse
    monkeypatch.setattr(MultiPartParser, "parse", lambda self: parses.append(1) or real(self))
    assert upload(client, credential, pdf).status_code == 200
    assert parses == [1]
    assert upload(client, credential, pdf).status_code == 429
    assert parses == [1]  # refused before Django read the body


def test_the_pdf_check_works_without_a_csrf_token_and_changes_nothing(issued):
    """The check only compares an upload with the record (a cross-site POST cannot read the answer), so it needs no
    token, and the page can be the same for every reader."""
    from django.apps import apps
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    credential, pdf = issued
    rows = {model: list(model.objects.values()) for model in apps.get_app_config("credential_admin").get_models()}
    with CaptureQueriesContext(connection) as queries:
        response = upload(Client(enforce_csrf_checks=True), credential, pdf)
    assert response.status_code == 200
    assert "Genuine: the file matches the record." in response.content.decode()
    writes = [query["sql"] for query in queries if not query["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert rows == {model: list(model.objects.values()) for model in rows}


# ----- 5. private file names --------------------------------------------------------------------------------------

def test_files_are_named_by_a_keyed_hash_never_the_public_id(issued, settings):
    credential, _pdf = issued
    assert credential.verification_id not in credential.storage_key
    assert credential.storage_key == storage.key_for(credential.config_id, credential.verification_id)
    settings.SECRET_KEY = "another-site"
    assert storage.key_for(credential.config_id, credential.verification_id) != credential.storage_key


def test_migration_moves_files_named_by_the_verification_id(issued):
    from django.apps import apps
    from django.db import connection

    credential, pdf = issued
    old_key = f"credentials/{credential.config_id}/{credential.verification_id}.pdf"
    storage.store(old_key, pdf)
    storage.delete(credential.storage_key)
    Credential.objects.filter(pk=credential.pk).update(storage_key=old_key)
    migration = importlib.import_module("credential_admin.migrations.0006_exact_ids_private_file_names")
    migration.rename_files(apps, type("Editor", (), {"connection": connection})())
    credential.refresh_from_db()
    assert credential.storage_key == storage.key_for(credential.config_id, credential.verification_id)
    with storage.get_storage().open(credential.storage_key, "rb") as handle:
        assert handle.read() == pdf
    assert not storage.get_storage().exists(old_key)


# ----- 3. bad input is a specific 400 or form error, never a 500 ---------------------------------------------------

QR = '{"type": "qr", "x": %s, "y": 10, "size": 50}'


@pytest.mark.parametrize(("layout", "message"), [
    ('{"pages": {"1": [%s]}}' % (QR % "NaN"), "NaN, Infinity and -Infinity are not JSON numbers"),
    ('{"pages": {"1": [%s]}}' % (QR % "Infinity"), "NaN, Infinity and -Infinity are not JSON numbers"),
    ("null", "The layout must be a JSON object"),
    ('{"pages": {"1": [' + "[" * 50_000 + "]" * 50_000 + "]}}", "The JSON nests deeper than 32 levels"),
    ("[" * 50_000 + "]" * 50_000, "The JSON nests deeper than 32 levels"),
])
def test_admin_refuses_bad_layouts_with_a_form_error(admin_client, layout, message):
    from credential_admin.models import CertificateTemplate
    from tests.pdf_samples import background

    response = admin_client.post("/admin/credential_admin/certificatetemplate/add/", {
        "name": "Fancy", "language": "", "kind": "uploaded", "page_size": "A4", "signatories": "[]",
        "layout": layout, "background": SimpleUploadedFile("b.pdf", background())})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&quot;", '"')
    assert CertificateTemplate.objects.count() == 0


def test_layout_numbers_must_be_finite():
    from credential_admin.issuing.pdf import TemplateError
    from credential_admin.issuing.pdf.fonts import font_chain
    from credential_admin.issuing.pdf.layout import parse_layout

    with pytest.raises(TemplateError, match='"x" must be a finite number'):
        parse_layout({"pages": {"1": [{"type": "qr", "x": float("nan"), "y": 1, "size": 9}]}}, [(600, 800)],
                     font_chain())


@pytest.fixture
def cx101(db):
    from credential_admin.demo.seed import COURSE_FOLDER
    from credential_admin.standalone.loader import load_course_folder

    return load_course_folder(COURSE_FOLDER)


def block_of(course, block_type: str, url_name: str) -> str:
    from opaque_keys.edx.keys import CourseKey

    return str(CourseKey.from_string(course.course_key).make_usage_key(block_type, url_name))


def studio_post(client, course, usage: str, handler: str, body: bytes):
    return client.post(f"/courses/{course.course_key}/studio/{usage}/handler/{handler}/", data=body,
                       content_type="application/json")


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_studio_dates_at_the_edge_of_the_calendar_are_a_field_error(client, staff_user, cx101, value):
    import json

    client.force_login(staff_user)
    form = {"display_name": "C", "level": "achievement", "min_completion": "", "min_grade": "80",
            "min_type_grades": [], "template": "", "description": "", "allowed_modes": "", "available_from": value}
    response = studio_post(client, cx101, block_of(cx101, "credential", "achievement_credential"), "studio_submit",
                           json.dumps(form).encode())
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "available_from": f'"{value}" is out of range: use a date between the years 1900 and 9998.'}


@pytest.mark.parametrize(("body", "status"), [
    (b'{"defaults": []}', 400), (b'"values"', 400), (b'{"values": [], "defaults": []}', 400),
    (b"[" * 10_000 + b"]" * 10_000, 400), (b'{"values": {"display_name": "Renamed"}}', 200),
])
def test_submit_studio_edits_checks_its_body(client, staff_user, cx101, body, status):
    client.force_login(staff_user)
    response = studio_post(client, cx101, block_of(cx101, "html", "welcome_text"), "submit_studio_edits", body)
    assert response.status_code == status


@pytest.mark.parametrize("values", [{"choices": "abc"}, {"choices": [{"text": 1}]}, {"display_name": {}},
                                    {"weight": "NaN"}, {"answer": "NaN"}, {"weight": -1}, {"question": ["x"]}])
def test_problem_edits_of_the_wrong_shape_are_refused(client, staff_user, cx101, values):
    import json

    from credential_admin.standalone.runtime import StandaloneRuntime

    client.force_login(staff_user)
    usage = block_of(cx101, "problem", "hw1_q1")
    response = studio_post(client, cx101, usage, "submit_studio_edits",
                           json.dumps({"values": values, "defaults": []}).encode())
    assert response.status_code == 400
    problem = StandaloneRuntime(cx101.course_key).get_block(usage)
    assert (problem.weight, problem.display_name, len(problem.choices)) == (1.0, "Question 1", 2)


def test_learner_bodies_never_500(client, cx101, django_user_model):
    from credential_admin.standalone.models import Enrollment

    learner = django_user_model.objects.create_user("learner")
    Enrollment.objects.create(user=learner, course=cx101, mode="verified")
    client.force_login(learner)
    base = f"/courses/{cx101.course_key}"
    unit = block_of(cx101, "vertical", "welcome_unit")
    nested = b"[" * 10_000 + b"]" * 10_000
    assert client.post(f"{base}/units/{unit}/viewed/", data=nested, content_type="application/json").status_code \
        == 400
    assert client.post(f"{base}/units/{unit}/viewed/", data=b'{"usage_ids": [[1]]}',
                       content_type="application/json").status_code == 400
    credential = block_of(cx101, "credential", "achievement_credential")
    assert client.post(f"{base}/xblock/{credential}/handler/claim/", data=nested,
                       content_type="application/json").status_code in (403, 409)


@pytest.mark.parametrize("body", [b'"4"', b"[1]", b"null", b"[" * 10_000 + b"]" * 10_000])
def test_a_problem_refuses_a_body_that_is_not_an_object(client, cx101, django_user_model, body):
    from credential_admin.standalone.models import Enrollment, Score

    learner = django_user_model.objects.create_user("learner")
    Enrollment.objects.create(user=learner, course=cx101, mode="verified")
    client.force_login(learner)
    problem = block_of(cx101, "problem", "hw1_q1")
    response = client.post(f"/courses/{cx101.course_key}/xblock/{problem}/handler/submit/", data=body,
                           content_type="application/json")
    assert response.status_code == 400
    assert not Score.objects.exists()


# ----- 4. load_course refuses a bad course whole ------------------------------------------------------------------

POLICY = '{"GRADER": [{"type": "Homework", "min_count": 1, "drop_count": 0, "weight": 1.0}], ' \
         '"GRADE_CUTOFFS": {"Pass": 0.5}}'


def course_folder(tmp_path, component: str, chapter: str | None = None):
    folder = tmp_path / "course"
    folder.mkdir()
    chapter = chapter or (f'<chapter url_name="ch" display_name="C"><sequential url_name="s" display_name="S">'
                          f'<vertical url_name="v" display_name="V">{component}</vertical></sequential></chapter>')
    (folder / "course.xml").write_text(f'<course url_name="2026" org="Sec" course="BAD">{chapter}</course>')
    (folder / "grading_policy.json").write_text(POLICY)
    return folder


def load_exit_code(folder) -> int:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("load_course", str(folder))
    except CommandError as exc:
        return exc.returncode
    return 0


@pytest.mark.parametrize(("component", "message"), [
    ('<credential url_name="c" min_grade="80" available_from="9999-12-31T23:59:59-14:00"/>', "is out of range"),
    ('<credential url_name="c" min_grade="80" available_from="0001-01-01T00:00:00+14:00"/>', "is out of range"),
    ('<credential url_name="c" min_grade="eighty"/>', "is not a number"),
    ('<credential url_name="c" min_grade="80" level="gold"/>', 'The level "gold" is not one of'),
    ('<bogus url_name="b"/>', "no XBlock of type 'bogus' is installed"),
    ('<problem url_name="p" weight="heavy"><question>?</question></problem>', '<problem url_name=\'p\'>'),
    # Found by the fuzz suite (an InvalidKeyError, a YAML error: exit 1 with a traceback).
    ('<html url_name="¡" display_name="x"/>', "a url_name may hold only"),
    ('<problem url_name="p" weight="!0 x"><question>?</question></problem>', "could not determine a constructor"),
    ('<problem url_name="p" weight="\'x"><question>?</question></problem>', "while scanning a quoted scalar"),
])
def test_load_course_refuses_a_bad_course_with_exit_2_and_writes_nothing(tmp_path, component, message):
    from credential_admin.standalone.loader import load_course_folder
    from credential_admin.standalone.models import BlockState, Course
    from credential_admin.standalone.runtime import LoadError

    folder = course_folder(tmp_path, component)
    with pytest.raises(LoadError, match=message.replace("(", r"\(")):
        load_course_folder(folder)
    assert load_exit_code(folder) == 2
    assert (Course.objects.count(), BlockState.objects.count()) == (0, 0)


def test_a_draft_credential_without_rules_still_loads(tmp_path):
    assert load_exit_code(course_folder(tmp_path, '<credential url_name="c"/>')) == 0


def test_a_bad_reload_keeps_the_course_as_it_was(tmp_path):
    from credential_admin.standalone.models import Course
    from credential_admin.standalone.runtime import StandaloneRuntime

    good = course_folder(tmp_path, '<credential url_name="c" min_grade="80"/>')
    assert load_exit_code(good) == 0
    (good / "course.xml").write_text((good / "course.xml").read_text().replace('min_grade="80"',
                                                                              'min_grade="80" level="gold"'))
    assert load_exit_code(good) == 2
    course = Course.objects.get()
    assert StandaloneRuntime(course.course_key).get_block(
        "block-v1:Sec+BAD+2026+type@credential+block@c").level == "completion"


@pytest.mark.parametrize("url_name", ["../../../secret", "..", "a/b", "/etc/passwd"])
def test_olx_pointers_never_leave_the_course_folder(tmp_path, url_name):
    from credential_admin.standalone.loader import load_course_folder
    from credential_admin.standalone.runtime import LoadError

    (tmp_path / "secret.xml").write_text('<chapter url_name="stolen" display_name="SECRET"/>')
    folder = course_folder(tmp_path, "", chapter=f'<chapter url_name="{url_name}"/>')
    with pytest.raises(LoadError, match="a url_name and a tag may hold only"):
        load_course_folder(folder)
    assert load_exit_code(folder) == 2


# ----- 8. rate limits through a cache shared by the workers --------------------------------------------------------

def test_rate_limits_count_across_worker_processes():
    """Two processes (as two gunicorn workers) share one count: the standalone cache is not per process."""
    import multiprocessing

    from django.core.cache import cache
    from django.core.cache.backends.locmem import LocMemCache

    from credential_admin import ratelimit

    assert not isinstance(cache, LocMemCache)
    assert [ratelimit.allow("pdf", "203.0.113.9", 3, WINDOW) for _ in range(2)] == [True, True]
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        assert pool.apply(_two_hits) == [True, False]  # the third and fourth hit of the window
    assert ratelimit.allow("pdf", "203.0.113.9", 3, WINDOW) is False


WINDOW = 10 ** 9  # one window for the whole test, whatever the clock does


def _two_hits() -> list[bool]:
    from credential_admin import ratelimit

    return [ratelimit.allow("pdf", "203.0.113.9", 3, WINDOW) for _ in range(2)]


def test_settings_pick_redis_when_the_deployment_has_one(monkeypatch, tmp_path):
    from credential_admin.standalone.settings import caches

    monkeypatch.delenv("CREDENTIAL_REDIS_URL", raising=False)
    assert caches(tmp_path)["default"]["BACKEND"].endswith("FileBasedCache")
    monkeypatch.setenv("CREDENTIAL_REDIS_URL", "redis://127.0.0.1:6379/3")
    assert caches(tmp_path)["default"] == {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                           "LOCATION": "redis://127.0.0.1:6379/3"}


# ----- 7. names no font covers; bidi controls -----------------------------------------------------------------------

def test_a_name_with_emoji_is_issued_with_what_can_be_printed(learner, config, make_credential, stored_bytes):
    """😀 (Unicode 6) prints from the symbol fonts; 🥲 (Unicode 13) is in no packaged font: a visible replacement,
    a warning on the row, and the credential is issued. The signed name stays as the learner wrote it."""
    import json

    from tests.pdf_samples import pdftotext

    name = "Zoë 😀 Kowalski 🥲"
    credential = make_credential(learner, config, name=name)
    assert credential.status == Credential.Status.ISSUED
    assert json.loads(credential.payload)["name"] == name
    assert credential.snapshot["print_warnings"] == [
        "No font prints U+1F972 in the learner's name: printed as a replacement."]
    text = pdftotext(stored_bytes(credential))
    assert "Zoë 😀 Kowalski \ufffd" in text


def test_bidi_controls_in_a_name_do_not_reorder_the_printed_line(learner, config, make_credential, stored_bytes):
    from tests.pdf_samples import pdftotext

    credential = make_credential(learner, config, name="Eve \u202eevil\u202c Smith \u2067x")
    text = pdftotext(stored_bytes(credential))
    assert "Eve evil Smith x" in text
    assert "live" not in text


def test_the_admin_never_shows_the_file_name(admin_client, issued):
    credential, _pdf = issued
    page = admin_client.get(f"/admin/credential_admin/credential/{credential.pk}/change/")
    assert page.status_code == 200
    assert credential.storage_key.rsplit("/", 1)[-1].split(".")[0] not in page.content.decode()
