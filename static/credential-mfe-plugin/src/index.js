// credential-xblock's widgets for the Open edX MFEs, to insert into frontend-plugin-framework slots.
export { default as CredentialProgressWidget } from './ProgressWidget';
export { default as CredentialDashboardWidget } from './DashboardWidget';
export { default as messages } from './messages';
export { default as translations } from './i18n';

export const PROGRESS_SLOT = 'org.openedx.frontend.learning.progress_tab_certificate_status_side_panel.v1';
export const DASHBOARD_SLOT = 'org.openedx.frontend.learner_dashboard.widget_sidebar.v1';
