// The row writer's short paths give the bytes the general rules (csv-cells.ts + csv-line.ts)
// give, for the records agents write, hostile ones, and arbitrary values of any type; a
// record's readable row, written out by hand; and every row parses back with csv-parse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { COLUMNS } from '@interflow/contract';
import { generateFlows, HOSTILE_VALUES } from '../../../test/fixtures/flow-generator.ts';
import { cell, readableCell } from './csv-cells.ts';
import { csvRows } from './csv-line.ts';
import { rowWriter } from './csv-row-writer.ts';

type Rec = Record<string, unknown>;
const ALL = COLUMNS.map((c) => c.id);

/** The cells by the general rules, one call per cell, as the export wrote them before. */
function generalCells(r: Rec, columns: readonly string[], readable: boolean): string[] {
  return columns.map((c) => (readable ? readableCell(c, r[c], r) : cell(r[c])));
}

function assertSameRows(records: Rec[], columns: readonly string[]): void {
  for (const values of ['raw', 'readable'] as const) {
    const write = rowWriter(columns, values);
    for (const r of records) {
      const cells = generalCells(r, columns, values === 'readable');
      const row = write(r);
      assert.equal(row, csvRows([cells]), `${values} row of ${JSON.stringify(r)}`);
      assert.deepEqual(parse(row, { relax_quotes: false }), [cells]);
    }
  }
}

test('records agents write, plain and hostile, newest first: the same bytes as the general rules', () => {
  const now = Date.now();
  const records = [
    ...generateFlows({ count: 2000, seed: 3, startMs: now - 600_000, endMs: now }),
    ...generateFlows({ count: 2000, seed: 4, startMs: now - 600_000, endMs: now, hostile: true }),
  ].reverse() as unknown as Rec[];
  assertSameRows(records, ALL);
  assertSameRows(records, ['Interfaces', 'SrcK8S_Name', 'TimeReceived', 'Proto']);
});

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_VALUES, '', '=1', '-1', '+x', '@y', 'net1', 'a,b', '"q"', 'x\r\ny'),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1.5, 1_764_657_933_123, 253_402_300_800_000, -5, 1e21, 6, 17, 58, 132, 2),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(fc.string(), fc.integer({ min: -1, max: 3 }), fc.constant(null)), { maxLength: 4 }),
  // an object as JSON.parse makes it (fast-check's own may lack a prototype, which no line has)
  fc
    .dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 })
    .map((o) => JSON.parse(JSON.stringify(o)) as unknown),
);

test('values of any type in any field: the same bytes as the general rules', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...ALL), anyValue), (r) => assertSameRows([r], ALL)),
    { numRuns: 3000 },
  );
});

test('a readable row, written out by hand', () => {
  const r: Rec = {
    TimeFlowEndMs: 1_764_657_933_004,
    TimeFlowStartMs: 1_764_657_931_120,
    TimeReceived: 1_764_657_934,
    Interfaces: ['net1', 'eth0'],
    IfDirections: [1, 0],
    IfNetns: ['', 'cni-1'],
    SrcK8S_Name: '=cmd',
    SrcAddr: '10.128.0.7',
    SrcPort: 40000,
    Proto: 6,
    Bytes: 1500,
    FlowDirection: 2,
  };
  const columns = [
    'TimeFlowEndMs',
    'TimeFlowStartMs',
    'TimeReceived',
    'Interfaces',
    'IfDirections',
    'IfNetns',
    'SrcK8S_Name',
    'SrcAddr',
    'SrcPort',
    'Proto',
    'Bytes',
    'FlowDirection',
    'DstK8S_Name',
  ];
  assert.equal(
    rowWriter(columns, 'readable')(r),
    '2025-12-02T06:45:33.004Z,2025-12-02T06:45:31.120Z,2025-12-02T06:45:34.000Z,' +
      '"net1 (egress),eth0 (ingress)","egress,ingress","host,cni-1",\'=cmd,10.128.0.7,40000,TCP,1500,inner,\r\n',
  );
  assert.equal(
    rowWriter(columns, 'raw')(r),
    '1764657933004,1764657931120,1764657934,"net1,eth0","1,0",",cni-1",\'=cmd,10.128.0.7,40000,6,1500,2,\r\n',
  );
});
