"""The inline Tutor plugin (credential_admin/tutor/credential_xblock.yml) with the real `tutor` package, no Docker:
`tutor config save` into a temporary root renders LMS and CMS settings that hold ours and compile as Python, an
image that installs the package, and a signing key generated once."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credential_admin.issuing.signing import b64decode

PLUGIN = Path(__file__).resolve().parents[2] / "credential_admin" / "tutor" / "credential_xblock.yml"
SETTINGS = [f"{service}/{kind}.py" for service in ("lms", "cms") for kind in ("production", "development")]


def render(tutor, root: Path, *settings: str) -> Path:
    (root / "plugins").mkdir()
    shutil.copy(PLUGIN, root / "plugins")
    assert "credential_xblock" in tutor(root, "plugins", "list")
    tutor(root, "plugins", "enable", "credential_xblock")
    tutor(root, "config", "save", *(arg for setting in settings for arg in ("--set", setting)))
    return root / "root"


@pytest.fixture(scope="module")
def local(tutor, tmp_path_factory) -> Path:
    return render(tutor, tmp_path_factory.mktemp("tutor-local"), 'CREDENTIAL_XBLOCK_FEATURES={"AUTO_ISSUE": true}',
                  "CREDENTIAL_XBLOCK_PIP_SPEC=credential-xblock==0.1.0", "CREDENTIAL_XBLOCK_ISSUER_NAME=Demo's Academy",
                  'CREDENTIAL_XBLOCK_EXTRA_SETTINGS={"BATCH_SIZE": 200, "AUTO_ISSUE_DELAY": 60}')


def our_settings(path: Path) -> dict:
    """Run our block of a rendered settings file (from our comment to the end of the common settings) on top of a
    platform that has a default storage, and return what it defines."""
    text = path.read_text()
    block = re.search(r"# credential-xblock: .*?(?=\n######## End of settings common)", text, re.S)
    assert block, f"no credential-xblock settings in {path}"
    namespace = {"STORAGES": {"default": {"BACKEND": "platform.Storage"}}}
    exec(compile(block.group(0), str(path), "exec"), namespace)  # noqa: S102 - the file we rendered ourselves
    return namespace


@pytest.mark.parametrize("name", SETTINGS)
def test_rendered_settings_compile_and_hold_ours(local, name):
    path = local / "env" / "apps" / "openedx" / "settings" / name
    compile(path.read_text(), str(path), "exec")  # the whole settings file is valid Python
    values = our_settings(path)
    assert values["CREDENTIAL_XBLOCK_BACKEND"] == "credential_admin.backends.openedx.OpenEdxBackend"
    assert values["CREDENTIAL_XBLOCK_FEATURES"] == {"AUTO_ISSUE": True}
    assert values["CREDENTIAL_XBLOCK_ISSUER_NAME"] == "Demo's Academy"
    assert (values["CREDENTIAL_XBLOCK_BATCH_SIZE"], values["CREDENTIAL_XBLOCK_AUTO_ISSUE_DELAY"]) == (200, 60)
    assert values["CREDENTIAL_XBLOCK_BASE_URL"] == "http://local.openedx.io"
    assert values["CREDENTIAL_XBLOCK_ACTIVE_KEY_ID"] == "tutor-1"
    (key_id, key), = values["CREDENTIAL_XBLOCK_SIGNING_KEYS"].items()
    assert key_id == "tutor-1"
    Ed25519PrivateKey.from_private_bytes(b64decode(key))  # a real key: 32 bytes, as signing reads it
    storages = values["STORAGES"]
    assert storages["default"] == {"BACKEND": "platform.Storage"}  # the platform's storages are kept
    assert storages[values["CREDENTIAL_XBLOCK_STORAGE"]]["OPTIONS"]["location"] == "/openedx/data/credential_xblock"


def test_the_signing_key_is_generated_once_and_kept(tutor, local, tmp_path):
    config = (local / "config.yml").read_text()
    key = re.search(r"CREDENTIAL_XBLOCK_SIGNING_KEY: (\S+)", config).group(1)
    tutor(local.parent, "config", "save")
    assert f"CREDENTIAL_XBLOCK_SIGNING_KEY: {key}" in (local / "config.yml").read_text()
    other = render(tutor, tmp_path)
    assert key not in (other / "config.yml").read_text()  # each install gets its own


def test_the_image_installs_the_package(local):
    dockerfile = (local / "env" / "build" / "openedx" / "Dockerfile").read_text()
    assert "RUN pip install 'credential-xblock==0.1.0'" in dockerfile


def test_s3_storage_when_a_bucket_is_set(tutor, tmp_path):
    root = render(tutor, tmp_path, "CREDENTIAL_XBLOCK_S3_BUCKET=certs", "CREDENTIAL_XBLOCK_S3_REGION=eu-west-1")
    values = our_settings(root / "env" / "apps" / "openedx" / "settings" / "lms" / "production.py")
    storage = values["STORAGES"]["credential_xblock"]
    assert storage["BACKEND"] == "credential_admin.issuing.s3.PrivateS3Storage"  # private, encrypted objects
    assert storage["OPTIONS"] == {"bucket_name": "certs", "region_name": "eu-west-1", "endpoint_url": None,
                                  "access_key": None, "secret_key": None}
