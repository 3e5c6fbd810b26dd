// ESLint flat config: typescript-eslint for all TypeScript, React rules for web/, and the
// layout rules of docs/development.md ("Layout"): no import cycles anywhere, and per folder the
// imports that would point up or across. A broken rule fails `npm run lint` and `npm test`.
import js from '@eslint/js';
import globals from 'globals';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/**
 * The layout rules of docs/development.md ("Layout"), by resolved path: a file under `target`
 * may not import anything under `from`. Tests (`*.test.ts(x)`) are exempt from the "never
 * imports tests" zones only.
 */
const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });
const S = './server/src';
const A = './agent/src';
const W = './web/src';
const PARTS = ['./agent', './server', './web'];
const otherParts = (self) => PARTS.filter((p) => p !== self);

const LAYOUT_ZONES = [
  // The contract imports nothing of ours.
  zone(
    './contract',
    ['./agent', './server', './web', './test', './scripts', './deploy'],
    'the contract imports nothing of ours',
  ),
  // A part imports only the contract of the other parts; product code never imports tests.
  ...PARTS.map((p) =>
    zone(
      `${p}/src`,
      [...otherParts(p), `${p}/test`, './test'],
      `${p.slice(2)}/src imports only @interflow/contract of other parts, and never tests`,
    ),
  ),

  // server/: main → http → flows → {logql, loki, observability}; http mounts store/, static/ and checks access with auth/; loki → config → logql.
  zone(
    `${S}/logql`,
    [
      `${S}/store`,
      `${S}/flows`,
      `${S}/http`,
      `${S}/auth`,
      `${S}/loki`,
      `${S}/config`,
      `${S}/static`,
      `${S}/observability`,
      `${S}/main.ts`,
      `${S}/errors.ts`,
    ],
    'logql/ is the LogQL language for any Loki: it imports nothing of the server',
  ),
  zone(
    `${S}/store`,
    [
      `${S}/flows`,
      `${S}/http`,
      `${S}/auth`,
      `${S}/loki`,
      `${S}/config`,
      `${S}/static`,
      `${S}/observability`,
      `${S}/main.ts`,
      `${S}/errors.ts`,
    ],
    'the embedded store is a Loki: it knows nothing of the backend that queries it',
  ),
  zone(
    `${S}/store/query`,
    [`${S}/store/http`, `${S}/store/push`, `${S}/store/sqlite`, `${S}/store/index.ts`],
    'store/query/ (LogQL evaluation) is below sqlite/, push/ and http/',
  ),
  zone(
    `${S}/store/sqlite`,
    [`${S}/store/http`, `${S}/store/push`, `${S}/store/index.ts`],
    'store/sqlite/ is below push/ and http/',
  ),
  zone(`${S}/store/push`, [`${S}/store/http`, `${S}/store/index.ts`], 'store/push/ is below http/'),
  zone(`${S}/store/http`, [`${S}/store/index.ts`], "store/index.ts is the store's public face, above http/"),
  zone(
    `${S}/flows`,
    [`${S}/http`, `${S}/store`, `${S}/static`, `${S}/main.ts`],
    'flows/ is used by the HTTP layer and reaches Loki through loki/',
  ),
  zone(
    [`${S}/loki`, `${S}/config`, `${S}/static`, `${S}/observability`, `${S}/auth`],
    [`${S}/http`, `${S}/flows`, `${S}/store`, `${S}/main.ts`],
    'a building block does not import the layers that use it',
  ),
  zone(
    [`${S}/loki`, `${S}/config`, `${S}/static`, `${S}/observability`],
    [`${S}/auth`],
    'auth/ (access decisions) is used by the HTTP layer only',
  ),
  zone(`${S}/http`, [`${S}/main.ts`], 'main.ts (the listening process) is above http/'),

  // agent/: main → capture → features (eviction, hooks, netns, links, enrich, export, kernel-helper) → building blocks.
  zone(
    [`${A}/retry`, `${A}/config`, `${A}/node-identity`, `${A}/log.ts`, `${A}/metrics.ts`],
    [
      `${A}/main.ts`,
      `${A}/capture.ts`,
      `${A}/enrich`,
      `${A}/export`,
      `${A}/eviction`,
      `${A}/hooks`,
      `${A}/netns`,
      `${A}/links`,
      `${A}/kernel-helper`,
    ],
    'a building block does not import the features that use it',
  ),
  zone(
    `${A}/enrich`,
    [`${A}/export`, `${A}/capture.ts`, `${A}/main.ts`],
    'enrichment does not know how records are exported',
  ),
  zone(
    `${A}/export`,
    [`${A}/enrich`, `${A}/capture.ts`, `${A}/main.ts`],
    'export does not know how records are enriched',
  ),
  zone(
    [`${A}/eviction`, `${A}/hooks`, `${A}/netns`, `${A}/links`, `${A}/kernel-helper`],
    [`${A}/capture.ts`, `${A}/main.ts`],
    'features do not import the capture loop that drives them',
  ),

  // web/: plugin, standalone → components → hooks → model → api; i18n beside all.
  zone(
    [`${W}/api`, `${W}/model`, `${W}/hooks`],
    [`${W}/components`, `${W}/plugin`, `${W}/standalone`],
    'api/, model/ and hooks/ do not import the views that use them',
  ),
  zone(`${W}/api`, [`${W}/model`, `${W}/hooks`], 'api/ (calls and wire types) is the bottom of the page'),
  zone(
    `${W}/routing`,
    [`${W}/api`, `${W}/model`, `${W}/hooks`, `${W}/components`, `${W}/plugin`, `${W}/standalone`],
    'routing/ only re-exports the router the host shares',
  ),
  zone(`${W}/model`, [`${W}/hooks`], 'model/ (domain) does not import hooks'),
  zone(
    `${W}/components`,
    [`${W}/plugin`, `${W}/standalone`],
    'components do not import the hosts that mount them',
  ),
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'build/',
      'data/',
      'agent/build/',
      'test-results/',
      'deploy/schemas/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['web/**/*.{ts,tsx}', 'test/bench/web-*.tsx'],
    plugins: { react, 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    settings: { react: { version: '18' } },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs['jsx-runtime'].rules,
      ...reactHooks.configs.recommended.rules,
    },
  },

  // No import cycles, in any part (tests included: a cycle through a test harness is still one).
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })],
      // no-cycle reads the imported files too: with the TypeScript parser.
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },

  // contract/: runs in Node.js and in the browser, so no Node modules and no runtime globals.
  {
    files: ['contract/src/**/*.ts'],
    ignores: TESTS,
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'the contract runs in the browser too: no Node.js modules' },
            { group: ['@interflow/*'], message: 'the contract imports nothing of ours' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'process',
          'Buffer',
          'global',
          '__dirname',
          '__filename',
          'require',
        ].map((name) => ({
          name,
          message: 'the contract runs in Node.js and in the browser: no runtime-specific globals',
        })),
      ],
    },
  },

  // Imports point down (docs/development.md, "Layout"), checked on resolved paths.
  {
    files: ['**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: LAYOUT_ZONES }],
    },
  },
);
