// docs/design.md states the contracts; this test keeps it true against the code that is the
// contract (@interflow/contract). The expected values are read from the document, so a field,
// label or filter id added to the code but not to the design (or the reverse) fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  COLUMNS,
  FILTER_LIMITS,
  FILTER_SPECS,
  FLOW_RECORD_FIELDS,
  FlowRecordSchema,
  INTERFACE_LABEL_FIELDS,
  INTERFACE_RECORD_FIELDS,
  INTERFACE_RECORD_TYPE,
  InterfaceRecordSchema,
  LOKI_LABEL_FIELDS,
} from '@interflow/contract';

const doc = readFileSync(resolve(import.meta.dirname, '..', 'docs', 'design.md'), 'utf8');

/** The rows of the first table after `## heading`, as arrays of cell texts. */
function tableAfter(heading: string): string[][] {
  const at = doc.indexOf(`\n## ${heading}\n`);
  assert.ok(at >= 0, `docs/design.md has no "## ${heading}" section`);
  const lines = doc.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  assert.ok(rows.length > 0, `the table of "${heading}" is empty`);
  return rows;
}

const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

test('the flow record fields of the design are the contract schema, with the same types and optionality', () => {
  const rows = tableAfter('Flow record');
  const documented = rows.map(([field]) => codeSpans(field!)[0]!);
  assert.deepEqual(documented, [...FLOW_RECORD_FIELDS]);
  const properties = FlowRecordSchema.properties as Record<
    string,
    { type?: string; items?: { type: string } }
  >;
  const required = new Set(FlowRecordSchema.required as string[]);
  for (const [field, type] of rows) {
    const name = codeSpans(field!)[0]!;
    const schema = properties[name]!;
    const written = schema.type === 'array' ? `${schema.items!.type}[]` : schema.type!;
    assert.equal(type, required.has(name) ? written : `${written}?`, `type of ${name}`);
  }
});

test('the Loki labels of the design are the ones the agent writes', () => {
  const paragraph = doc.slice(doc.indexOf('Loki stream labels'));
  const labels = codeSpans(paragraph.slice(0, paragraph.indexOf('\n\n')));
  assert.deepEqual(labels, ['app', ...LOKI_LABEL_FIELDS]);
});

test('the filter ids of the design are the contract filter definitions, mapped onto the same fields', () => {
  const documented = new Map<string, string[]>();
  for (const [ids, fields] of tableAfter('Filters')) {
    const fieldNames = codeSpans(fields!.split('(')[0]!);
    for (const id of codeSpans(ids!)) documented.set(id, fieldNames);
  }
  assert.deepEqual([...documented.keys()].sort(), FILTER_SPECS.map((s) => s.id).sort());
  for (const spec of FILTER_SPECS) {
    // A pair row lists both fields; its src_/dst_ ids take one each.
    const fields = documented.get(spec.id)!;
    const expected = spec.id.startsWith('src_')
      ? [fields[0]]
      : spec.id.startsWith('dst_')
        ? [fields[1]]
        : fields;
    assert.deepEqual(spec.fields, expected, spec.id);
  }
});

test('the filter limits of the design are the contract limits', () => {
  const sentence = doc.slice(doc.indexOf('Limits:'), doc.indexOf('## Page URL'));
  const numbers = [...sentence.matchAll(/(\d[\d ]*\d|\d)/g)].map((m) => Number(m[1]!.replace(/ /g, '')));
  assert.deepEqual(numbers, [
    FILTER_LIMITS.maxFilters,
    FILTER_LIMITS.maxValuesPerFilter,
    FILTER_LIMITS.maxValues,
    FILTER_LIMITS.maxValueLength,
    FILTER_LIMITS.maxTextLength,
  ]);
});

test('every record field the design names is a column the page can show and the export can write', () => {
  const columns = new Set(COLUMNS.map((c) => c.id));
  const missing = FLOW_RECORD_FIELDS.filter((f) => !columns.has(f));
  assert.deepEqual(missing, []);
});

test('the interface record fields of the design are the contract schema, with the same types and optionality', () => {
  const rows = tableAfter('Interface record');
  assert.deepEqual(
    rows.map(([field]) => codeSpans(field!)[0]!),
    [...INTERFACE_RECORD_FIELDS],
  );
  const properties = InterfaceRecordSchema.properties as Record<
    string,
    { type?: string; items?: { type: string }; anyOf?: unknown[] }
  >;
  const required = new Set(InterfaceRecordSchema.required as string[]);
  for (const [field, type] of rows) {
    const name = codeSpans(field!)[0]!;
    const schema = properties[name]!;
    const written = schema.anyOf
      ? 'string'
      : schema.type === 'array'
        ? `${schema.items!.type}[]`
        : schema.type!;
    assert.equal(type, required.has(name) ? written : `${written}?`, `type of ${name}`);
  }
  const paragraph = doc.slice(doc.indexOf('Loki stream labels: `app`, `_RecordType`'));
  assert.deepEqual(codeSpans(paragraph.slice(0, paragraph.indexOf('NetObserv'))), [
    'app',
    ...INTERFACE_LABEL_FIELDS.flatMap((l) => (l === '_RecordType' ? [l, INTERFACE_RECORD_TYPE] : [l])),
  ]);
});
