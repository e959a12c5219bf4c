import React from 'react';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { getAuthenticatedHttpClient } from '@edx/frontend-platform/auth';

import { CredentialProgressWidget } from '../src';
import {
  COURSE, USAGE, entry, httpError, issuedCredential, progress, rule,
} from './fixtures';
import { renderIn } from './helpers';

jest.mock('@edx/frontend-platform', () => ({ getConfig: () => ({ LMS_BASE_URL: 'http://lms', SITE_NAME: 'Demo Academy' }) }));
jest.mock('@edx/frontend-platform/auth', () => ({ getAuthenticatedHttpClient: jest.fn() }));

const PROGRESS_URL = `http://lms/credentials/api/v1/progress/${encodeURIComponent(COURSE)}/`;
let client;
const EN = { headers: { 'Accept-Language': 'en' } };

beforeEach(() => {
  client = { get: jest.fn(), post: jest.fn() };
  getAuthenticatedHttpClient.mockReturnValue(client);
});

const answer = (data) => client.get.mockResolvedValue({ data });

describe('checklist states', () => {
  it.each([
    ['config_error'], ['signed_out'], ['not_enrolled'], ['not_available'], ['in_progress'], ['eligible'],
    ['issued'], ['pending'], ['revoked'],
  ])('%s: shows the headline, and only the actions that state allows', async (status) => {
    const extra = {
      in_progress: { rules: [rule(), rule({ kind: 'completion', assignment_type: null, label: 'Complete at least 90% of the course', value: '5 of 6 units complete: 83%', met: false, bar: 83, left: '1 more unit', aria_text: '83% of the 90% required' })] },
      eligible: { rules: [rule({ met: true, current: 80, bar: 80, left: 'Done', aria_text: '80% of the 75% required' })] },
      issued: { credential: issuedCredential, rules: [rule({ met: true, bar: 80, left: 'Done' })] },
      revoked: { credential: { ...issuedCredential, status: 'revoked', download_url: '' } },
      not_available: { messages: ['This credential can be claimed from 1 June 2026.'] },
    }[status] || {};
    answer(progress([entry(status, extra)]));
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    expect(await screen.findByText(`Headline for ${status}`)).toBeInTheDocument();
    expect(client.get).toHaveBeenCalledWith(PROGRESS_URL, EN);
    expect(screen.getByRole('heading', { name: 'Credentials' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Claim your credential' }) !== null).toBe(status === 'eligible');
    expect(screen.queryByRole('link', { name: 'Download the PDF of Achievement certificate' }) !== null).toBe(status === 'issued');
    expect(screen.queryByRole('link', { name: 'Verification page' }) !== null).toBe(status === 'issued');
    expect(screen.queryByRole('button', { name: 'Check again' }) !== null).toBe(status === 'pending');
    if (status === 'not_available') {
      expect(screen.getByText('This credential can be claimed from 1 June 2026.')).toBeInTheDocument();
    }
  });

  it('in progress: one bar per rule, named for screen readers, with what is left', async () => {
    answer(progress([entry('in_progress', { rules: [rule(), rule({ kind: 'completion', assignment_type: null, label: 'Complete at least 90% of the course', value: '5 of 6 units complete: 83%', bar: 83, left: '1 more unit', aria_text: '83% of the 90% required' })] })]));
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    const bars = await screen.findAllByRole('progressbar', { hidden: true });
    expect(bars.map((bar) => bar.getAttribute('aria-valuenow'))).toEqual(['70', '83']);
    expect(screen.queryAllByRole('progressbar')).toHaveLength(0); // the drawing is hidden; the words are read
    expect(screen.getByText('70% of the 75% required')).toHaveClass('sr-only');
    expect(screen.getByText('83% of the 90% required')).toHaveClass('sr-only');
    expect(screen.getByText('Final Exam: 70% · +5 points on Final Exam')).toBeInTheDocument();
    expect(screen.getAllByText('Not met yet')).toHaveLength(2);
    expect(screen.getByRole('list', { name: 'Requirements for Achievement certificate' })).toBeInTheDocument();
  });

  it('issued: download, verification link and code', async () => {
    answer(progress([entry('issued', { credential: issuedCredential })]));
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    const download = await screen.findByRole('link', { name: 'Download the PDF of Achievement certificate' });
    expect(download).toHaveAttribute('href', 'http://lms/credentials/download/abc/');
    expect(screen.getByRole('link', { name: 'Verification page' })).toHaveAttribute('href', 'http://lms/credentials/verify/abc/');
    expect(screen.getByText('Code ABCD-EFGH-JKLM')).toBeInTheDocument();
  });

  it('pending: "check again" reloads', async () => {
    client.get.mockResolvedValueOnce({ data: progress([entry('pending')]) })
      .mockResolvedValueOnce({ data: progress([entry('issued', { credential: issuedCredential })]) });
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Check again' }));
    expect(await screen.findByText('Headline for issued')).toBeInTheDocument();
    expect(client.get).toHaveBeenCalledTimes(2);
  });
});

describe('claim', () => {
  it('posts the block and shows the issued credential it returns', async () => {
    answer(progress([entry('eligible')]));
    let resolve;
    client.post.mockReturnValue(new Promise((done) => { resolve = done; }));
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Claim your credential' }));
    expect(client.post).toHaveBeenCalledWith(`${PROGRESS_URL}claim/`, { usage_key: USAGE }, EN);
    expect(screen.getByRole('button', { name: 'Claiming…' })).toBeDisabled();
    resolve({ data: entry('issued', { credential: issuedCredential }) });
    expect(await screen.findByRole('link', { name: 'Download the PDF of Achievement certificate' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your credential has been claimed.');
    expect(screen.queryByRole('button', { name: 'Claim your credential' })).not.toBeInTheDocument();
  });

  it('a refusal shows the reason the API gives, and the button stays', async () => {
    answer(progress([entry('eligible')]));
    client.post.mockRejectedValue(httpError(409, 'Too many attempts. Wait a minute, then try again.'));
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Claim your credential' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Wait a minute, then try again.');
    expect(screen.getByRole('button', { name: 'Claim your credential' })).toBeEnabled();
  });

  it('a failure without a reason says the claim did not go through', async () => {
    answer(progress([entry('eligible')]));
    client.post.mockRejectedValue(new Error('Network Error'));
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Claim your credential' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The claim did not go through.');
  });
});

describe('errors and empty', () => {
  it('a failed load says so and retries', async () => {
    client.get.mockRejectedValueOnce(httpError(500)).mockResolvedValueOnce({ data: progress([entry('in_progress')]) });
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Your credentials could not be loaded.');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Headline for in_progress')).toBeInTheDocument();
  });

  it('a 4xx load shows the API detail', async () => {
    client.get.mockRejectedValue(httpError(401, 'Authentication credentials were not provided.'));
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Authentication credentials were not provided.');
  });

  it('a course without credentials renders nothing', async () => {
    answer(progress([]));
    const { container } = renderIn(<CredentialProgressWidget courseId={COURSE} />);
    await waitFor(() => expect(client.get).toHaveBeenCalled());
    await waitFor(() => expect(container.querySelector('.credential-xblock-widget')).toBeEmptyDOMElement());
  });

  it('without a course in the props or the address, nothing is asked', () => {
    const { container } = renderIn(<CredentialProgressWidget />);
    expect(container).toBeEmptyDOMElement();
    expect(client.get).not.toHaveBeenCalled();
  });

  it('reads the course from the Learning MFE address', async () => {
    window.history.pushState({}, '', `/learning/course/${COURSE}/progress`);
    answer(progress([entry('in_progress')]));
    renderIn(<CredentialProgressWidget />);
    expect(await screen.findByText('Headline for in_progress')).toBeInTheDocument();
    expect(client.get).toHaveBeenCalledWith(PROGRESS_URL, EN);
    window.history.pushState({}, '', '/');
  });

  it('path progress is listed under Learning Paths, each course linked with what is left', async () => {
    answer(progress([], [{
      config_id: 7, path_key: 'path-v1:Demo+DS', title: 'Data Science path', level: 'completion', level_label: 'Completion',
      status: 'in_progress', headline: 'Data Science path: 1 of 2 courses done — Statistics needs 1 more unit',
      done: 1, total: 2, eligible: false, path_grade: null, credential: null,
      courses: [
        { course_key: COURSE, title: 'Credentials 101', url: '/courses/x/', done: true, current: true, left: 'Done' },
        { course_key: 'course-v1:Demo+STAT+2026', title: 'Statistics', url: '/courses/y/', done: false, current: false, left: '1 more unit' },
      ],
    }]));
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    expect(await screen.findByRole('heading', { name: 'Learning Paths' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: /Data Science path/ })).toBeInTheDocument();
    expect(screen.getByText('Data Science path: 1 of 2 courses done — Statistics needs 1 more unit')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Credentials 101' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: 'Statistics' })).toHaveAttribute('href', '/courses/y/');
    expect(screen.getByRole('link', { name: 'Statistics' }).closest('li')).toHaveTextContent('Statistics · 1 more unit');
    expect(screen.getByRole('link', { name: 'Credentials 101' }).closest('li')).toHaveTextContent('Credentials 101 · Done');
  });

  it('a badge shows its image, greyed until issued, and LinkedIn once issued', async () => {
    const badge = { name: 'Homework hero', description: '', image: 'data:image/png;base64,AAAA' };
    answer(progress([entry('issued', { badge, credential: { ...issuedCredential, linkedin_url: 'https://www.linkedin.com/profile/add?x=1' } })]));
    renderIn(<CredentialProgressWidget courseId={COURSE} />);
    const image = await screen.findByRole('img', { name: 'Homework hero' });
    expect(image).toHaveAttribute('src', badge.image);
    expect(image.style.filter).toBe('none');
    expect(screen.getByRole('link', { name: 'Add to LinkedIn' })).toHaveAttribute('href', 'https://www.linkedin.com/profile/add?x=1');
  });
});

describe('languages', () => {
  it('Arabic: right to left, with the widget strings translated', async () => {
    answer(progress([entry('eligible')]));
    const { container } = renderIn(<CredentialProgressWidget courseId={COURSE} />, 'ar');
    expect(await screen.findByRole('button', { name: 'اطلب شهادتك' })).toBeInTheDocument();
    expect(container.querySelector('.credential-xblock-widget')).toHaveAttribute('dir', 'rtl');
    expect(screen.getByRole('heading', { name: 'الشهادات' })).toBeInTheDocument();
    expect(client.get).toHaveBeenCalledWith(PROGRESS_URL, { headers: { 'Accept-Language': 'ar' } });
  });

  it('English: left to right', async () => {
    answer(progress([entry('eligible')]));
    const { container } = renderIn(<CredentialProgressWidget courseId={COURSE} />);
    await screen.findByRole('button', { name: 'Claim your credential' });
    expect(container.querySelector('.credential-xblock-widget')).toHaveAttribute('dir', 'ltr');
  });
});
