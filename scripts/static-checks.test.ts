// `npm test` also holds the code to its static checks, so CI fails on a type error or a lint
// or format problem exactly like on a failing test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

function npx(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('TypeScript: tsc -b finds no type error in any project', { timeout: 600_000 }, () => {
  const r = npx(['node_modules/typescript/bin/tsc', '-b']);
  assert.equal(r.status, 0, r.out.slice(0, 20_000));
});

test('lint: ESLint, Prettier and Stylelint are clean (npm run lint)', { timeout: 600_000 }, () => {
  const eslint = npx(['node_modules/eslint/bin/eslint.js', '.']);
  assert.equal(eslint.status, 0, eslint.out.slice(0, 20_000));
  const prettier = npx(['node_modules/prettier/bin/prettier.cjs', '--check', '.']);
  assert.equal(prettier.status, 0, prettier.out.slice(0, 20_000));
  const stylelint = npx(['node_modules/stylelint/bin/stylelint.mjs', 'web/**/*.css']);
  assert.equal(stylelint.status, 0, stylelint.out.slice(0, 20_000));
});
