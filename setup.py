"""Packaging for credential-xblock: the XBlocks, the companion Django app and its commands."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_requirements(name: str) -> list[str]:
    """Read a requirements file, skipping comments and nested includes."""
    lines = (HERE / "requirements" / name).read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip() and not line.startswith("-")]


PACKAGES = find_packages(include=["credential_xblock*", "credential_admin*"], exclude=["credential_admin.management*"])
# management/ sits at the top level of the repository but belongs to the app; wheels map it into place here,
# while the checkout and editable installs see it through the credential_admin/management symlink.
MANAGEMENT = ["credential_admin.management", "credential_admin.management.commands"]
PATHS = read_requirements("paths.in")

setup(
    name="credential-xblock",
    version="0.1.0",
    description="Completion and achievement credentials for Open edX courses and Learning Paths",
    long_description=(HERE / "README.md").read_text(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.11",
    packages=PACKAGES + MANAGEMENT,
    package_dir={"credential_admin.management": "management"},
    include_package_data=True,
    # The MFE plugin's npm package (and its node_modules) is a JavaScript package of its own, not Python package data.
    exclude_package_data={"credential_admin": ["static/credential-mfe-plugin/*"]},
    package_data={
        "credential_xblock": ["templates/*", "templates/**/*", "static/**/*", "conf/locale/**/*", "translations/**/*",
                              "scenarios/*.xml"],
        "credential_admin.standalone": ["templates/**/*", "static/**/*"],
        "credential_admin": ["templates/**/*", "static/**/*", "conf/locale/**/*", "locale/**/*", "contexts/*",
                             "fixtures/*", "demo/course/**/*", "demo/path_courses/**/*"],
    },
    data_files=[],
    install_requires=read_requirements("base.in"),
    # [paths]: Learning Path credentials; learning-paths-plugin pulls in openedx-completion-aggregator, which
    # registers itself in the LMS and CMS, so it is installed only where paths are wanted (demo and tests do).
    extras_require={"paths": PATHS, "demo": ["xblock-sdk", *PATHS],
                    "test": ["xblock-sdk", *PATHS, *read_requirements("test.in")]},
    entry_points={
        "xblock.v1": [
            "credential = credential_xblock.credential:CredentialBlock",
            "credential_optional = credential_xblock.optional:OptionalBlock",
        ],
        "lms.djangoapp": ["credential_admin = credential_admin.apps:CredentialAdminConfig"],
        "cms.djangoapp": ["credential_admin = credential_admin.apps:CredentialAdminConfig"],
    },
    classifiers=[
        "Framework :: Django",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
