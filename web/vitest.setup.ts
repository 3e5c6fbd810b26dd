// jest-dom matchers, and i18next initialised with the real English catalog (what the console
// would load), so tests read the English text users see.
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { afterEach } from 'vitest';
import en from '../i18n/locales/en/plugin__interflow-plugin.json';

await i18next.use(initReactI18next).init({
  lng: 'en',
  fallbackLng: 'en',
  ns: ['plugin__interflow-plugin'],
  defaultNS: 'plugin__interflow-plugin',
  resources: { en: { 'plugin__interflow-plugin': en } },
  nsSeparator: '~',
  keySeparator: false,
  interpolation: { escapeValue: false },
});

afterEach(() => cleanup());

// waitFor and findBy* give up after 1 s by default. On the 2 shared cores of CI, with the other
// suites running beside these, a render that takes 50 ms on a quiet machine has taken over a
// second (a soak run at load 11–15 failed a quick-filters test at its first wait that way). They
// wait for a condition, so a generous bound costs time only when a test fails anyway.
configure({ asyncUtilTimeout: 15_000 });
