"""Certificate templates: the built-in design with an organisation's logo and signatories, or an uploaded PDF
background with a layout of placed elements. Templates that share a name are translations of each other."""
from __future__ import annotations

import threading

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

__all__ = ["CertificateTemplate"]

_spec_cache: dict[tuple, object] = {}
_spec_lock = threading.Lock()


class CertificateTemplate(models.Model):
    """A certificate design in one language; checked completely before it is saved."""

    class Kind(models.TextChoices):
        BUILTIN = "builtin", _("Built-in design")
        UPLOADED = "uploaded", _("Uploaded PDF background")

    class PageSize(models.TextChoices):
        A4 = "A4", _("A4, landscape")
        LETTER = "LETTER", _("US Letter, landscape")

    name = models.CharField(_("name"), max_length=100,
                            help_text=_("Templates that translate each other share a name; credentials refer to it."))
    language = models.CharField(_("language"), max_length=16, blank=True,
                                help_text=_("Language code such as fr or pt-br; blank for any language."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BUILTIN)
    page_size = models.CharField(_("page size"), max_length=8, choices=PageSize.choices, default=PageSize.A4,
                                 help_text=_("For the built-in design; an uploaded background keeps its own size."))
    background = models.FileField(_("background PDF"), upload_to="credential_templates/", blank=True,
                                  help_text=_("For uploaded templates: every page of it is kept."))
    layout = models.JSONField(_("layout"), default=dict, blank=True, help_text=_(
        'For uploaded templates: {"pages": {"1": [elements]}}; see the template documentation.'))
    logo = models.FileField(_("logo"), upload_to="credential_templates/", blank=True,
                            help_text=_("PNG or JPEG, printed at the top of the built-in design."))
    signatories = models.JSONField(_("signatories"), default=list, blank=True, help_text=_(
        'Up to three, e.g. [{"name": "Ada Lovelace", "title": "Dean"}].'))
    is_default = models.BooleanField(_("default"), default=False, help_text=_(
        "Used for credentials that name no template (one default per language)."))
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "language"]
        verbose_name = _("certificate template")
        constraints = [models.UniqueConstraint(fields=["name", "language"], name="credential_template_name_lang")]

    def __str__(self) -> str:
        return f"{self.name} ({self.language or _('any language')})"

    def save(self, *args, **kwargs) -> None:
        """Check the template, then save it; a new default takes over from the old default of its language."""
        self.full_clean()
        with transaction.atomic():
            if self.is_default:
                CertificateTemplate.objects.filter(language=self.language, is_default=True).exclude(
                    pk=self.pk).update(is_default=False)
            super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse a template the renderer could not use, naming the field and the problem."""
        from credential_admin.issuing.pdf import FontError, TemplateError  # ReportLab lazily
        from credential_admin.issuing.pdf.fonts import font_chain
        from credential_admin.issuing.pdf.layout import check_background, check_image, parse_layout

        self.language = self.language.strip().lower().replace("_", "-")
        logo = _read(self.logo)
        try:
            if logo:
                check_image(logo)
        except TemplateError as exc:
            raise ValidationError({"logo": str(exc)}) from exc
        self._check_signatories()
        if self.kind == self.Kind.BUILTIN:
            return
        background = _read(self.background)
        if not background:
            raise ValidationError({"background": _("An uploaded template needs a background PDF.")})
        try:
            sizes = check_background(background)
        except TemplateError as exc:
            raise ValidationError({"background": str(exc)}) from exc
        try:
            parse_layout(self.layout, sizes, font_chain(), has_logo=bool(logo))
        except (TemplateError, FontError) as exc:
            raise ValidationError({"layout": str(exc)}) from exc

    def _check_signatories(self) -> None:
        people = self.signatories
        ok = isinstance(people, list) and len(people) <= 3 and all(
            isinstance(p, dict) and set(p) <= {"name", "title"} and isinstance(p.get("name"), str)
            and p["name"].strip() and isinstance(p.get("title", ""), str) for p in people)
        if not ok:
            raise ValidationError({"signatories": _(
                'Give at most three signatories as [{"name": "…", "title": "…"}]; a name is required.')})

    def to_spec(self):
        """What the renderer needs (files read once per saved version, then cached in the process)."""
        from credential_admin.issuing.pdf import BuiltinTemplate, Signatory, UploadedTemplate

        key = (self.pk, self.modified, self.kind)
        spec = _spec_cache.get(key) if self.pk else None
        if spec is not None:
            return spec
        logo = _read(self.logo) or None
        if self.kind == self.Kind.UPLOADED:
            spec = UploadedTemplate(_read(self.background), self.layout, logo, cache_key=str(key))
        else:
            people = tuple(Signatory(p["name"], p.get("title", "")) for p in self.signatories or ())
            spec = BuiltinTemplate(self.page_size, logo, people)
        if self.pk:
            with _spec_lock:
                _spec_cache[key] = spec
        return spec

    @classmethod
    def pick(cls, name: str | None, languages: list[str]) -> CertificateTemplate | None:
        """The template called `name` (or the default) best matching `languages`, tried in order.

        Each language matches exactly, then by its base language (pt-br → pt); then a template for any language,
        then any translation of that name.
        """
        candidates = list(cls.objects.filter(name=name) if name else cls.objects.filter(is_default=True))
        by_language = {c.language: c for c in candidates}
        for language in [lang.lower().replace("_", "-") for lang in languages if lang]:
            found = by_language.get(language) or by_language.get(language.split("-")[0])
            if found:
                return found
        return by_language.get("") or (candidates[0] if candidates else None)


def _read(field) -> bytes:
    """The content of a file field, saved or just uploaded (an upload is left rewound, ready to be saved)."""
    if not field:
        return b""
    if field._committed:
        with field.open("rb") as stored:
            return stored.read()
    field.seek(0)
    data = field.read()
    field.seek(0)
    return data
