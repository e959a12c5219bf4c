"""Certificate templates in the database and the admin: checked on save, picked by language, previewed."""
from __future__ import annotations

import datetime
import io
import json
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from credential_admin.admin import templates as template_admin
from credential_admin.issuing.pdf import CertificateFacts, TemplateError, render_certificate
from credential_admin.models import CertificateTemplate
from tests.pdf_samples import background, encrypted, no_pages, pdftotext

pytestmark = pytest.mark.django_db

LAYOUT = {"pages": {"1": [{"type": "text", "text": "{learner_name}", "x": 100, "y": 300, "width": 600,
                           "height": 50, "size": 28, "align": "center"}],
                    "2": [{"type": "qr", "x": 650, "y": 40, "size": 120}]}}


def stored_files() -> set[Path]:
    return {p for p in Path(default_storage.location).rglob("*") if p.is_file()}


def uploaded(data: bytes, layout=None, **fields) -> CertificateTemplate:
    return CertificateTemplate(name=fields.pop("name", "Fancy"), kind=CertificateTemplate.Kind.UPLOADED,
                               background=SimpleUploadedFile("background.pdf", data), layout=layout or LAYOUT,
                               **fields)


def facts(name: str = "Ada Lovelace", language: str = "en") -> CertificateFacts:
    return CertificateFacts(learner_name=name, title="Astronomy", level="Completion",
                            issued_on=datetime.date(2026, 11, 26), verify_url="http://testserver/credentials/verify/x/",
                            short_code="AAAA-BBBB", rules_met=(), issuer="Issuer", language=language)


BAD = [
    (b"GIF89a", None, "background", "not a PDF"),
    (encrypted(), None, "background", "encrypted"),
    (no_pages(), None, "background", "has no pages"),
    (background(), {"pages": {"1": [{"type": "qr", "x": 10, "y": 10, "size": 50, "rotation": 90}]}}, "layout",
     "unknown key(s) rotation"),
    (background(), {"pages": {"1": [{"type": "qr", "x": 10, "y": 500, "size": 200}]}}, "layout",
     "goes off the page"),
    (background(), {"pages": {"2": [{"type": "text", "text": "{title}", "x": 1, "y": 1, "width": 9, "height": 9,
                                     "font": "Missing-Font"}]}}, "layout", "font 'Missing-Font' is not installed"),
]


@pytest.mark.parametrize(("data", "layout", "field", "message"), BAD)
def test_bad_templates_are_refused_and_nothing_is_saved(data, layout, field, message):
    before = stored_files()
    with pytest.raises(ValidationError) as error:
        uploaded(data, layout).save()
    assert message in " ".join(error.value.message_dict[field])
    assert CertificateTemplate.objects.count() == 0
    assert stored_files() == before


@pytest.mark.parametrize(("data", "layout", "field", "message"), BAD)
def test_admin_refuses_bad_templates_with_the_message(admin_client, data, layout, field, message):
    before = stored_files()
    response = admin_client.post("/admin/credential_admin/certificatetemplate/add/", {
        "name": "Fancy", "language": "", "kind": "uploaded", "page_size": "A4", "signatories": "[]",
        "layout": json.dumps(layout or LAYOUT), "background": SimpleUploadedFile("b.pdf", data)})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert CertificateTemplate.objects.count() == 0
    assert stored_files() == before


def test_admin_saves_a_good_uploaded_template(admin_client):
    response = admin_client.post("/admin/credential_admin/certificatetemplate/add/", {
        "name": "Fancy", "language": "fr", "kind": "uploaded", "page_size": "A4", "signatories": "[]",
        "layout": json.dumps(LAYOUT), "background": SimpleUploadedFile("b.pdf", background())})
    assert response.status_code == 302
    template = CertificateTemplate.objects.get()
    pdf = render_certificate(facts("Émile Zola", "fr"), template)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert "Émile Zola" in pdftotext(pdf)


@pytest.mark.parametrize(("signatories", "message"), [
    ([{"name": ""}], "a name is required"),
    ([{"name": "A", "role": "Dean"}], "a name is required"),
    ([{"name": str(n)} for n in range(4)], "at most three"),
])
def test_bad_signatories_are_refused(signatories, message):
    with pytest.raises(ValidationError, match=message):
        CertificateTemplate(name="Plain", signatories=signatories).save()
    assert CertificateTemplate.objects.count() == 0


