import React, { useCallback, useEffect, useState } from 'react';
import PropTypes from 'prop-types';
import { Alert, Badge, Button, Spinner } from '@openedx/paragon';
import { getConfig } from '@edx/frontend-platform';
import { useIntl } from '@edx/frontend-platform/i18n';

import { errorDetail, getCredentials, linkedInUrl } from './api';
import messages from './messages';
import WidgetFrame from './WidgetFrame';

const STATUS_VARIANTS = {
  issued: 'success', pending: 'info', failed: 'info', superseded: 'light', revoked: 'danger',
};

function CredentialItem({ credential }) {
  const intl = useIntl();
  const status = messages[`status_${credential.status}`];
  const issued = credential.status === 'issued';
  return (
    <li className="mb-3" data-status={credential.status}>
      <h3 className="h5 mb-1">{credential.display_name || credential.title}</h3>
      {credential.display_name && credential.display_name !== credential.title && (
        <div className="small">{credential.title}</div>
      )}
      <div className="small mb-1">
        <Badge variant={STATUS_VARIANTS[credential.status] || 'light'}>
          {status ? intl.formatMessage(status) : credential.status}
        </Badge>{' '}
        <span>{credential.level_label}</span>
        {credential.issued_on && (
          <span>{' · '}{intl.formatMessage(messages.issuedOn, {
            date: intl.formatDate(`${credential.issued_on}T00:00:00Z`, { dateStyle: 'medium', timeZone: 'UTC' }),
          })}</span>
        )}
      </div>
      <div className="d-flex flex-wrap small" style={{ gap: '0.75rem' }}>
        {credential.download_url && (
          <a href={credential.download_url}
             aria-label={intl.formatMessage(messages.downloadNamed, { title: credential.display_name || credential.title })}>
            {intl.formatMessage(messages.download)}
          </a>
        )}
        {credential.verify_url && <a href={credential.verify_url}>{intl.formatMessage(messages.verify)}</a>}
        {issued && credential.verify_url && (
          <a href={linkedInUrl(credential, getConfig().SITE_NAME)} target="_blank" rel="noopener noreferrer">
            {intl.formatMessage(messages.linkedIn)}
          </a>
        )}
      </div>
    </li>
  );
}

CredentialItem.propTypes = {
  credential: PropTypes.shape({
    title: PropTypes.string.isRequired,
    display_name: PropTypes.string,
    status: PropTypes.string.isRequired,
    level_label: PropTypes.string,
    issued_on: PropTypes.string,
    download_url: PropTypes.string,
    verify_url: PropTypes.string,
    code: PropTypes.string,
  }).isRequired,
};

function DashboardContent() {
  const intl = useIntl();
  const [state, setState] = useState({ status: 'loading', results: [], next: null });

  const load = useCallback(async (url) => {
    try {
      const page = await getCredentials(intl.locale, url);
      setState((previous) => ({
        status: 'ready',
        results: url ? [...previous.results, ...page.results] : page.results,
        next: page.next,
      }));
    } catch (error) {
      setState((previous) => ({ ...previous, status: 'error', detail: errorDetail(error) }));
    }
  }, [intl.locale]);

  useEffect(() => { load(); }, [load]);

  if (state.status === 'loading') {
    return <Spinner animation="border" size="sm" screenReaderText={intl.formatMessage(messages.loading)} />;
  }
  if (state.status === 'error') {
    return (
      <Alert variant="danger" role="alert" actions={[
        <Button key="retry" variant="outline-primary" size="sm" onClick={() => load()}>{intl.formatMessage(messages.retry)}</Button>,
      ]}>
        {intl.formatMessage(messages.loadFailed)}{state.detail ? ` ${state.detail}` : ''}
      </Alert>
    );
  }
  if (!state.results.length) {
    return null; // quiet: no credential yet
  }
  return (
    <section className="credential-xblock-dashboard" aria-labelledby="credential-xblock-dashboard-heading">
      <h2 id="credential-xblock-dashboard-heading" className="h4">{intl.formatMessage(messages.dashboardHeading)}</h2>
      <ul className="list-unstyled mb-0">
        {state.results.map((credential) => <CredentialItem key={credential.verification_id} credential={credential} />)}
      </ul>
      {state.next && (
        <Button variant="link" size="sm" onClick={() => load(state.next)}>{intl.formatMessage(messages.more)}</Button>
      )}
    </section>
  );
}

// For the Learner Dashboard's sidebar (slot org.openedx.frontend.learner_dashboard.widget_sidebar.v1).
export default function DashboardWidget() {
  return <WidgetFrame className="mb-4"><DashboardContent /></WidgetFrame>;
}
