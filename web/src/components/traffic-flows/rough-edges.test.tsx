// Rough edges of the view (issue 16, item 6), each reproduced against the stand-in backend API
// (jsdom): a failed request's summary, the empty state's wider range, the drawer after the query
// changes, the page number after a refresh with fewer rows, a link without columns.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredFlowRecord } from '@interflow/contract';
import { flow, installStandInBackend, type StandInBackend } from '../../../test/stand-in-backend.ts';
import { renderAt } from '../../../test/render-view.tsx';
import { decodeView } from '../../model/url-codec.ts';
import { TrafficFlowsView } from './TrafficFlowsView.tsx';

let backend: StandInBackend | null = null;
afterEach(() => backend?.restore());

const rows = () => screen.queryAllByTestId('interflow-flow-row');

describe('rough edges (stand-in backend API)', () => {
  it('after a failed request the summary no longer shows the previous count and time', async () => {
    const records = [flow(0), flow(1)];
    backend = installStandInBackend({
      records: (url) => {
        if (url.searchParams.get('filters')) throw new TypeError('Failed to fetch');
        return records;
      },
    });
    const user = userEvent.setup();
    renderAt('/traffic-flows', <TrafficFlowsView />);
    await screen.findByText(/2 flows found in 7 ms/);
    await user.type(screen.getByLabelText('Filter value'), 'net1{Enter}');
    await screen.findByRole('button', { name: /Retry|Try again/ });
    expect(screen.queryByText(/2 flows found/)).toBeNull();
  });

  it("the empty state's wider range never narrows: a week offers two weeks, two weeks nothing", async () => {
    backend = installStandInBackend({ records: [] });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows?timeRange=604800', <TrafficFlowsView />);
    await screen.findByText('No flows found');
    expect(screen.queryByRole('button', { name: 'Last 1 day' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Last 2w' }));
    await waitFor(() => expect(search().get('timeRange')).toBe('1209600'));
    await screen.findByText('No flows found');
    expect(screen.queryByRole('button', { name: /^Last / })).toBeNull();
  });

  it('the drawer closes when the query changes (it would show a record the new query may not hold)', async () => {
    backend = installStandInBackend({ records: [flow(0), flow(1)] });
    const user = userEvent.setup();
    renderAt('/traffic-flows', <TrafficFlowsView />);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.click(rows()[0]!);
    await screen.findByRole('heading', { name: 'Flow details' });
    await user.type(screen.getByLabelText('Filter value'), 'eth0{Enter}');
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Flow details' })).toBeNull());
  });

  it('the page number is clamped when a refresh brings fewer rows', async () => {
    let records: StoredFlowRecord[] = Array.from({ length: 120 }, (_, i) => flow(i));
    backend = installStandInBackend({ records: () => records });
    const user = userEvent.setup();
    renderAt('/traffic-flows?limit=500', <TrafficFlowsView />);
    await waitFor(() => expect(rows()).toHaveLength(50));
    const pager = screen.getByRole('navigation', { name: 'Pages of flows' });
    await user.click(within(pager).getByRole('button', { name: 'Go to last page' }));
    await waitFor(() => expect(rows()).toHaveLength(20));
    records = records.slice(0, 10);
    await user.click(screen.getByRole('button', { name: 'Refresh now' }));
    await waitFor(() => expect(rows()).toHaveLength(10));
  });

  it('a link without columns (cols=) is refused with a warning: the default columns show', () => {
    const { view, problems } = decodeView(new URLSearchParams('cols='));
    expect(view.cols).toBeNull();
    expect(problems).toEqual([{ param: 'cols', value: '', unknown: [] }]);
  });
});
