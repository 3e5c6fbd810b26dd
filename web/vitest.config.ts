// Component and model tests of web/ (jsdom), with their stand-in backend in web/test/. Run by
// scripts/run-tests.mjs:
//   vitest run --config web/vitest.config.ts web/src/…test.tsx
// The page's render benchmark lives with the other benchmarks (test/bench/web-*.bench.tsx) and
// runs with this config too: `vitest bench --config web/vitest.config.ts` (test/bench/web.bench.ts).
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
    benchmark: { include: ['test/bench/web-*.bench.tsx'] },
    setupFiles: [resolve(root, 'web/vitest.setup.ts')],
    globals: true,
    // Stylesheets do not matter to jsdom: imported .css files are replaced by empty modules.
    css: false,
    // several waits of up to 15 s each (vitest.setup.ts): the bound of a test that hangs, not of a slow one
    testTimeout: 120_000,
    pool: 'threads',
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } },
  },
});
