import { describe, expect, it } from 'vitest';
import { COLUMNS, DEFAULT_COLUMNS, filterSpec, protocolName } from '@interflow/contract';
import type { StoredFlowRecord } from '../api/types.ts';
import { FALLBACK_DEFAULT_COLUMNS, FIELD_FILTER, KNOWN_COLUMNS, fieldValue, sortRecords } from './fields.ts';

/** A record told apart by its source address. */
const rec = (tag: string, patch: Partial<StoredFlowRecord> = {}): StoredFlowRecord => ({
  TimeFlowStartMs: 0,
  TimeFlowEndMs: 1,
  SrcAddr: tag,
  DstAddr: '10.0.0.1',
  ...patch,
});
const tags = (records: StoredFlowRecord[]) => records.map((r) => r.SrcAddr);

describe('record fields', () => {
  it('the columns and the default ones are the contract’s, in its order', () => {
    expect(KNOWN_COLUMNS).toEqual(COLUMNS.map((c) => c.id));
    expect(FALLBACK_DEFAULT_COLUMNS).toEqual(DEFAULT_COLUMNS);
    expect(KNOWN_COLUMNS.filter((c) => FALLBACK_DEFAULT_COLUMNS.includes(c))).toEqual([
      ...FALLBACK_DEFAULT_COLUMNS,
    ]);
    expect(KNOWN_COLUMNS).toContain('FlowDirection');
    expect(FALLBACK_DEFAULT_COLUMNS).not.toContain('FlowDirection');
  });

  it('a clicked value feeds the filter of that one field', () => {
    expect(FIELD_FILTER).toMatchObject({
      Interfaces: 'interfaces',
      IfDirections: 'ifdirections',
      IfNetns: 'netns',
      SrcK8S_Namespace: 'src_namespace',
      DstK8S_Name: 'dst_name',
      SrcAddr: 'src_address',
      DstPort: 'dst_port',
      Proto: 'protocol',
      FlowDirection: 'node_direction',
      K8S_HostName: 'host_name',
    });
    // every target is a filter of exactly that field
    for (const [field, id] of Object.entries(FIELD_FILTER)) expect(filterSpec(id)?.fields).toEqual([field]);
    // fields no filter reads stay plain values
    expect(FIELD_FILTER['Bytes']).toBeUndefined();
  });

  it('protocol numbers show the protocol filter’s names', () => {
    expect([6, 17, 1, 58, 132, 47].map((n) => protocolName(n))).toEqual([
      'TCP',
      'UDP',
      'ICMP',
      'ICMPv6',
      'SCTP',
      'GRE',
    ]);
    expect(protocolName(253)).toBe('253');
  });

  it('reads known fields typed and extra fields of other producers as they came', () => {
    const r = { ...rec('a', { Bytes: 5 }), NetObservOnly: 'x' } as StoredFlowRecord;
    const bytes: number | undefined = fieldValue(r, 'Bytes');
    expect(bytes).toBe(5);
    expect(fieldValue(r, 'NetObservOnly')).toBe('x');
    expect(fieldValue(r, 'Missing')).toBeUndefined();
  });

  it('sorts numbers numerically in both directions, missing values last either way', () => {
    const records: StoredFlowRecord[] = [
      rec('a', { Bytes: 50 }),
      rec('b'),
      rec('c', { Bytes: 5 }),
      rec('d', { Bytes: 500 }),
      { ...rec('e'), Bytes: null } as unknown as StoredFlowRecord, // a null in the JSON line
    ];
    expect(tags(sortRecords(records, 'Bytes', 'asc'))).toEqual(['c', 'a', 'd', 'b', 'e']);
    expect(tags(sortRecords(records, 'Bytes', 'desc'))).toEqual(['d', 'a', 'c', 'b', 'e']);
  });

  it('sorts text and arrays with numeric parts in order, equal keys keep their order', () => {
    const records: StoredFlowRecord[] = [
      rec('a', { Interfaces: ['net10'] }),
      rec('b', { Interfaces: ['net2'] }),
      rec('c', { Interfaces: [''] }),
      rec('d', { Interfaces: ['net2'] }),
      rec('e', { SrcK8S_Name: '' }),
    ];
    expect(tags(sortRecords(records, 'Interfaces', 'asc'))).toEqual(['c', 'b', 'd', 'a', 'e']);
    expect(tags(sortRecords(records, 'Interfaces', 'desc'))).toEqual(['a', 'b', 'd', 'c', 'e']);
  });
});
