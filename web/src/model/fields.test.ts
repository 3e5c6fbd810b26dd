import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../api/types.ts';
import { FALLBACK_DEFAULT_COLUMNS, KNOWN_COLUMNS, sortRecords } from './fields.ts';

const ids = (records: FlowRecord[]) => records.map((r) => r.id);

describe('record fields', () => {
  it('the fallback default columns are known columns, in the same order', () => {
    expect(FALLBACK_DEFAULT_COLUMNS.length).toBeGreaterThan(0);
    expect(KNOWN_COLUMNS.filter((c) => FALLBACK_DEFAULT_COLUMNS.includes(c))).toEqual([
      ...FALLBACK_DEFAULT_COLUMNS,
    ]);
    expect(KNOWN_COLUMNS).toContain('FlowDirection');
    expect(FALLBACK_DEFAULT_COLUMNS).not.toContain('FlowDirection');
  });

  it('sorts numbers numerically in both directions, missing values last either way', () => {
    const records: FlowRecord[] = [
      { id: 'a', Bytes: 50 },
      { id: 'b' },
      { id: 'c', Bytes: 5 },
      { id: 'd', Bytes: 500 },
      { id: 'e', Bytes: null } as unknown as FlowRecord, // a null in the JSON line
    ];
    expect(ids(sortRecords(records, 'Bytes', 'asc'))).toEqual(['c', 'a', 'd', 'b', 'e']);
    expect(ids(sortRecords(records, 'Bytes', 'desc'))).toEqual(['d', 'a', 'c', 'b', 'e']);
  });

  it('sorts text and arrays with numeric parts in order, equal keys keep their order', () => {
    const records: FlowRecord[] = [
      { id: 'a', Interfaces: ['net10'] },
      { id: 'b', Interfaces: ['net2'] },
      { id: 'c', Interfaces: [''] },
      { id: 'd', Interfaces: ['net2'] },
      { id: 'e', SrcK8S_Name: '' },
    ];
    expect(ids(sortRecords(records, 'Interfaces', 'asc'))).toEqual(['c', 'b', 'd', 'a', 'e']);
    expect(ids(sortRecords(records, 'Interfaces', 'desc'))).toEqual(['a', 'b', 'd', 'c', 'e']);
  });
});
