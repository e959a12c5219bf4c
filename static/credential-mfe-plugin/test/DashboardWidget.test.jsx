import React from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { getAuthenticatedHttpClient } from '@edx/frontend-platform/auth';

import { CredentialDashboardWidget } from '../src';
import { linkedInUrl } from '../src/api';
import { httpError, listed } from './fixtures';
import { renderIn } from './helpers';

jest.mock('@edx/frontend-platform', () => ({ getConfig: () => ({ LMS_BASE_URL: 'http://lms', SITE_NAME: 'Demo Academy' }) }));
jest.mock('@edx/frontend-platform/auth', () => ({ getAuthenticatedHttpClient: jest.fn() }));

const LIST_URL = 'http://lms/credentials/api/v1/credentials/';
let client;
const EN = { headers: { 'Accept-Language': 'en' } };

beforeEach(() => {
  client = { get: jest.fn(), post: jest.fn() };
  getAuthenticatedHttpClient.mockReturnValue(client);
});

const page = (results, next = null) => ({ data: { username: 'dana', count: results.length, next, previous: null, results } });

it('lists every credential with status, download, verification and LinkedIn links', async () => {
  client.get.mockResolvedValue(page([
    listed(),
    listed({ verification_id: 'old', title: 'Old course', status: 'superseded', download_url: null, open_badge_url: null }),
    listed({ verification_id: 'gone', title: 'Revoked course', status: 'revoked', download_url: null, open_badge_url: null }),
  ]));
  renderIn(<CredentialDashboardWidget />);
  expect(await screen.findByRole('heading', { name: 'My credentials' })).toBeInTheDocument();
  expect(client.get).toHaveBeenCalledWith(LIST_URL, EN);
  const [issued, old, revoked] = screen.getAllByRole('listitem');
  expect(within(issued).getByText('Issued')).toBeInTheDocument();
  expect(within(issued).getByText('Issued Mar 4, 2026', { exact: false })).toBeInTheDocument();
  expect(within(issued).getByRole('link', { name: 'Download the PDF of Credentials 101' })).toHaveAttribute('href', 'http://lms/credentials/download/abc/');
  expect(within(issued).getByRole('link', { name: 'Verification page' })).toHaveAttribute('href', 'http://lms/credentials/verify/abc/');
  const linkedIn = within(issued).getByRole('link', { name: 'Add to LinkedIn' });
  expect(linkedIn).toHaveAttribute('href', linkedInUrl(listed(), 'Demo Academy'));
  expect(linkedIn).toHaveAttribute('rel', 'noopener noreferrer');
  expect(within(old).getByText('Replaced by a newer one')).toBeInTheDocument();
  expect(within(revoked).getByText('Revoked')).toBeInTheDocument();
  for (const item of [old, revoked]) {
    expect(within(item).queryByRole('link', { name: /Download/ })).not.toBeInTheDocument();
    expect(within(item).queryByRole('link', { name: 'Add to LinkedIn' })).not.toBeInTheDocument();
    expect(within(item).getByRole('link', { name: 'Verification page' })).toBeInTheDocument();
  }
});

it('names a credential by its own name, with the course under it', async () => {
  client.get.mockResolvedValue(page([listed({ display_name: 'Homework hero', title: 'Credentials in Practice' })]));
  renderIn(<CredentialDashboardWidget />);
  expect(await screen.findByRole('heading', { name: 'Homework hero' })).toBeInTheDocument();
  expect(screen.getByText('Credentials in Practice')).toBeInTheDocument();
  expect(screen.getByRole('link', { name: 'Download the PDF of Homework hero' })).toBeInTheDocument();
});

it('the LinkedIn link carries the name, issuer, date, address and code', () => {
  const url = new URL(linkedInUrl(listed(), 'Demo Academy'));
  expect(url.origin + url.pathname).toBe('https://www.linkedin.com/profile/add');
  expect(Object.fromEntries(url.searchParams)).toEqual({
    startTask: 'CERTIFICATION_NAME', name: 'Credentials 101', organizationName: 'Demo Academy', issueYear: '2026',
    issueMonth: '3', certUrl: 'http://lms/credentials/verify/abc/', certId: 'ABCD-EFGH-JKLM',
  });
});

it('loads further pages on demand', async () => {
  client.get.mockResolvedValueOnce(page([listed()], `${LIST_URL}?page=2`))
    .mockResolvedValueOnce(page([listed({ verification_id: 'second', title: 'Second course' })]));
  renderIn(<CredentialDashboardWidget />);
  fireEvent.click(await screen.findByRole('button', { name: 'Show more' }));
  expect(await screen.findByRole('heading', { name: 'Second course' })).toBeInTheDocument();
  expect(client.get).toHaveBeenLastCalledWith(`${LIST_URL}?page=2`, EN);
  expect(screen.getAllByRole('listitem')).toHaveLength(2);
  expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
});

it('a learner without credentials sees nothing', async () => {
  client.get.mockResolvedValue(page([]));
  const { container } = renderIn(<CredentialDashboardWidget />);
  await waitFor(() => expect(client.get).toHaveBeenCalled());
  await waitFor(() => expect(container.querySelector('.credential-xblock-widget')).toBeEmptyDOMElement());
});

it('a failed load says so, with the API detail, and retries', async () => {
  client.get.mockRejectedValueOnce(httpError(403, 'Only staff may see another learner\'s credentials.'))
    .mockResolvedValueOnce(page([listed()]));
  renderIn(<CredentialDashboardWidget />);
  expect(await screen.findByRole('alert')).toHaveTextContent("Your credentials could not be loaded. Only staff may see another learner's credentials.");
  fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
  expect(await screen.findByRole('heading', { name: 'Credentials 101' })).toBeInTheDocument();
});

it('Arabic: right to left and translated', async () => {
  client.get.mockResolvedValue(page([listed()]));
  const { container } = renderIn(<CredentialDashboardWidget />, 'ar');
  expect(await screen.findByRole('heading', { name: 'شهاداتي' })).toBeInTheDocument();
  expect(screen.getByRole('link', { name: 'أضف إلى LinkedIn' })).toBeInTheDocument();
  expect(container.querySelector('.credential-xblock-widget')).toHaveAttribute('dir', 'rtl');
});
