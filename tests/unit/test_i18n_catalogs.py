"""Translations: every user-facing string is marked, every catalogue translates all of them, compiles and ships.

Catalogues live where Open edX's tooling expects them (tests/i18n_catalogs.py explains the layout). When this fails
after new strings were added: `make extract_translations`, translate the new msgids listed in the failure in each
language's django.po, then `make compile_translations`.
"""
from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import i18n_catalogs as catalogs

ROOT = catalogs.ROOT
pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
                                reason="GNU gettext is not installed (.ci/system-deps installs it)")
TEMPLATE_DIRS = [ROOT / "credential_xblock" / "templates", ROOT / "credential_admin" / "templates",
                 ROOT / "credential_admin" / "standalone" / "templates"]
JS_FILES = [*sorted((ROOT / "static" / "credential_xblock").glob("*.js")),
            *sorted((ROOT / "credential_admin" / "standalone" / "static").rglob("*.js"))]
PYTHON_DIRS = [ROOT / "credential_xblock", ROOT / "credential_admin", ROOT / "management"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, set[str]]:
    """What the code marks today, per package (a fresh extraction, as `make extract_translations` does)."""
    folder = tmp_path_factory.mktemp("extracted")
    return {package: catalogs.msgids(catalogs.extract(package, folder / package)) for package in catalogs.PACKAGES}


@pytest.mark.parametrize("package", catalogs.PACKAGES)
def test_english_source_catalogue_is_current(extracted, package):
    """openedx-translations reads <package>/conf/locale/en/LC_MESSAGES/django.po: it must hold every msgid."""
    committed = catalogs.msgids(catalogs.catalogue(package, "en"))
    new, gone = sorted(extracted[package] - committed), sorted(committed - extracted[package])
    assert not new and not gone, (f"{package}: run `make extract_translations`. New msgids: {new}; "
                                  f"no longer in the code: {gone}")


@pytest.mark.parametrize("locale", catalogs.LANGUAGES)
@pytest.mark.parametrize("package", catalogs.PACKAGES)
def test_every_marked_string_is_translated(extracted, package, locale):
    missing = sorted(extracted[package] - catalogs.translated_ids(catalogs.catalogue(package, locale)))
    assert not missing, f"{package} {locale}: {len(missing)} msgids untranslated (or fuzzy): {missing}"


