// Component and model tests of web/ (jsdom). Run by scripts/run-tests.mjs:
//   vitest run --config web/vitest.config.ts web/src/…test.tsx
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export default defineConfig({
  root,
  esbuild: { jsx: 'automatic' },
  test: {
    environment: 'jsdom',
    include: ['web/**/*.test.{ts,tsx}'],
    setupFiles: [resolve(root, 'web/vitest.setup.ts')],
    globals: true,
    // Stylesheets do not matter to jsdom: imported .css files are replaced by empty modules.
    css: false,
    testTimeout: 20000,
    pool: 'threads',
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } },
  },
});