def test_a_logo_that_is_not_an_image_is_refused():
    before = stored_files()
    with pytest.raises(ValidationError, match="not a readable PNG or JPEG"):
        CertificateTemplate(name="Plain", logo=SimpleUploadedFile("logo.png", b"not an image")).save()
    assert stored_files() == before


def png(color: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), color).save(buffer, "PNG")
    return buffer.getvalue()


def test_translations_are_picked_by_language_then_base_language_then_any():
    for language, label in (("", "Any"), ("fr", "Français"), ("pt-br", "Português")):
        uploaded(background(1, label), {"pages": {}}, name="Fancy", language=language).save()
    assert CertificateTemplate.pick("Fancy", ["fr-ca"]).language == "fr"
    assert CertificateTemplate.pick("Fancy", ["de", "pt-br"]).language == "pt-br"
    assert CertificateTemplate.pick("Fancy", ["de"]).language == ""
    assert CertificateTemplate.pick("Other", ["fr"]) is None
    assert "Français 1" in pdftotext(render_certificate(facts(language="fr"), "Fancy"))
    assert "Any 1" in pdftotext(render_certificate(facts(language="ja"), "Fancy"))


def test_unknown_template_name_is_an_error():
    with pytest.raises(TemplateError, match="No certificate template is named 'Nope'"):
        render_certificate(facts(), "Nope")


def test_default_template_per_language_and_built_in_fallback():
    assert "Certificate" in pdftotext(render_certificate(facts(), None))  # no template at all: built-in
    CertificateTemplate(name="Plain", language="", is_default=True, signatories=[{"name": "Grace Hopper"}]).save()
    uploaded(background(1, "Deutsch"), {"pages": {}}, name="Fancy", language="de", is_default=True).save()
    assert "Deutsch 1" in pdftotext(render_certificate(facts(language="de"), None))
    assert "Grace Hopper" in pdftotext(render_certificate(facts(language="en"), None))
    second = CertificateTemplate(name="Other", language="de", is_default=True)
    second.save()
    assert list(CertificateTemplate.objects.filter(is_default=True, language="de")) == [second]


def test_built_in_template_prints_logo_and_signatories():
    template = CertificateTemplate(name="Plain", page_size="LETTER", logo=SimpleUploadedFile("logo.png", png()),
                                   signatories=[{"name": "Grace Hopper", "title": "Dean"}])
    template.save()
    pdf = render_certificate(facts(), template)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (792, 612)
    rows = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert [row.split()[3:5] for row in rows.splitlines()[2:]] == [["120", "40"]]  # the logo, page 1
    assert "Grace Hopper" in pdftotext(pdf) and "Dean" in pdftotext(pdf)


def test_admin_preview_shows_every_sample_inline(admin_client):
    template = uploaded(background(), LAYOUT)
    template.save()
    response = admin_client.get(f"/admin/credential_admin/certificatetemplate/{template.pk}/preview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('src="data:image/png;base64,') == 2 * len(template_admin.SAMPLE_NAMES)  # two pages each
    for name in template_admin.SAMPLE_NAMES.values():
        assert name in html


def test_admin_preview_without_pdftoppm_offers_the_pdfs(admin_client, monkeypatch):
    template = CertificateTemplate(name="Plain")
    template.save()
    monkeypatch.setattr(template_admin.shutil, "which", lambda name: None)
    response = admin_client.get(f"/admin/credential_admin/certificatetemplate/{template.pk}/preview/")
    html = response.content.decode()
    assert "pdftoppm (poppler-utils) is not installed" in html
    assert "data:image/png" not in html
    pdf = admin_client.get(f"/admin/credential_admin/certificatetemplate/{template.pk}/preview/arabic.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "محمد بن عبد الله الهاشمي" in pdftotext(pdf.content).replace("\u202b", "").replace("\u202c", "")


def test_preview_is_for_staff_only(client):
    template = CertificateTemplate(name="Plain")
    template.save()
    response = client.get(f"/admin/credential_admin/certificatetemplate/{template.pk}/preview/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
