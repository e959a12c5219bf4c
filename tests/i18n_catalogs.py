"""Message catalogues: extract, merge, compile and check them (`make extract_translations`, `compile_translations`).

Layout, as Open edX's translation tooling expects of XBlocks and plugins (OEP-58; openedx-translations extracts the
English source from ``<module>/conf/locale/en/LC_MESSAGES/django.po`` and ``atlas pull`` brings translations back
into the platform's ``conf/plugins-locale/``):

- ``credential_xblock/conf/locale/<locale>/LC_MESSAGES/django.po|mo``: the blocks (Python and templates);
- ``credential_admin/conf/locale/<locale>/LC_MESSAGES/django.po|mo``: the pages, demo, admin, e-mails, certificate
  texts and the management commands;
- ``credential_xblock/translations/<locale>/LC_MESSAGES/text.mo``: the same block catalogue compiled where the
  platform's ``XBlockI18nService`` looks for an XBlock's bundled translations (domain ``text``) before atlas
  has pulled any;
- ``zh_Hans``: compiled from ``zh_CN`` for Django sites (Django calls Simplified Chinese ``zh-hans``, the LMS
  ``zh-cn``).

The JavaScript takes every text from the server (translated there), so there is no ``djangojs`` catalogue.

Run as ``python -m tests.i18n_catalogs extract|compile`` from the checkout (GNU gettext's xgettext, msgmerge and
msgfmt must be installed).
"""
from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("ar", "es", "fr", "pt_BR", "zh_CN")
ALIASES = {"zh_Hans": "zh_CN"}
PACKAGES = ("credential_xblock", "credential_admin")
# Folders makemessages skips (by name): catalogues, bundled static files (the MFE plugin has its own i18n), data.
SKIPPED = ("locale", "conf", "translations", "migrations", "static", "contexts", "scenarios", "node_modules")


def catalogue(package: str, locale: str, suffix: str = "po") -> Path:
    return ROOT / package / "conf" / "locale" / locale / "LC_MESSAGES" / f"django.{suffix}"


def _setup_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=True, LOCALE_PATHS=[], INSTALLED_APPS=[])
        django.setup()


def extract(package: str, into: Path) -> Path:
    """The package's English source catalogue, freshly extracted into `into` (the returned .po path).

    makemessages runs in a scratch folder holding two links, the package and ``locale`` (→ `into`), so that it
    reads the whole package (following its symlinks, e.g. to management/) and writes nowhere else.
    """
    _setup_django()
    from django.core.management.commands import makemessages

    class MakeMessages(makemessages.Command):
        # N_ marks the rules engine's messages (translated where they are shown); keep locations per file only,
        # so that moving a line does not change the catalogue.
        xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_", "--add-location=file"]

    into.mkdir(parents=True, exist_ok=True)
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / package).symlink_to(ROOT / package)
        (Path(scratch) / "locale").symlink_to(into.resolve())
        os.chdir(scratch)
        try:
            MakeMessages().run_from_argv(["django-admin", "makemessages", "-l", "en", "--no-obsolete", "--no-wrap",
                                          "--symlinks", "--verbosity=0", *(f"--ignore={name}" for name in SKIPPED)])
        finally:
            os.chdir(cwd)
    path = into / "en" / "LC_MESSAGES" / "django.po"
    _set_header(path, "en")
    return path


def _set_header(path: Path, locale: str) -> None:
    """A stable header: no dates or placeholders that change on every extraction."""
    text = path.read_text(encoding="utf-8")
    fields = {"Project-Id-Version": "credential-xblock", "Language": locale}
    if locale == "en":
        fields["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    text = re.sub(r'"POT-Creation-Date: [^"]*"\n', "", text)
    for name, value in fields.items():
        text = re.sub(rf'"{name}: [^"]*"', lambda _match, n=name, v=value: f'"{n}: {v}\\n"', text, count=1)
    text = re.sub(r"\A(#.*\n)+", "# credential-xblock message catalogue. License: AGPL-3.0.\n#\n", text)
    path.write_text(_brace_only(text), encoding="utf-8")


def _brace_only(text: str) -> str:
    """Drop xgettext's ``python-format`` guess from ``str.format`` messages: "{required}% of" is not a %-directive,
    and translations write "{required} % du" (msgfmt --check would refuse them)."""
    def fix(match: re.Match) -> str:
        entry = match.group(0)
        if "python-brace-format" in entry and not re.search(r"%(\(\w+\))?[sdifr]", entry.split("msgid", 1)[1]):
            entry = entry.replace("#, python-format, python-brace-format", "#, python-brace-format")
        return entry
    return re.sub(r"^#, python-format, python-brace-format\n(?:#.*\n)*msgid .*(?:\n\".*\")*", fix, text, flags=re.M)


def msgids(po: Path) -> set[str]:
    """Every msgid of a catalogue (a plural entry as its singular), translated or not: msgen fills each msgstr with
    its msgid, msgfmt compiles, gettext reads."""
    english = subprocess.run(["msgen", "--no-wrap", str(po)], check=True, capture_output=True).stdout
    return _compiled_ids(english, "--use-fuzzy")


def translated_ids(po: Path) -> set[str]:
    """The msgids a catalogue really translates (fuzzy and empty entries left out), as msgfmt compiles them."""
    return _compiled_ids(po.read_bytes())


def _compiled_ids(po_text: bytes, *options: str) -> set[str]:
    with tempfile.TemporaryDirectory() as tmp:
        mo = Path(tmp) / "c.mo"
        subprocess.run(["msgfmt", *options, "-o", str(mo), "-"], input=po_text, check=True, capture_output=True)
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # the parsed catalogue
    return {key[0] if isinstance(key, tuple) else key for key in catalog} - {""}


def merge(package: str) -> None:
    """Refresh the English source and merge it into every language (new msgids arrive untranslated)."""
    source = catalogue(package, "en")
    extract(package, source.parents[2])
    for locale in LANGUAGES:
        po = catalogue(package, locale)
        if not po.exists():
            po.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["msginit", "--no-translator", "--no-wrap", "-l", locale, "-i", str(source), "-o",
                            str(po)], check=True, capture_output=True)
            _set_header(po, locale)
        subprocess.run(["msgmerge", "--quiet", "--update", "--backup=none", "--no-wrap", "--no-fuzzy-matching",
                        str(po), str(source)], check=True)
        subprocess.run(["msgattrib", "--no-obsolete", "--no-wrap", "-o", str(po), str(po)], check=True)


def compile_all() -> list[Path]:
    """Compile every language (``msgfmt --check``: placeholders and plural forms must agree); the written files."""
    written = []
    for package in PACKAGES:
        for locale in (*LANGUAGES, *ALIASES):
            po = catalogue(package, ALIASES.get(locale, locale))
            targets = [catalogue(package, locale, "mo")]
            if package == "credential_xblock":
                targets.append(ROOT / package / "translations" / locale / "LC_MESSAGES" / "text.mo")
            for mo in targets:
                mo.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
                written.append(mo)
    return written


def main(argv: list[str]) -> int:
    if argv[1:] == ["extract"]:
        for package in PACKAGES:
            merge(package)
        return 0
    if argv[1:] == ["compile"]:
        print(f"{len(compile_all())} catalogues compiled")
        return 0
    print("usage: python -m tests.i18n_catalogs extract|compile", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
