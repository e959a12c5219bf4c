// API answers shaped as credential-xblock's learner API returns them (see /credentials/api/schema/).
export const COURSE = 'course-v1:Demo+CX101+2026';
export const USAGE = 'block-v1:Demo+CX101+2026+type@credential+block@achievement_credential';

export const rule = (overrides = {}) => ({
  kind: 'assignment_type',
  assignment_type: 'Final Exam',
  label: 'Score at least 75% on Final Exam',
  value: 'Final Exam: 70%',
  current: 70,
  required: '75',
  met: false,
  remaining: 5,
  left: '+5 points on Final Exam',
  note: '',
  bar: 70,
  marker: '75',
  aria_text: '70% of the 75% required',
  ...overrides,
});

export const entry = (status, overrides = {}) => ({
  usage_key: USAGE,
  display_name: 'Achievement certificate',
  level: 'achievement',
  level_label: 'Achievement',
  description: '',
  checklist: {
    status,
    headline: `Headline for ${status}`,
    messages: [],
    config_errors: [],
    eligible: status === 'eligible',
    rules: [],
    credential: null,
    ...overrides,
  },
});

export const progress = (credentials, paths = []) => ({ course_key: COURSE, credentials, paths });

export const issuedCredential = {
  status: 'issued',
  verify_url: 'http://lms/credentials/verify/abc/',
  download_url: 'http://lms/credentials/download/abc/',
  issued_on: '2026-03-04',
  short_code: 'ABCD-EFGH-JKLM',
};

export const listed = (overrides = {}) => ({
  verification_id: 'abc',
  code: 'ABCD-EFGH-JKLM',
  status: 'issued',
  title: 'Credentials 101',
  level: 'achievement',
  level_label: 'Achievement',
  course_key: COURSE,
  issued_on: '2026-03-04',
  reissued_at: null,
  revoked_at: null,
  download_url: 'http://lms/credentials/download/abc/',
  verify_url: 'http://lms/credentials/verify/abc/',
  open_badge_url: 'http://lms/credentials/verify/abc/ob3/',
  ...overrides,
});

// An axios-like error as frontend-platform's client rejects with.
export const httpError = (status, detail) => Object.assign(new Error(`Request failed with status code ${status}`), {
  response: { status, data: detail ? { detail } : {} },
});
