// The widgets' own translations, keyed by language; the host MFE supplies the locale (and its direction).
import ar from './messages/ar.json';

const translations = { ar };

export const messagesFor = (locale = 'en') => translations[locale] || translations[locale.split('-')[0]] || {};

export default translations;
