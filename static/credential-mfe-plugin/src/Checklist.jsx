import React from 'react';
import PropTypes from 'prop-types';
import { Alert, Badge, Button, ProgressBar } from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';

import messages from './messages';

// One credential of the course: the block's checklist (the API returns exactly what the block renders), with
// claim, download and verification.
export default function Checklist({ entry, claiming, claimError, onClaim, onRefresh }) {
  const intl = useIntl();
  const { checklist } = entry;
  const title = entry.display_name || entry.level_label;
  const credential = checklist.credential;
  return (
    <article className="credential-xblock-checklist mb-4" data-status={checklist.status} aria-labelledby={`cx-${entry.usage_key}`}>
      <h3 id={`cx-${entry.usage_key}`} className="h4 mb-1">
        {title} <Badge variant="light">{entry.level_label}</Badge>
      </h3>
      {checklist.badge && (
        <img src={checklist.badge.image} alt={checklist.badge.name} width="64" height="64"
             style={{ filter: checklist.status === 'issued' ? 'none' : 'grayscale(1)', opacity: checklist.status === 'issued' ? 1 : 0.6 }} />
      )}
      <p className="mb-2" aria-live="polite">{checklist.headline}</p>
      {checklist.messages.length > 0 && (
        <ul className="small mb-2">{checklist.messages.map((message) => <li key={message}>{message}</li>)}</ul>
      )}
      {checklist.rules.length > 0 && (
        <ul className="list-unstyled mb-2" aria-label={intl.formatMessage(messages.rulesLabel, { title })}>
          {checklist.rules.map((rule) => (
            <li key={`${rule.kind}-${rule.assignment_type || ''}-${rule.label}`} className="mb-2" data-met={rule.met}>
              <div className="d-flex justify-content-between">
                <span>{rule.label}</span>
                <span className={rule.met ? 'text-success' : 'text-muted'}>
                  <span aria-hidden="true">{rule.met ? '✓ ' : ''}</span>
                  {intl.formatMessage(rule.met ? messages.met : messages.notMet)}
                </span>
              </div>
              <ProgressBar now={rule.bar} variant={rule.met ? 'success' : 'info'} aria-hidden="true" />
              <span className="sr-only">{rule.aria_text}</span>
              <div className="small text-muted">{rule.value} · {rule.left}</div>
            </li>
          ))}
        </ul>
      )}
      {checklist.eligible && (
        <Button variant="primary" onClick={() => onClaim(entry)} disabled={claiming}>
          {intl.formatMessage(claiming ? messages.claiming : messages.claim)}
        </Button>
      )}
      {claimError && <Alert variant="danger" className="mt-2" role="alert">{claimError}</Alert>}
      {checklist.status === 'pending' && (
        <Button variant="outline-primary" size="sm" onClick={onRefresh}>{intl.formatMessage(messages.refresh)}</Button>
      )}
      {credential && checklist.status === 'issued' && (
        <div className="d-flex flex-wrap align-items-center" style={{ gap: '0.5rem' }}>
          {credential.download_url && (
            <Button as="a" variant="primary" href={credential.download_url}
                    aria-label={intl.formatMessage(messages.downloadNamed, { title })}>
              {intl.formatMessage(messages.download)}
            </Button>
          )}
          {credential.verify_url && (
            <a href={credential.verify_url}>{intl.formatMessage(messages.verify)}</a>
          )}
          {credential.linkedin_url && (
            <a href={credential.linkedin_url} target="_blank" rel="noopener noreferrer">
              {intl.formatMessage(messages.linkedIn)}
            </a>
          )}
          {credential.short_code && (
            <span className="small text-muted">{intl.formatMessage(messages.code, { code: credential.short_code })}</span>
          )}
        </div>
      )}
    </article>
  );
}

const ruleShape = PropTypes.shape({
  kind: PropTypes.string.isRequired,
  assignment_type: PropTypes.string,
  label: PropTypes.string.isRequired,
  value: PropTypes.string.isRequired,
  met: PropTypes.bool.isRequired,
  left: PropTypes.string.isRequired,
  bar: PropTypes.number.isRequired,
  aria_text: PropTypes.string.isRequired,
});

export const entryShape = PropTypes.shape({
  usage_key: PropTypes.string.isRequired,
  display_name: PropTypes.string,
  level_label: PropTypes.string.isRequired,
  checklist: PropTypes.shape({
    status: PropTypes.string.isRequired,
    headline: PropTypes.string.isRequired,
    messages: PropTypes.arrayOf(PropTypes.string).isRequired,
    eligible: PropTypes.bool.isRequired,
    rules: PropTypes.arrayOf(ruleShape).isRequired,
    credential: PropTypes.shape({
      download_url: PropTypes.string, verify_url: PropTypes.string, short_code: PropTypes.string,
      linkedin_url: PropTypes.string,
    }),
    badge: PropTypes.shape({ name: PropTypes.string, image: PropTypes.string }),
  }).isRequired,
});

Checklist.propTypes = {
  entry: entryShape.isRequired,
  claiming: PropTypes.bool,
  claimError: PropTypes.string,
  onClaim: PropTypes.func.isRequired,
  onRefresh: PropTypes.func.isRequired,
};
Checklist.defaultProps = { claiming: false, claimError: null };
