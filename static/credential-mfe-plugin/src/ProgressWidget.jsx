import React, { useCallback, useEffect, useState } from 'react';
import PropTypes from 'prop-types';
import {
  Alert, Badge, Button, Spinner,
} from '@openedx/paragon';
import { useIntl } from '@edx/frontend-platform/i18n';

import {
  claimCredential, courseIdFromLocation, errorDetail, getCourseProgress,
} from './api';
import Checklist from './Checklist';
import messages from './messages';
import WidgetFrame from './WidgetFrame';

// Learning Paths holding the course (the API's `paths`): each path's headline, its courses and, once issued, links.
function PathProgress({ paths }) {
  const intl = useIntl();
  return (
    <section aria-labelledby="credential-xblock-paths">
      <h3 id="credential-xblock-paths" className="h4">{intl.formatMessage(messages.paths)}</h3>
      {paths.map((path) => (
        <article key={path.config_id} className="mb-3" data-status={path.status}>
          <h4 className="h5 mb-1">{path.title} <Badge variant="light">{path.level_label}</Badge></h4>
          <p className="mb-1">{path.headline}</p>
          <ul className="small mb-1">
            {path.courses.map((course) => (
              <li key={course.course_key} data-done={course.done}>
                <a href={course.url} aria-current={course.current ? 'page' : undefined}>{course.title}</a>
                {' · '}{course.left}
              </li>
            ))}
          </ul>
          {path.credential?.download_url && (
            <a href={path.credential.download_url}
               aria-label={intl.formatMessage(messages.downloadNamed, { title: path.title })}>
              {intl.formatMessage(messages.download)}
            </a>
          )}
        </article>
      ))}
    </section>
  );
}

PathProgress.propTypes = {
  paths: PropTypes.arrayOf(PropTypes.shape({
    config_id: PropTypes.number.isRequired,
    title: PropTypes.string.isRequired,
    headline: PropTypes.string.isRequired,
    courses: PropTypes.arrayOf(PropTypes.shape({
      course_key: PropTypes.string, title: PropTypes.string, url: PropTypes.string, left: PropTypes.string,
    })).isRequired,
  })).isRequired,
};

function ProgressContent({ courseId }) {
  const intl = useIntl();
  const [state, setState] = useState({ status: 'loading', data: null });
  const [claims, setClaims] = useState({}); // usage key → {claiming, error}
  const [announcement, setAnnouncement] = useState('');

  const load = useCallback(async () => {
    setState((previous) => ({ ...previous, status: previous.data ? 'ready' : 'loading' }));
    try {
      setState({ status: 'ready', data: await getCourseProgress(courseId, intl.locale) });
    } catch (error) {
      setState({ status: 'error', data: null, detail: errorDetail(error) });
    }
  }, [courseId, intl.locale]);

  useEffect(() => { load(); }, [load]);

  const claim = async (entry) => {
    setClaims((previous) => ({ ...previous, [entry.usage_key]: { claiming: true } }));
    try {
      const updated = await claimCredential(courseId, entry.usage_key, intl.locale);
      setState((previous) => ({
        ...previous,
        data: {
          ...previous.data,
          credentials: previous.data.credentials.map((item) => (item.usage_key === updated.usage_key ? updated : item)),
        },
      }));
      setClaims((previous) => ({ ...previous, [entry.usage_key]: {} }));
      setAnnouncement(intl.formatMessage(messages.claimed));
    } catch (error) {
      const detail = errorDetail(error) || intl.formatMessage(messages.claimFailed);
      setClaims((previous) => ({ ...previous, [entry.usage_key]: { error: detail } }));
    }
  };

  if (state.status === 'loading') {
    return <Spinner animation="border" size="sm" screenReaderText={intl.formatMessage(messages.loading)} />;
  }
  if (state.status === 'error') {
    return (
      <Alert variant="danger" role="alert" actions={[
        <Button key="retry" variant="outline-primary" size="sm" onClick={load}>{intl.formatMessage(messages.retry)}</Button>,
      ]}>
        {intl.formatMessage(messages.loadFailed)}{state.detail ? ` ${state.detail}` : ''}
      </Alert>
    );
  }
  const { credentials, paths } = state.data;
  if (!credentials.length && !paths.length) {
    return null; // quiet: nothing about credentials in this course
  }
  return (
    <section className="credential-xblock-progress" aria-labelledby="credential-xblock-progress-heading">
      <h2 id="credential-xblock-progress-heading" className="h3">{intl.formatMessage(messages.progressHeading)}</h2>
      <div className="sr-only" role="status">{announcement}</div>
      {credentials.map((entry) => (
        <Checklist key={entry.usage_key} entry={entry} onClaim={claim} onRefresh={load}
                   claiming={Boolean(claims[entry.usage_key]?.claiming)} claimError={claims[entry.usage_key]?.error} />
      ))}
      {paths.length > 0 && <PathProgress paths={paths} />}
    </section>
  );
}

ProgressContent.propTypes = { courseId: PropTypes.string.isRequired };

// For the Learning MFE's Progress tab (slot org.openedx.frontend.learning.progress_tab_certificate_status_side_panel.v1,
// which passes no props: the course comes from the page's address unless `courseId` names it).
export default function ProgressWidget({ courseId }) {
  const course = courseId || courseIdFromLocation();
  if (!course) { return null; }
  return <WidgetFrame className="mb-4"><ProgressContent courseId={course} /></WidgetFrame>;
}

ProgressWidget.propTypes = { courseId: PropTypes.string };
ProgressWidget.defaultProps = { courseId: null };
