// CSV formula injection: text cells a spreadsheet would evaluate get a leading ', through the
// real export route of the app (embedded store), numbers and harmless text unchanged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { generateFlows, pushRecords } from '../../../test/fixtures/flow-generator.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

describe('CSV export guards against formula injection', () => {
  let t: TestApp;
  const now = Date.now();
  const window = `startTime=${Math.floor(now / 1000) - 600}&endTime=${Math.ceil(now / 1000) + 1}`;
  const names = ['=1+2', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx', 'net1', 'a=b'];
  before(async () => {
    t = await startTestApp();
    const base = [
      ...generateFlows({ count: names.length, seed: 5, startMs: now - 60_000, endMs: now - 1000 }),
    ];
    await pushRecords(
      t.storeUrl,
      base.map((r, i) => ({
        ...r,
        Interfaces: [names[i]!],
        IfDirections: [0],
        SrcK8S_Name: names[i]!,
        SrcPort: 1000 + i,
      })),
    );
  });
  after(() => t.close());

  test("a cell =1+2 is exported as '=1+2 (raw values); numbers and plain text are unchanged", async () => {
    const res = await t.app.inject(
      `/api/flows/export?${window}&values=raw&columns=SrcPort,SrcK8S_Name,Interfaces,IfDirections`,
    );
    assert.equal(res.statusCode, 200);
    const rows = parse(res.body, { from_line: 2 }) as string[][];
    const byPort = new Map(rows.map((r) => [Number(r[0]), r]));
    const expected = ["'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", "'\rx", 'net1', 'a=b'];
    names.forEach((_, i) => {
      const row = byPort.get(1000 + i)!;
      assert.equal(row[1], expected[i], `SrcK8S_Name ${JSON.stringify(names[i])}`);
      assert.equal(row[2], expected[i], `Interfaces ${JSON.stringify(names[i])}`);
      assert.equal(row[3], '0');
    });
  });

  test('readable values (the default) are guarded too, the interface/direction pairs included', async () => {
    const res = await t.app.inject(
      `/api/flows/export?${window}&columns=SrcPort,SrcK8S_Name,Interfaces,IfDirections`,
    );
    assert.equal(res.statusCode, 200);
    const rows = parse(res.body, { from_line: 2 }) as string[][];
    const byPort = new Map(rows.map((r) => [Number(r[0]), r]));
    const expected = ["'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", "'\rx", 'net1', 'a=b'];
    names.forEach((_, i) => {
      const row = byPort.get(1000 + i)!;
      assert.equal(row[1], expected[i], `SrcK8S_Name ${JSON.stringify(names[i])}`);
      assert.equal(row[2], `${expected[i]} (ingress)`, `Interfaces ${JSON.stringify(names[i])}`);
      assert.equal(row[3], 'ingress');
    });
  });
});
