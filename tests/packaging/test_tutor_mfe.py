"""The Tutor plugin for the MFE widgets (credential_admin/tutor/credential_xblock_mfe.py) with the real tutor and
tutor-mfe: `tutor config save` into a temporary root (no Docker) renders both slot entries for the legacy MFEs
(env.config.jsx, per APP_ID) and for the frontend-base site (the compatibility shim's env.config.<mfe>.jsx), and the
npm install of the package into the MFE images and the site."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[2] / "credential_admin" / "tutor" / "credential_xblock_mfe.py"
PROGRESS = "org.openedx.frontend.learning.progress_tab_certificate_status_side_panel.v1"
DASHBOARD = "org.openedx.frontend.learner_dashboard.widget_sidebar.v1"


@pytest.fixture(scope="module")
def rendered(tutor, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tutor")
    (root / "plugins").mkdir()
    shutil.copy(PLUGIN, root / "plugins")
    assert "credential_xblock_mfe" in tutor(root, "plugins", "list")
    tutor(root, "plugins", "enable", "mfe", "credential_xblock_mfe")
    tutor(root, "config", "save")
    return root / "root" / "env" / "plugins" / "mfe" / "build" / "mfe"


def app_block(text: str, app_id: str) -> str:
    """The body of env.config.jsx's `if (process.env.APP_ID == '<app>') { ... }` block."""
    match = re.search(r"if \(process\.env\.APP_ID == '" + re.escape(app_id) + r"'\) \{(.*?)\n    \}", text, re.S)
    assert match, f"no block for {app_id}"
    return match.group(1)


def test_legacy_mfes_get_each_widget_in_its_slot(rendered):
    text = (rendered / "env.config.jsx").read_text()
    imports = "import { CredentialDashboardWidget, CredentialProgressWidget } from '@credential-xblock/mfe-plugin';"
    assert imports in text
    learning, dashboard = app_block(text, "learning"), app_block(text, "learner-dashboard")
    assert f"addPlugins(config, '{PROGRESS}'," in learning and "RenderWidget: CredentialProgressWidget" in learning
    assert f"addPlugins(config, '{DASHBOARD}'," in dashboard and "RenderWidget: CredentialDashboardWidget" in dashboard
    assert DASHBOARD not in learning and PROGRESS not in dashboard
    assert "type: DIRECT_PLUGIN" in learning and "op: PLUGIN_OPERATIONS.Insert" in dashboard


def test_frontend_base_site_gets_both_through_the_compat_shim(rendered):
    learning = (rendered / "site" / "src" / "env.config.learning.jsx").read_text()
    dashboard = (rendered / "site" / "src" / "env.config.learner-dashboard.jsx").read_text()
    for text, slot, widget in ((learning, PROGRESS, "CredentialProgressWidget"),
                               (dashboard, DASHBOARD, "CredentialDashboardWidget")):
        assert "from '@credential-xblock/mfe-plugin';" in text
        assert f"addPlugins(config, '{slot}', [{{" in text and f"RenderWidget: {widget}" in text
    site_config = (rendered / "site" / "site.config.build.tsx").read_text()
    assert "./src/env.config.learning.jsx" in site_config and "./src/env.config.learner-dashboard.jsx" in site_config


def test_the_package_is_installed_into_the_mfe_images_and_the_site(rendered):
    dockerfile = (rendered / "Dockerfile").read_text()
    install = "RUN npm install --no-save --legacy-peer-deps '@credential-xblock/mfe-plugin@^0.1.0'"
    stages = re.split(r"\n(?=FROM )", dockerfile)
    installing = [stage.split("\n", 1)[0] for stage in stages if install in stage]
    assert any("learning" in line for line in installing), installing
    assert any("learner-dashboard" in line for line in installing), installing
    assert any("site" in line for line in installing), installing
