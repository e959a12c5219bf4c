"""The package as operators get it: a wheel in a clean virtualenv, and the editable install of the checkout.

Django discovers management commands on disk (`<app>/management/commands`), so both must list the app's commands.
"""
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {"issue_credentials", "load_course", "sync_credential_configs"}


def app_commands(django_admin: Path, tmp_path: Path) -> set[str]:
    """The commands `django-admin help` lists under [credential_admin], run outside the checkout."""
    env = {"CREDENTIAL_DEMO_DIR": str(tmp_path / "demo"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [str(django_admin), "help", "--settings=credential_admin.demo.settings"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout
    section = out.split("[credential_admin]")[1].split("\n\n")[0]
    return {line.strip() for line in section.splitlines() if line.strip()}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)], check=True)
    return next(out.glob("credential_xblock-*.whl"))


def test_wheel_ships_commands_static_files_and_entry_points(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"credential_admin/management/commands/{c}.py" for c in COMMANDS} <= names
    assert any(n.startswith("credential_admin/static/fonts/") for n in names)
    assert any(n.startswith("credential_admin/static/credential_xblock/") for n in names)
    entry_points = next(zipfile.ZipFile(wheel).read(n) for n in names if n.endswith("entry_points.txt")).decode()
    for line in ("credential = credential_xblock.credential:CredentialBlock",
                 "credential_optional = credential_xblock.optional:OptionalBlock",
                 "credential_admin = credential_admin.apps:CredentialAdminConfig"):
        assert line in entry_points
    assert "[lms.djangoapp]" in entry_points and "[cms.djangoapp]" in entry_points


def test_wheel_ships_compiled_catalogues(wheel):
    """Every language, compiled, where the platform's XBlockI18nService and Django look for it."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for locale in ("ar", "es", "fr", "pt_BR", "zh_CN", "zh_Hans"):
        assert {f"credential_xblock/translations/{locale}/LC_MESSAGES/text.mo",
                f"credential_xblock/conf/locale/{locale}/LC_MESSAGES/django.mo",
                f"credential_admin/locale/{locale}/LC_MESSAGES/django.mo"} <= names, locale
    assert "credential_xblock/conf/locale/en/LC_MESSAGES/django.po" in names


def test_wheel_in_a_clean_virtualenv_lists_the_commands(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    constraints = ROOT / "requirements" / "py312-django52.txt"
    subprocess.run([str(env_dir / "bin" / "pip"), "install", "-q", "-c", str(constraints), f"{wheel}[demo]"],
                   check=True)
    assert app_commands(env_dir / "bin" / "django-admin", tmp_path) >= COMMANDS
    pdf = subprocess.run([str(env_dir / "bin" / "python"), "-c", RENDER], cwd=tmp_path, capture_output=True,
                         env={"CREDENTIAL_DEMO_DIR": str(tmp_path / "demo"), "PATH": "/usr/bin:/bin"}, check=True)
    assert pdf.stdout.startswith(b"%PDF")  # the bundled font and the renderer work from the wheel


RENDER = """
import datetime, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "credential_admin.demo.settings"
import django; django.setup()
from django.core.management import call_command; call_command("migrate", verbosity=0)
from credential_admin.issuing.pdf import CertificateFacts, render_certificate
facts = CertificateFacts("Zoë Ødegaard", "Course", "Completion", datetime.date(2026, 11, 26),
                         "https://example.com/v/1", "ABCD-EFGH", ("90% completion",), "Demo")
sys.stdout.buffer.write(render_certificate(facts))
"""


def test_editable_install_lists_the_commands(tmp_path):
    django_admin = Path(sys.executable).parent / "django-admin"
    assert app_commands(django_admin, tmp_path) >= COMMANDS
