// Stand-in for the console's i18n loader: i18next reads the plugin's catalogs from the same
// path the console uses, /locales/{{lng}}/{{ns}}.json, served from dist/ by the backend.
import i18next, { type BackendModule, type ReadCallback } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { I18N_NAMESPACE } from '../i18n/use-t.ts';

export const SUPPORTED_LANGUAGES = ['en', 'ja'] as const;

const fetchBackend: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read(language: string, namespace: string, callback: ReadCallback) {
    fetch(`/locales/${encodeURIComponent(language)}/${encodeURIComponent(namespace)}.json`).then(
      async (res) => (res.ok ? callback(null, await res.json()) : callback(null, {})),
      (e: Error) => callback(e, false),
    );
  },
};

/** Language from the lng query parameter or the browser, limited to the catalogs we ship. */
export function pickLanguage(search: string, browser: readonly string[]): string {
  const wanted = [new URLSearchParams(search).get('lng') ?? '', ...browser].map(
    (l) => l.toLowerCase().split('-')[0]!,
  );
  return wanted.find((l) => (SUPPORTED_LANGUAGES as readonly string[]).includes(l)) ?? 'en';
}

export async function initStandaloneI18n(language: string) {
  await i18next
    .use(fetchBackend)
    .use(initReactI18next)
    .init({
      lng: language,
      fallbackLng: 'en',
      ns: [I18N_NAMESPACE],
      defaultNS: I18N_NAMESPACE,
      nsSeparator: '~',
      keySeparator: false,
      interpolation: { escapeValue: false }, // React escapes
      returnEmptyString: false,
    });
  document.documentElement.lang = language;
  return i18next;
}
