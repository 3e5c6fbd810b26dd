// The one temporary-directory helper of the test suites: made unique, removed after the test
// (also when it fails).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Anything with node:test's `after` (a TestContext, or a suite's context). */
interface HasAfter {
  after(fn: () => void | Promise<void>): void;
}

export function tempDir(t: HasAfter, prefix = 'interflow-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
