import React from 'react';
import { render } from '@testing-library/react';
import { IntlProvider } from '@edx/frontend-platform/i18n';

// Render inside the host MFE's IntlProvider, as the slots do.
export const renderIn = (ui, locale = 'en') => render(<IntlProvider locale={locale} messages={{}}>{ui}</IntlProvider>);
