// Render time of the flows table in jsdom (run by test/bench/web.bench.ts through `vitest bench`
// with web/vitest.config.ts):
// 1 000 rows with the default columns, one page of 50 rows, and a baseline of a plain HTML
// table with the same 1 000 × columns cells rendered by React (the ratio is what to watch).
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { bench, describe } from 'vitest';
import { FlowsTable } from '../../web/src/components/table/FlowsTable.tsx';
import { FALLBACK_DEFAULT_COLUMNS, fieldValue } from '../../web/src/model/fields.ts';
import { flow } from '../../web/test/stand-in-backend.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const records = Array.from({ length: 1000 }, (_, i) =>
  flow(i, {
    SrcK8S_Name: `pod-${i}`,
    SrcK8S_Namespace: 'team-a',
    DstK8S_Name: 'svc',
    DstK8S_Namespace: 'default',
  }),
);
const columns = FALLBACK_DEFAULT_COLUMNS.map((id) => ({ id, label: id }));
const sort = { field: 'TimeFlowEndMs', direction: 'desc' as const };

function renderOnce(node: React.ReactNode) {
  const host = document.createElement('div');
  document.body.appendChild(host);
  const root = createRoot(host);
  act(() => root.render(node));
  const rows = host.querySelectorAll('tbody tr').length;
  act(() => root.unmount());
  host.remove();
  return rows;
}

/** The table as the page shows it (default columns, newest first, nothing selected). */
function flowsTable(rows: typeof records) {
  return (
    <FlowsTable
      records={rows}
      columns={columns}
      sort={sort}
      onSort={() => undefined}
      selected={null}
      onSelect={() => undefined}
      offset={0}
    />
  );
}

function check(rows: number, expected: number) {
  if (rows !== expected) throw new Error(`rendered ${rows} rows, expected ${expected}`);
}

describe('flows table render (jsdom)', () => {
  bench('FlowsTable, 1 000 rows', () => check(renderOnce(flowsTable(records)), 1000), {
    iterations: 5,
    time: 3000,
    warmupIterations: 1,
  });
  bench('FlowsTable, one page of 50 rows', () => check(renderOnce(flowsTable(records.slice(0, 50))), 50), {
    iterations: 10,
    time: 2000,
    warmupIterations: 1,
  });
  bench(
    'baseline: plain <table>, 1 000 rows, same cells as text',
    () =>
      check(
        renderOnce(
          <table>
            <tbody>
              {records.map((r, i) => (
                <tr key={i}>
                  {columns.map((c) => (
                    <td key={c.id}>{String(fieldValue(r, c.id) ?? '-')}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>,
        ),
        1000,
      ),
    { iterations: 5, time: 3000, warmupIterations: 1 },
  );
});
