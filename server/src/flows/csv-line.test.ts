// csv-line.ts writes what csv-stringify (the library the export used before) writes with
// `record_delimiter: '\r\n'` for every cell without CR or LF; cells with them it quotes, where
// csv-stringify 6 with that option left a lone "\n" or "\r" unquoted, which broke the row for
// every CSV reader (shown below). csv-parse reads every cell back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { HOSTILE_VALUES } from '../../../test/fixtures/flow-generator.ts';
import { csvRows } from './csv-line.ts';

const CELLS = [
  ...HOSTILE_VALUES,
  'plain',
  '"',
  '""',
  'a,b',
  'x\r\ny',
  '\n',
  ' lead',
  'trail ',
  '=1+1',
  '-2',
  '@a',
];

test('rows are quoted exactly as csv-stringify quotes them, and parse back to the same cells', () => {
  const rows: string[][] = [];
  for (let i = 0; i < CELLS.length; i++)
    rows.push([CELLS[i]!, CELLS[(i * 7 + 3) % CELLS.length]!, CELLS[(i * 5 + 1) % CELLS.length]!]);
  const ours = csvRows(rows);
  assert.deepEqual(parse(ours, { relax_column_count: false }), rows);
  const plain = rows.filter((r) => r.every((c) => !/[\r\n]/.test(c)));
  assert.ok(plain.length > 5);
  assert.equal(csvRows(plain), stringify(plain, { record_delimiter: '\r\n' }));
});

test('csv-stringify with record_delimiter CRLF left a newline unquoted (why it was replaced)', () => {
  const rows = [['new\nline', 'x']];
  assert.throws(() => parse(stringify(rows, { record_delimiter: '\r\n' })), /Invalid Record Length/);
  assert.deepEqual(parse(csvRows(rows)), rows);
});

test('a header alone and an empty batch', () => {
  assert.equal(csvRows([['A', 'B']]), 'A,B\r\n');
  assert.equal(csvRows([]), '');
});
