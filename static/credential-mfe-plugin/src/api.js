// The learner API of credential-xblock (/credentials/api/, described at /credentials/api/schema/), called with
// the MFE's authenticated HTTP client (JWT cookie on the platform, session in the demo) at the LMS's address.
import { getConfig } from '@edx/frontend-platform';
import { getAuthenticatedHttpClient } from '@edx/frontend-platform/auth';

export const apiRoot = () => `${getConfig().LMS_BASE_URL || ''}/credentials/api/v1`;

// The checklists' words come from the server: ask for them in the MFE's language.
const inLanguage = (locale) => ({ headers: { 'Accept-Language': locale } });

export async function getCourseProgress(courseId, locale) {
  const url = `${apiRoot()}/progress/${encodeURIComponent(courseId)}/`;
  const { data } = await getAuthenticatedHttpClient().get(url, inLanguage(locale));
  return data;
}

export async function claimCredential(courseId, usageKey, locale) {
  const url = `${apiRoot()}/progress/${encodeURIComponent(courseId)}/claim/`;
  const { data } = await getAuthenticatedHttpClient().post(url, { usage_key: usageKey }, inLanguage(locale));
  return data;
}

export async function getCredentials(locale, url = `${apiRoot()}/credentials/`) {
  const { data } = await getAuthenticatedHttpClient().get(url, inLanguage(locale));
  return data;
}

// The API's own explanation of a refusal ({"detail": ...}), when it gave one.
export const errorDetail = (error) => error?.response?.data?.detail;

// The course of the Learning MFE's current page (/learning/course/<course id>/progress), when no prop names it.
export function courseIdFromLocation(pathname = (typeof window !== 'undefined' ? window.location.pathname : '')) {
  const match = /\/course\/(course-v1:[^/]+)/.exec(pathname);
  return match ? decodeURIComponent(match[1]) : null;
}

// LinkedIn's "Add to profile" link for a credential (the form LinkedIn documents for certifications).
export function linkedInUrl(credential, organizationName = '') {
  const params = new URLSearchParams({ startTask: 'CERTIFICATION_NAME', name: credential.title });
  if (organizationName) { params.set('organizationName', organizationName); }
  if (credential.issued_on) {
    const [year, month] = credential.issued_on.split('-');
    params.set('issueYear', year);
    params.set('issueMonth', String(Number(month)));
  }
  params.set('certUrl', credential.verify_url);
  params.set('certId', credential.code);
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}
