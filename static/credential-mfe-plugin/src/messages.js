import { defineMessages } from '@edx/frontend-platform/i18n';

const messages = defineMessages({
  progressHeading: { id: 'credentialXblock.progress.heading', defaultMessage: 'Credentials', description: 'Heading of the Progress tab widget' },
  dashboardHeading: { id: 'credentialXblock.dashboard.heading', defaultMessage: 'My credentials', description: 'Heading of the Learner Dashboard widget' },
  loading: { id: 'credentialXblock.loading', defaultMessage: 'Loading your credentials…', description: 'Screen-reader text while loading' },
  loadFailed: { id: 'credentialXblock.loadFailed', defaultMessage: 'Your credentials could not be loaded.', description: 'Error when the API cannot be reached' },
  retry: { id: 'credentialXblock.retry', defaultMessage: 'Try again', description: 'Button that retries loading' },
  claim: { id: 'credentialXblock.claim', defaultMessage: 'Claim your credential', description: 'Button that claims a credential' },
  claiming: { id: 'credentialXblock.claiming', defaultMessage: 'Claiming…', description: 'Claim button while working' },
  claimed: { id: 'credentialXblock.claimed', defaultMessage: 'Your credential has been claimed.', description: 'Announced after a successful claim' },
  claimFailed: { id: 'credentialXblock.claimFailed', defaultMessage: 'The claim did not go through.', description: 'Claim error when the server gave no reason' },
  download: { id: 'credentialXblock.download', defaultMessage: 'Download PDF', description: 'Link to the certificate PDF' },
  downloadNamed: { id: 'credentialXblock.downloadNamed', defaultMessage: 'Download the PDF of {title}', description: 'Accessible name of the download link' },
  verify: { id: 'credentialXblock.verify', defaultMessage: 'Verification page', description: 'Link to the public verification page' },
  linkedIn: { id: 'credentialXblock.linkedIn', defaultMessage: 'Add to LinkedIn', description: 'Link that adds the credential to a LinkedIn profile' },
  refresh: { id: 'credentialXblock.refresh', defaultMessage: 'Check again', description: 'Button that reloads a pending credential' },
  rulesLabel: { id: 'credentialXblock.rules', defaultMessage: 'Requirements for {title}', description: 'Accessible name of a checklist' },
  met: { id: 'credentialXblock.met', defaultMessage: 'Met', description: 'A requirement that is met' },
  notMet: { id: 'credentialXblock.notMet', defaultMessage: 'Not met yet', description: 'A requirement that is not met' },
  code: { id: 'credentialXblock.code', defaultMessage: 'Code {code}', description: 'The short code printed on a certificate' },
  issuedOn: { id: 'credentialXblock.issuedOn', defaultMessage: 'Issued {date}', description: 'Issue date of a credential' },
  paths: { id: 'credentialXblock.paths', defaultMessage: 'Learning Paths', description: 'Heading of the path progress' },
  more: { id: 'credentialXblock.more', defaultMessage: 'Show more', description: 'Button that loads more credentials' },
  status_issued: { id: 'credentialXblock.status.issued', defaultMessage: 'Issued', description: 'Credential status' },
  status_pending: { id: 'credentialXblock.status.pending', defaultMessage: 'Being prepared', description: 'Credential status' },
  status_failed: { id: 'credentialXblock.status.failed', defaultMessage: 'Being prepared', description: 'Credential status (retried)' },
  status_superseded: { id: 'credentialXblock.status.superseded', defaultMessage: 'Replaced by a newer one', description: 'Credential status' },
  status_revoked: { id: 'credentialXblock.status.revoked', defaultMessage: 'Revoked', description: 'Credential status' },
});

export default messages;
