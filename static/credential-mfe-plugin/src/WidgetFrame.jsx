import React from 'react';
import PropTypes from 'prop-types';
import { IntlProvider, isRtl, useIntl } from '@edx/frontend-platform/i18n';

import { messagesFor } from './i18n';

// The host MFE's locale with the widgets' own translations, and the locale's writing direction.
export default function WidgetFrame({ children, className }) {
  const { locale } = useIntl();
  return (
    <IntlProvider locale={locale} messages={messagesFor(locale)} defaultLocale="en">
      {/* text-align "start" follows the direction (Bootstrap's reboot aligns the body left in every language) */}
      <div className={`credential-xblock-widget ${className}`} dir={isRtl(locale) ? 'rtl' : 'ltr'} lang={locale}
           style={{ textAlign: 'start' }}>
        {children}
      </div>
    </IntlProvider>
  );
}

WidgetFrame.propTypes = { children: PropTypes.node.isRequired, className: PropTypes.string };
WidgetFrame.defaultProps = { className: '' };
