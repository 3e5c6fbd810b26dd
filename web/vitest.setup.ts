// jest-dom matchers, and i18next initialised with the real English catalog (what the console
// would load), so tests read the English text users see.
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
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
