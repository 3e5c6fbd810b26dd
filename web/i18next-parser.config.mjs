// i18next-parser: generates the English catalog from every t('…') call of web/src.
// `npm run i18n` writes i18n/locales/en/plugin__interflow-plugin.json; web/src/i18n/catalog.test.ts
// runs the same config into a temporary directory (INTERFLOW_I18N_OUT) and fails when the
// checked-in catalog is stale. Keys are the English strings themselves (console convention).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export default {
  locales: ['en'],
  defaultNamespace: 'plugin__interflow-plugin',
  namespaceSeparator: '~',
  keySeparator: false,
  pluralSeparator: '_',
  contextSeparator: '_',
  // The English value of a key is the key.
  defaultValue: (_locale, _namespace, key) => key,
  input: ['src/**/*.{ts,tsx}', '!src/**/*.test.{ts,tsx}'],
  output: process.env.INTERFLOW_I18N_OUT ?? resolve(root, 'i18n/locales/$LOCALE/$NAMESPACE.json'),
  lexers: { ts: ['JavascriptLexer'], tsx: ['JsxLexer'], default: ['JavascriptLexer'] },
  sort: true,
  createOldCatalogs: false,
  keepRemoved: false,
  indentation: 2,
  lineEnding: 'lf',
  failOnWarnings: true,
};
