import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_QUICK_FILTERS, checkQuickFilters } from './quick-filters.ts';

test('the built-in quick filters pass the checks a configured file must pass', () => {
  assert.deepEqual(checkQuickFilters(structuredClone(DEFAULT_QUICK_FILTERS)), DEFAULT_QUICK_FILTERS);
  assert.ok(
    DEFAULT_QUICK_FILTERS.some((q) => q.name === 'Pod secondary interfaces' && q.filters === 'if_network!='),
  );
});