@pytest.mark.parametrize("locale", catalogs.LANGUAGES)
@pytest.mark.parametrize("package", catalogs.PACKAGES)
def test_catalogue_compiles_with_matching_placeholders(package, locale, tmp_path):
    result = subprocess.run(["msgfmt", "--check-format", "--check-domain", "-o", str(tmp_path / "x.mo"),
                             str(catalogs.catalogue(package, locale))], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _read_mo(path: Path) -> dict:
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog  # the parsed catalogue


@pytest.mark.parametrize("package", catalogs.PACKAGES)
def test_shipped_mo_files_match_their_po(package, tmp_path):
    """The compiled files in the wheel say what the .po files say (`make compile_translations` after edits)."""
    for locale in (*catalogs.LANGUAGES, *catalogs.ALIASES):
        po = catalogs.catalogue(package, catalogs.ALIASES.get(locale, locale))
        subprocess.run(["msgfmt", "-o", str(tmp_path / "fresh.mo"), str(po)], check=True)
        fresh = _read_mo(tmp_path / "fresh.mo")
        shipped = [catalogs.catalogue(package, locale, "mo")]
        if package == "credential_xblock":
            shipped.append(ROOT / package / "translations" / locale / "LC_MESSAGES" / "text.mo")
        for mo in shipped:
            assert mo.exists() and _read_mo(mo) == fresh, f"{mo} is stale: run `make compile_translations`"


@pytest.mark.parametrize(("language", "expected"), [
    ("ar", "أنت غير مسجّل في هذه الدورة."), ("es", "No estás inscrito en este curso."),
    ("fr", "Vous n'êtes pas inscrit à ce cours."), ("pt-br", "Você não está matriculado neste curso."),
    ("zh-cn", "你尚未注册本课程。"), ("zh-hans", "你尚未注册本课程。"),
])
def test_the_platforms_xblock_i18n_service_finds_the_block_catalogue(language, expected):
    """XBlockI18nService (xmodule/modulestore/django.py) loads an XBlock's bundled catalogue as
    gettext.translation("text", <module>/translations, [to_locale(language)])."""
    from django.utils.translation import to_locale

    translator = gettext.translation("text", str(ROOT / "credential_xblock" / "translations"), [to_locale(language)])
    assert translator.gettext("You are not enrolled in this course.") == expected


def test_django_finds_the_app_catalogue():
    """credential_admin/locale (a link to conf/locale) is where Django looks for an installed app's catalogue."""
    from django.utils import translation

    assert (ROOT / "credential_admin" / "locale").resolve() == (ROOT / "credential_admin" / "conf" / "locale")
    with translation.override("fr"):
        assert translation.gettext("Valid credential") == "Certificat valable"


# ----- nothing unmarked ---------------------------------------------------------------------------------------------

ATTRIBUTES = re.compile(r'\b(alt|title|placeholder|aria-label)="([^"]*)"')
LETTERS = re.compile(r"[^\W\d_]{2,}")
# Names that are not words: package names, paths, commands ("credential-xblock", "static/credential-mfe-plugin").
IDENTIFIER = re.compile(r"[a-z0-9]+(?:[-_./:][a-z0-9]+)+")


def _words(text: str) -> bool:
    return bool(LETTERS.search(IDENTIFIER.sub(" ", text)))


def unmarked_template_text(source: str) -> list[str]:
    """Words a template shows that no {% translate %} / {% blocktranslate %} marks: text between tags and the
    text of alt, title, placeholder and aria-label attributes (scripts, styles and comments left out)."""
    from django.template.base import Lexer, TokenType

    kept, depth = [], 0
    for token in Lexer(source).tokenize():
        name = token.contents.split()[0] if token.token_type == TokenType.BLOCK and token.contents else ""
        if name in ("blocktranslate", "blocktrans"):
            depth += 1
        elif name in ("endblocktranslate", "endblocktrans"):
            depth -= 1
        kept.append(token.contents if token.token_type == TokenType.TEXT and not depth else "\x00")
    text = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", "\x00", "".join(kept), flags=re.S | re.I)
    found = [value for _name, value in ATTRIBUTES.findall(text) if _words(value.replace("\x00", " "))]
    between = re.sub(r"<[^>]*>", "\x00", text)
    between = re.sub(r"&[#\w]+;", " ", between)
    found += [chunk.strip() for chunk in between.split("\x00") if _words(chunk)]
    return found


@pytest.mark.parametrize("path", [path for folder in TEMPLATE_DIRS for path in sorted(folder.rglob("*"))
                                  if path.suffix in (".html", ".txt")],
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_templates_mark_every_text(path):
    assert unmarked_template_text(path.read_text(encoding="utf-8")) == [], f"wrap it in {{% translate %}}: {path}"


def test_the_template_check_finds_unmarked_text():
    source = ('{% load i18n %}<p title="Hover text">Plain words {{ x }}</p>{% translate "Marked" %}'
              '{% blocktranslate %}Also {{ y }} marked{% endblocktranslate %}<script>var a = "code";</script>'
              '<img alt="{% translate "Logo" %}"> &middot; 90% · credential-xblock')
    assert unmarked_template_text(source) == ["Hover text", "Plain words"]


PROSE = re.compile(r"""(['"])([A-Z][a-z']+(?: [\w,.'!?-]+)+[.!?]?)\1""")


@pytest.mark.parametrize("path", JS_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_javascript_shows_only_server_translated_text(path):
    """The blocks' and the demo's JavaScript take every text from the page (translated by the server)."""
    assert [match.group(2) for match in PROSE.finditer(path.read_text(encoding="utf-8"))] == []


def test_the_javascript_check_finds_literal_prose():
    source = """status.textContent = 'Could not save.'; headers: {'Content-Type': 'application/json'};
                label.textContent = strings.saved; el.querySelector('[data-role=counts]');"""
    assert [match.group(2) for match in PROSE.finditer(source)] == ["Could not save."]


SINKS = {"CommandError", "ValidationError", "Http404", "HttpResponseForbidden", "HttpResponseBadRequest",
         "PermissionDenied", "Message", "ClaimRefused", "BadArguments"}
MESSAGE_FUNCTIONS = {"success", "error", "warning", "info", "message_user"}


def _literal(node) -> str | None:
    """The words of a literal string (an f-string's literal parts, either side of a +), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and LETTERS.search(node.value):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return text if LETTERS.search(text) else None
    if isinstance(node, ast.BinOp):
        return _literal(node.left) or _literal(node.right)
    return None


def _shown_to_users(call: ast.Call) -> list:
    """The arguments of `call` that reach a person as they are."""
    func, args = call.func, list(call.args)
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name in SINKS:
        return args[:1]
    if name in MESSAGE_FUNCTIONS and isinstance(func, ast.Attribute):
        return args[1:2]
    if name == "write" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) \
            and func.value.attr in ("stdout", "stderr"):
        return args[:1]
    if name == "JsonResponse" and args and isinstance(args[0], ast.Dict):
        return [value for key, value in zip(args[0].keys, args[0].values, strict=True)
                if isinstance(key, ast.Constant) and key.value in ("error", "message", "detail")]
    return []


def unmarked_python_strings(source: str) -> list[str]:
    """Literal text handed straight to a user: exceptions shown to people, Django messages, a command's output,
    the error of a JSON response, rules' Messages (which must use N_)."""
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)]
    return [text for call in calls for text in map(_literal, _shown_to_users(call)) if text]


@pytest.mark.parametrize("path", [path for folder in PYTHON_DIRS for path in sorted(folder.rglob("*.py"))
                                  if "migrations" not in path.parts],
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_python_hands_users_only_marked_text(path):
    assert unmarked_python_strings(path.read_text(encoding="utf-8")) == [], f"wrap it in _() (or N_()): {path}"


def test_the_python_check_finds_unmarked_text():
    source = '''
raise CommandError("Bad course key")
raise CommandError(_("Marked"))
messages.success(request, f"Saved {name}")
self.stdout.write("Done.")
self.stdout.write(ROW.format(a))
self.stdout.write(f"{label}: {count}")
JsonResponse({"error": "Nope", "count": 3})
raise BadArguments("unknown user(s): " + ", ".join(missing))
Message(N_("ok"))
'''
    assert unmarked_python_strings(source) == ["Bad course key", "Saved ", "Done.", "Nope", "unknown user(s): "]


@pytest.mark.parametrize(("language", "printed"), [
    ("ar", ["شهادة", "تشهد هذه الوثيقة بأن", "قد استوفى متطلبات", "صدرت في", "نوفمبر"]),
    ("fr", ["Certificat", "Nous certifions que", "a satisfait aux exigences de", "Délivré le 29 novembre 2026"]),
    ("zh-hans", ["证书", "兹证明", "已达到以下课程的要求", "颁发日期", "2026年11月29日"]),
])
def test_certificate_texts_follow_the_learners_language(language, printed):
    """The built-in certificate prints its own words and the date in the credential's language."""
    import datetime
    import unicodedata

    from credential_admin.issuing.pdf import CertificateFacts
    from credential_admin.issuing.pdf.render import render
    from credential_admin.issuing.pdf.spec import BuiltinTemplate
    from tests.pdf_samples import pdftotext

    facts = CertificateFacts(learner_name="Nour", title="Credentials in Practice", level="Achievement",
                             issued_on=datetime.date(2026, 11, 29), verify_url="https://lms.example.org/v/abc/",
                             short_code="K7QX-29MD-ABCD", rules_met=(), issuer="Demo", organization="",
                             language=language)
    text = "".join(ch for ch in pdftotext(render(facts, BuiltinTemplate(), None))
                   if unicodedata.category(ch) != "Cf")  # poppler's bidi marks
    for words in printed:
        assert words in text, words
