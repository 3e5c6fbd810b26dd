import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/processes.ts';
import { KEPT_MARK, withKeptPart } from './kept-sections.ts';

test('a new run keeps the hand-written half of the previous file, byte for byte', () => {
  const hand = `${KEPT_MARK}\n\n# Investigations\n\n## Datapath\n\nround 1: 0.99\n`;
  const previous = `# Benchmarks\n\nold figures\n\n${hand}`;
  const out = withKeptPart('# Benchmarks\n\nnew figures\n', previous);
  assert.equal(out, `# Benchmarks\n\nnew figures\n\n${hand}`);
});

test('without a previous file or marker only the generated text is written', () => {
  assert.equal(withKeptPart('# Benchmarks\n', undefined), '# Benchmarks\n');
  assert.equal(withKeptPart('# Benchmarks\n', '# Benchmarks\n\nold\n'), '# Benchmarks\n');
});

test('docs/benchmarks.md carries the marker once, after the generated half', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/benchmarks.md'), 'utf8');
  const at = doc.indexOf(KEPT_MARK);
  assert.ok(at > 0, 'the marker is missing: a full npm run bench would drop the hand-written passes');
  assert.equal(doc.indexOf(KEPT_MARK, at + 1), -1, 'the marker appears twice');
  // The generated half ends with the part run-all.ts writes last.
  assert.ok(
    doc.slice(0, at).includes('## Reproduce'),
    'the hand-written half starts before the generated one ends',
  );
});
