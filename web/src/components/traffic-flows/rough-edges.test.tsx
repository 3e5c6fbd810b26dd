// Rough edges of the view (issue 16, item 6), each reproduced against the stand-in backend API
// (jsdom): a failed request's summary, the empty state's wider range, the drawer after the query
// changes, the page number after a refresh with fewer rows, a link without columns; the custom
// range's fields after Back/Forward, the refresh interval in the URL, the export's window, the
// sort over fetched rows only.
import { act, screen, waitFor, within } from '@testing-library/react';
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

  it('the custom From/To fields show the range of the URL after a new link, Back and Forward', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const first = [1_700_000_000, 1_700_003_600];
    const second = [1_700_500_000, 1_700_507_200];
    const { go, back, forward } = renderAt(
      `/traffic-flows?startTime=${first[0]}&endTime=${first[1]}`,
      <TrafficFlowsView />,
    );
    // what the fields show, read back as epoch seconds by the browser's own date parsing
    const shown = () =>
      ['From', 'To'].map(
        (label) => new Date((screen.getByLabelText(label) as HTMLInputElement).value).getTime() / 1000,
      );
    await waitFor(() => expect(shown()).toEqual(first));
    act(() => void go(`/traffic-flows?startTime=${second[0]}&endTime=${second[1]}`));
    await waitFor(() => expect(shown()).toEqual(second));
    act(() => void back());
    await waitFor(() => expect(shown()).toEqual(first));
    act(() => void forward());
    await waitFor(() => expect(shown()).toEqual(second));
  });

  it('the refresh interval is in the URL: a link opens refreshing, a change writes it, a bad one is warned about', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows?refresh=30', <TrafficFlowsView />);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByLabelText('Refresh interval')).toHaveValue('30');
    await user.selectOptions(screen.getByLabelText('Refresh interval'), '60');
    await waitFor(() => expect(search().get('refresh')).toBe('60'));
    await user.selectOptions(screen.getByLabelText('Refresh interval'), '0');
    await waitFor(() => expect(search().has('refresh')).toBe(false));
    expect(backend.flowRequests().every((u) => !u.searchParams.has('refresh'))).toBe(true);
  });

  it('a refresh interval below the minimum in a link is refused with a warning', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const { search } = renderAt('/traffic-flows?refresh=1', <TrafficFlowsView />);
    await screen.findByText(/"refresh" must be 0 \(off\) or a whole number of seconds from 5, not "1"/);
    await waitFor(() => expect(search().has('refresh')).toBe(false));
    expect(screen.getByLabelText('Refresh interval')).toHaveValue('0');
  });

  it('the export of a relative range covers the window the table showed, not one resolved again later', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const user = userEvent.setup();
    renderAt('/traffic-flows?timeRange=900', <TrafficFlowsView />);
    await waitFor(() => expect(rows()).toHaveLength(1));
    const shownWindow = backend.flowAnswers.at(-1)!.stats;
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog');
    const link = within(dialog).getByRole('link', { name: 'Download CSV' }) as HTMLAnchorElement;
    const url = new URL(link.href);
    expect(url.searchParams.has('timeRange')).toBe(false);
    expect(Number(url.searchParams.get('startTime')) * 1000).toBe(shownWindow.startMs);
    expect(Number(url.searchParams.get('endTime')) * 1000).toBe(shownWindow.endMs);
    expect(shownWindow.endMs - shownWindow.startMs).toBe(900_000);
  });

  it('sorting by Bytes when the row limit was reached says the order covers only the fetched rows', async () => {
    backend = installStandInBackend({ records: Array.from({ length: 5 }, (_, i) => flow(i)) });
    const user = userEvent.setup();
    const hint = /Sorted by Bytes among the 3 newest matches fetched, not over every match/;
    renderAt('/traffic-flows?limit=3', <TrafficFlowsView />);
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.queryByText(/Sorted by/)).toBeNull(); // newest first is the backend's own order
    await user.click(within(screen.getByRole('columnheader', { name: /Bytes/ })).getByRole('button'));
    await screen.findByText(hint);
    // every match fetched: the order is the order over every match
    await user.selectOptions(screen.getByLabelText('Row limit'), '50');
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(screen.queryByText(/Sorted by/)).toBeNull();
  });
});
