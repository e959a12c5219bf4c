"""Tutor plugin: credential-xblock's widgets in the Learning MFE (Progress tab) and the Learner Dashboard.

Install: copy this file into ``$(tutor plugins printroot)``, then ``tutor plugins enable credential_xblock_mfe`` and
rebuild the ``mfe`` image. It needs tutor-mfe (22 for the frontend-base site; legacy MFEs from 18 on).

- The npm package (static/credential-mfe-plugin) is installed into every legacy MFE image (``env.config.jsx`` is
  one file shared by all MFEs, so its import must resolve in each) and into the frontend-base site.
  ``CREDENTIAL_XBLOCK_MFE_PACKAGE`` says where npm finds it: the registry name, or the tarball ``npm pack`` makes.
- Slots, as tutor-mfe's hooks expect them (tutormfe/hooks.py, tutormfe/plugin.py): ``PLUGIN_SLOTS`` for the legacy
  MFEs (rendered into env.config.jsx per APP_ID), and the same contributions through ``FRONTEND_COMPAT_SLOTS`` for the
  frontend-base site, whose compatibility shim (env.config.<mfe>.jsx) translates frontend-plugin-framework slots.
"""
from tutor import hooks
from tutormfe.hooks import FRONTEND_COMPAT_SLOTS, PLUGIN_SLOTS

PACKAGE = "@credential-xblock/mfe-plugin"
PROGRESS_SLOT = "org.openedx.frontend.learning.progress_tab_certificate_status_side_panel.v1"
DASHBOARD_SLOT = "org.openedx.frontend.learner_dashboard.widget_sidebar.v1"


def insert(widget_id: str, component: str) -> str:
    """A frontend-plugin-framework Insert operation for one of the package's widgets."""
    return f"""{{
  op: PLUGIN_OPERATIONS.Insert,
  widget: {{ id: '{widget_id}', type: DIRECT_PLUGIN, priority: 60, RenderWidget: {component} }},
}}"""


SLOTS = [
    ("learning", PROGRESS_SLOT, insert("credential_xblock_progress", "CredentialProgressWidget")),
    ("learner-dashboard", DASHBOARD_SLOT, insert("credential_xblock_dashboard", "CredentialDashboardWidget")),
]
NPM_INSTALL = "RUN npm install --no-save --legacy-peer-deps '{{ CREDENTIAL_XBLOCK_MFE_PACKAGE }}'"

hooks.Filters.CONFIG_DEFAULTS.add_item(("CREDENTIAL_XBLOCK_MFE_PACKAGE", f"{PACKAGE}@^0.1.0"))
hooks.Filters.ENV_PATCHES.add_items([
    ("mfe-dockerfile-post-npm-install", NPM_INSTALL),
    ("mfe-dockerfile-post-npm-install-site", NPM_INSTALL),
    ("mfe-env-config-buildtime-imports",
     f"import {{ CredentialDashboardWidget, CredentialProgressWidget }} from '{PACKAGE}';"),
])
PLUGIN_SLOTS.add_items(SLOTS)
FRONTEND_COMPAT_SLOTS.add_items(SLOTS)
