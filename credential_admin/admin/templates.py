"""Django admin for certificate templates, with a preview that renders sample certificates inline as images.

The preview renders a long name, right-to-left and CJK names, so an admin sees how a design copes before any
learner does. PDF pages become PNGs through poppler's pdftoppm when it is installed; without it the preview offers
the PDFs themselves.
"""
from __future__ import annotations

import base64
import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credential_admin.admin.jsonfield import StrictJSONField
from credential_admin.models import CertificateTemplate

SAMPLE_NAMES = {
    "latin": "Zoë Ångström-Fabergé",
    "long": "Maria Magdalena Alexandrina Theodora von Hohenzollern-Sigmaringen und Wittelsbach-Löwenstein "
            "de la Cruz y Fernández-Villaverde",
    "arabic": "محمد بن عبد الله الهاشمي",
    "hebrew": "דוד בן גוריון",
    "cjk": "王小明 / 山田 太郎",
    "hindi": "अमिताभ बच्चन",
}


def sample_facts(name: str, language: str):
    """Printed facts for a preview: realistic lengths, an obviously fake verification link."""
    from credential_admin.issuing.pdf import CertificateFacts  # ReportLab only when previewing

    return CertificateFacts(
        learner_name=name, title=_("Sample course: Introduction to Data Science and Machine Learning"),
        level=_("Achievement"), issued_on=datetime.date.today(),
        verify_url="https://lms.example.com/credentials/verify/SAMPLE-preview-0123456789/", short_code="SMPL-0000",
        rules_met=(_("Overall grade: 86% (required 80%)"), _("Final Exam: 91% (required 75%)")),
        issuer=_("Example Issuer"), organization=_("Example University"), language=language or "en")


def to_png(pdf: bytes, resolution: int = 60) -> list[bytes] | None:
    """Every page of `pdf` as PNG bytes, or None when pdftoppm is not installed."""
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "preview.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(resolution), str(source), str(Path(folder) / "page")],
                       check=True, capture_output=True, timeout=60)
        return [page.read_bytes() for page in sorted(Path(folder).glob("page*.png"))]


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "language", "kind", "page_size", "is_default", "modified", "preview_link")
    list_filter = ("kind", "language", "is_default")
    search_fields = ("name",)
    readonly_fields = ("preview_link",)
    formfield_overrides = {models.JSONField: {"form_class": StrictJSONField}}
    fieldsets = (
        (None, {"fields": ("name", "language", "kind", "is_default", "preview_link")}),
        (gettext_lazy("Built-in design"), {"fields": ("page_size", "logo", "signatories")}),
        (gettext_lazy("Uploaded background"), {"fields": ("background", "layout")}),
    )

    @admin.display(description=gettext_lazy("preview"))
    def preview_link(self, obj: CertificateTemplate | None) -> str:
        if obj is None or not obj.pk:
            return _("Save the template to preview it.")
        url = reverse("admin:credential_admin_certificatetemplate_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Preview with sample names"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", view(self.preview_view), name="credential_admin_certificatetemplate_preview"),
            path("<int:pk>/preview/<str:sample>.pdf", view(self.preview_pdf),
                 name="credential_admin_certificatetemplate_preview_pdf"),
            *super().get_urls(),
        ]

    def _template(self, request, pk: int) -> CertificateTemplate:
        template = get_object_or_404(CertificateTemplate, pk=pk)
        if not self.has_view_permission(request, template):
            raise PermissionDenied
        return template

    def preview_view(self, request, pk: int) -> TemplateResponse:
        """Each sample rendered with this template and shown inline, or the reason it could not be."""
        from credential_admin.issuing.pdf import render_certificate  # ReportLab only when previewing

        template = self._template(request, pk)
        samples = []
        for key, name in SAMPLE_NAMES.items():
            sample = {"key": key, "name": name, "pdf_url": reverse(
                "admin:credential_admin_certificatetemplate_preview_pdf", args=[pk, key])}
            try:
                pages = to_png(render_certificate(sample_facts(name, template.language), template))
            except (ValueError, subprocess.SubprocessError, OSError) as exc:
                sample["error"] = str(exc)
            else:
                sample["pages"] = None if pages is None else [base64.b64encode(p).decode() for p in pages]
            samples.append(sample)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": template,
                   "title": _("Preview of %(template)s") % {"template": template}, "samples": samples,
                   "no_converter": any(s.get("pages", []) is None for s in samples)}
        return TemplateResponse(request, "credential_admin/admin/certificate_template_preview.html", context)

    def preview_pdf(self, request, pk: int, sample: str) -> HttpResponse:
        """One sample certificate as a PDF."""
        from credential_admin.issuing.pdf import render_certificate  # ReportLab only when previewing

        template = self._template(request, pk)
        if sample not in SAMPLE_NAMES:
            raise Http404
        try:
            pdf = render_certificate(sample_facts(SAMPLE_NAMES[sample], template.language), template)
        except ValueError as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="preview-{sample}.pdf"'
        return response
