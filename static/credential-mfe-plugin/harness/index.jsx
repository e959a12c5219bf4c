// The demo's harness page (credential-xblock's browser test): both widgets mounted through
// frontend-plugin-framework slots, configured as an MFE's env.config.jsx would, against the live learner API,
// with frontend-platform's real authenticated HTTP client (session cookie and CSRF token in the demo).
import React from 'react';
import { createRoot } from 'react-dom/client';
import { getConfig, mergeConfig } from '@edx/frontend-platform';
import { AxiosJwtAuthService, configure as configureAuth } from '@edx/frontend-platform/auth';
import { IntlProvider, isRtl } from '@edx/frontend-platform/i18n';
import { DIRECT_PLUGIN, PLUGIN_OPERATIONS, PluginSlot } from '@openedx/frontend-plugin-framework';

import {
  CredentialDashboardWidget, CredentialProgressWidget, DASHBOARD_SLOT, PROGRESS_SLOT,
} from '../src';

const root = document.getElementById('root');
const { lmsBaseUrl, locale, siteName } = root.dataset;

const insert = (id, RenderWidget) => ({
  keepDefault: true,
  plugins: [{ op: PLUGIN_OPERATIONS.Insert, widget: { id, type: DIRECT_PLUGIN, priority: 60, RenderWidget } }],
});

mergeConfig({
  BASE_URL: window.location.origin,
  LMS_BASE_URL: lmsBaseUrl,
  LOGIN_URL: `${lmsBaseUrl}/`,
  LOGOUT_URL: `${lmsBaseUrl}/logout/`,
  REFRESH_ACCESS_TOKEN_ENDPOINT: `${lmsBaseUrl}/login_refresh`,
  ACCESS_TOKEN_COOKIE_NAME: 'edx-jwt-cookie-header-payload',
  CSRF_TOKEN_API_PATH: '/csrf/api/v1/token',
  SITE_NAME: siteName,
  pluginSlots: {
    [PROGRESS_SLOT]: insert('credential_xblock_progress', CredentialProgressWidget),
    [DASHBOARD_SLOT]: insert('credential_xblock_dashboard', CredentialDashboardWidget),
  },
});

const loggingService = {
  logInfo: (...args) => console.info(...args), // eslint-disable-line no-console
  logError: (...args) => console.error(...args), // eslint-disable-line no-console
};
configureAuth(AxiosJwtAuthService, { loggingService, config: getConfig(), middleware: [] });

document.documentElement.lang = locale;
document.documentElement.dir = isRtl(locale) ? 'rtl' : 'ltr';

createRoot(root).render(
  <IntlProvider locale={locale} messages={{}}>
    <main className="container-fluid py-4">
      <h1 className="h2 mb-4">credential-xblock MFE widgets</h1>
      <div className="row">
        <section className="col-md-6" data-testid="progress-tab" aria-label="Learning MFE: Progress tab side panel">
          <p className="text-muted small">{PROGRESS_SLOT}</p>
          <PluginSlot id={PROGRESS_SLOT} />
        </section>
        <section className="col-md-6" data-testid="learner-dashboard" aria-label="Learner Dashboard: sidebar">
          <p className="text-muted small">{DASHBOARD_SLOT}</p>
          <PluginSlot id={DASHBOARD_SLOT} />
        </section>
      </div>
    </main>
  </IntlProvider>,
);
