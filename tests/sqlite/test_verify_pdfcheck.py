"""Check a PDF on the verification page: the genuine file matches; an edited one is reported with what changed."""
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from pypdf import PdfReader, PdfWriter

from credential_admin.issuing import signing
from credential_admin.issuing.pipeline import render
from credential_admin.models import Credential
from tests.pdf_samples import check_findings as findings
from tests.pdf_samples import edit_printed_text, overlay_name

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
NAME = "Zoë Ångström-Kowalski"
UNCONFIRMED = ("Its signed data and the text we could read on it match the record, but what the file shows cannot be "
               "confirmed: something drawn over the page, such as another name, would not be detected. Compare what "
               "it shows with the issued facts below.")


@pytest.fixture
def issued(learner, config, make_credential, stored_bytes):
    """A credential issued by the pipeline, and its stored certificate PDF."""
    credential = make_credential(learner, config)
    return credential, stored_bytes(credential)


def upload(client, credential, data: bytes, name="certificate.pdf"):
    return client.post(f"/credentials/verify/{credential.verification_id}/",
                       {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_genuine_pdf_matches(client, issued):
    credential, pdf = issued
    response = upload(client, credential, pdf)
    assert response.status_code == 200
    assert findings(response) == ["match", "This file is exactly the certificate that was issued: not a byte "
                                           "was changed."]


def test_edited_name_is_reported(client, issued):
    credential, pdf = issued
    forged = edit_printed_text(pdf, NAME, "Mallory Forger")
    assert "Mallory Forger" in PdfReader(io.BytesIO(forged)).pages[0].extract_text()
    response = upload(client, credential, forged)
    assert response.status_code == 200
    assert findings(response) == [
        "altered",
        "This file is not byte for byte the certificate that was issued.",
        "The name printed on the file does not match the record: it was changed.",
    ]
    assert "Altered: this file differs" in response.content.decode()


def test_edited_title_is_reported(client, issued):
    credential, pdf = issued
    response = upload(client, credential, edit_printed_text(pdf, "Intro to Botany", "Advanced Botany"))
    assert findings(response)[2:] == ["The title printed on the file does not match the record: it was changed."]


def test_resaved_but_unchanged(client, issued):
    credential, pdf = issued
    out = io.BytesIO()
    PdfWriter(clone_from=PdfReader(io.BytesIO(pdf))).write(out)
    result = findings(upload(client, credential, out.getvalue()))
    assert result == ["altered", "This file is not byte for byte the certificate that was issued.", UNCONFIRMED]


def test_tampered_embedded_payload(client, issued):
    """A forger re-renders the certificate with another name and the original signature."""
    credential, _pdf = issued
    forged = {**json.loads(credential.payload), "name": "Mallory Forger"}
    envelope = signing.envelope(signing.canonical(forged), credential.signature, credential.key_id,
                                forged["verify_url"])
    result = findings(upload(client, credential, render(credential, forged, envelope)))
    assert result == [
        "altered",
        "This file is not byte for byte the certificate that was issued.",
        "The signed data inside the file was tampered with: its signature does not verify.",
        "The name printed on the file does not match the record: it was changed.",
    ]


def test_pdf_of_another_credential(client, issued, learner, make_config, make_credential, stored_bytes):
    credential, _pdf = issued
    other = make_credential(learner, make_config(course_key="course-v1:DemoX+B2+2026", usage_key="b2",
                                                 level="completion"))
    response = upload(client, credential, stored_bytes(other))
    assert findings(response) == ["different", "This file is a genuine certificate from this site, but of a "
                                               "different credential: it is not the one on this page."]
    html = response.content.decode()
    assert "This is a different credential: the file is not the certificate on this page." in html
    assert "was changed" not in html
    assert f'href="/credentials/verify/{other.verification_id}/"' in html


def test_verdict_comes_first_and_takes_focus(client, issued):
    """After an upload the check's verdict opens the page, before the record's own status banner."""
    credential, pdf = issued
    html = upload(client, credential, edit_printed_text(pdf, NAME, "Mallory Forger")).content.decode()
    main = html[html.index('<main id="content"'):]
    assert main.index('id="check-result"') < main.index('class="banner valid"') < main.index('id="facts-heading"')
    assert re.search(r'<section class="result altered" role="alert" id="check-result" tabindex="-1" autofocus', main)


@pytest.mark.parametrize(("data", "status", "message"), [
    (b"", 400, "The file is empty."),
    (b"Dear employer, this is a text file.", 400, "This file is not a PDF."),
    (b"\x89PNG\r\n\x1a\n" + bytes(500), 400, "This file is not a PDF."),
    (b"%PDF-1.7\n" + bytes(range(256)) * 40, 200, "It carries no signed data from this site"),
])
def test_bad_uploads_get_clear_messages(client, issued, data, status, message):
    credential, _pdf = issued
    response = upload(client, credential, data)
    assert response.status_code == status
    assert any(item.startswith(message) for item in findings(response)[1:])


def test_missing_file(client, issued):
    credential, _pdf = issued
    response = client.post(f"/credentials/verify/{credential.verification_id}/", {})
    assert response.status_code == 400 and "Choose a PDF file to check." in response.content.decode()


@override_settings(CREDENTIAL_XBLOCK_VERIFY_MAX_UPLOAD_BYTES=100_000)
def test_huge_upload_refused(client, issued):
    credential, pdf = issued
    response = upload(client, credential, pdf + b"%" + b"x" * 300_000)
    assert response.status_code == 413
    assert "The file is larger than 97.7\xa0KB: it cannot be a certificate from this site." in \
        response.content.decode()


@override_settings(CREDENTIAL_XBLOCK_VERIFY_PDF_CHECKS_PER_MINUTE=3)
def test_rate_limited(client, issued, clock):
    """Three checks a minute (a fixed window): the clock stands at 12:00:30 until the test moves it."""
    credential, pdf = issued
    assert [upload(client, credential, pdf).status_code for _ in range(4)] == [200, 200, 200, 429]
    clock.shift(29)  # 12:00:59
    assert "Too many checks" in upload(client, credential, pdf).content.decode()
    clock.shift(1)  # 12:01:00, a new window
    assert upload(client, credential, pdf).status_code == 200


@pytest.mark.parametrize(("body", "content_type"), [
    (b'--xx\r\nContent-Disposition: form-data; name="pdf"; filename="a.pdf"\r\n\r\n%PDF-1.4', "multipart/form-data"),
    (b"garbage", "multipart/form-data; boundary=xx"),
    (b"%PDF-1.4 raw body", "application/pdf"),
    (b"pdf=" + b"A" * 1000, "application/x-www-form-urlencoded"),
])
def test_malformed_posts_never_500(client, issued, body, content_type):
    credential, _pdf = issued
    response = client.generic("POST", f"/credentials/verify/{credential.verification_id}/", body,
                              content_type=content_type)
    assert response.status_code == 400


def test_overlay_forgery_stays_altered_and_never_sounds_trustworthy(client, issued):
    """A new name drawn over the old one; the original text and the signed data stay in the file, so nothing we
    can read differs. The verdict stays Altered, the wording says what it shows cannot be confirmed, and the
    issued facts follow on the page to compare with."""
    credential, pdf = issued
    forged = overlay_name(pdf, "Mallory Forger")
    text = PdfReader(io.BytesIO(forged)).pages[0].extract_text()
    assert "Mallory Forger" in text and NAME in text  # both are in the file; only the new one is visible
    response = upload(client, credential, forged)
    assert findings(response) == ["altered", "This file is not byte for byte the certificate that was issued.",
                                  UNCONFIRMED]
    html = response.content.decode()
    assert "Altered: this file differs" in html and "probably" not in html
    record = html[html.index("</section>"):]  # the issued facts, after the check's result
    for fact in (NAME, "Intro to Botany", credential.formatted_code):
        assert fact in record, fact


def test_signed_facts_that_differ_from_the_record_are_named(client, issued):
    """The file carries facts this site signed for this credential, but the record now says otherwise (a
    correction made in place): each differing signed fact and printed fact is named."""
    credential, pdf = issued
    corrected = {**json.loads(credential.payload), "title": "Intro to Botany II", "issued_on": "2026-03-05"}
    data, signature, key_id = signing.sign(corrected)
    Credential.objects.filter(pk=credential.pk).update(payload=data.decode(), signature=signature, key_id=key_id,
                                                       pdf_sha256="f" * 64)
    credential.refresh_from_db()
    assert findings(upload(client, credential, pdf))[1:] == [
        "This file is not byte for byte the certificate that was issued.",
        "the course or path title was changed",
        "the issue date was changed",
        "The title printed on the file does not match the record: it was changed.",
    ]


def test_unreadable_signed_data_is_reported(client, issued):
    """Data signed with this site's key that is JSON but not an object of facts (it cannot be matched to
    anything). The old code raised AttributeError here (a 500)."""
    credential, _pdf = issued
    key = signing.active_key()
    garbage = b'["certificate", "of", "nothing"]'
    envelope = signing.envelope(garbage, signing.b64encode(key.private.sign(garbage)), key.key_id,
                                json.loads(credential.payload)["verify_url"])
    result = findings(upload(client, credential, render(credential, json.loads(credential.payload), envelope)))
    assert result[1:] == ["This file is not byte for byte the certificate that was issued.",
                          "The signed data inside the file cannot be read."]


def test_a_damaged_record_is_compared_without_crashing(client, issued):
    """A record whose stored payload is not an object of facts (damaged): the file cannot match it, and the
    check still answers (every signed fact then differs from the empty record)."""
    credential, pdf = issued
    Credential.objects.filter(pk=credential.pk).update(payload="[]", pdf_sha256="f" * 64)
    credential.refresh_from_db()
    response = upload(client, credential, pdf)
    assert response.status_code == 200
    assert findings(response)[:3] == ["altered", "This file is not byte for byte the certificate that was issued.",
                                      "the name was changed"]


def test_a_pdf_whose_pages_cannot_be_parsed_says_so(client, issued):
    credential, _pdf = issued
    assert findings(upload(client, credential, b"%PDF-1.7\n" + bytes(range(256)) * 40)) == [
        "altered", "This file is not byte for byte the certificate that was issued.",
        "It carries no signed data from this site: the embedded signature was removed or damaged.",
        "The file is damaged: its pages cannot be read."]


def test_signed_data_naming_no_credential_of_ours_is_another_credentials(client, issued):
    """Validly signed facts whose id is not an id this site makes (so no link to another page is offered)."""
    credential, _pdf = issued
    facts = {**json.loads(credential.payload), "id": "not an id!"}
    data, signature, key_id = signing.sign(facts)
    envelope = signing.envelope(data, signature, key_id, facts["verify_url"])
    result = findings(upload(client, credential, render(credential, facts, envelope)))
    assert result[:3] == ["altered", "This file is not byte for byte the certificate that was issued.",
                          "The signed data inside the file belongs to a different credential."]
