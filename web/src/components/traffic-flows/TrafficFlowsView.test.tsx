// Component tests of the whole view against a stand-in backend API (jsdom; the real backend is
// covered by the browser tests).
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import ja from '../../../../i18n/locales/ja/plugin__interflow-plugin.json';
import { I18N_NAMESPACE } from '../../i18n/use-t.ts';
import { flow, installStandInBackend, type StandInBackend } from '../../../test/stand-in-backend.ts';
import { renderAt } from '../../../test/render-view.tsx';
import { TrafficFlowsView } from './TrafficFlowsView.tsx';

let backend: StandInBackend | null = null;
afterEach(() => backend?.restore());

// Four on net1, four on eth0, and one each on net10 and xnet1 that `interfaces=net1` must not
// select (the stand-in backend filters with the contract's grammar and the design's rules).
const byInterface = [
  ...Array.from({ length: 8 }, (_, i) => flow(i)),
  flow(8, { Interfaces: ['net10'] }),
  flow(9, { Interfaces: ['xnet1'] }),
];

describe('TrafficFlowsView (stand-in backend API)', () => {
  it('opens a shared URL: the filters go to /api/flows and only matching rows show', async () => {
    backend = installStandInBackend({ records: byInterface });
    renderAt(
      '/traffic-flows?filters=interfaces%3Dnet1&match=all&timeRange=900&limit=50',
      <TrafficFlowsView />,
    );
    const rows = await screen.findAllByTestId('interflow-flow-row');
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toHaveTextContent('net1');
    const req = backend.flowRequests().at(-1)!;
    expect(req.searchParams.get('filters')).toBe('interfaces=net1');
    expect(req.searchParams.get('timeRange')).toBe('900');
    expect(req.searchParams.get('limit')).toBe('50');
    // the filter is shown as a chip under its display name
    expect(screen.getByRole('group', { name: 'Active filters' })).toHaveTextContent(
      'Network interface name =',
    );
  });

  it('shows each interface with its direction and says how many entries could not be read', async () => {
    backend = installStandInBackend({
      records: [flow(0, { Interfaces: ['eth0', 'net1'], IfDirections: [0, 1] })],
      unreadable: 3,
    });
    renderAt('/traffic-flows', <TrafficFlowsView />);
    const [row] = await screen.findAllByTestId('interflow-flow-row');
    expect(row).toHaveTextContent('eth0 (ingress), net1 (egress)');
    expect(await screen.findByText(/3 entries could not be read/)).toBeInTheDocument();
  });

  it('adding a filter through the picker writes the URL and refetches', async () => {
    backend = installStandInBackend({ records: byInterface });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows', <TrafficFlowsView />);
    expect(await screen.findAllByTestId('interflow-flow-row')).toHaveLength(10);
    await user.selectOptions(screen.getByLabelText('Filter category'), 'interfaces');
    await user.type(screen.getByLabelText('Filter value'), 'net1{Enter}');
    await waitFor(() => expect(search().get('filters')).toBe('interfaces=net1'));
    await waitFor(() => expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(4));
    expect(backend.flowRequests().at(-1)!.searchParams.get('filters')).toBe('interfaces=net1');
  });

  it('a hostile value typed in the picker reaches the URL and the API intact', async () => {
    backend = installStandInBackend({ records: [] });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows', <TrafficFlowsView />);
    await screen.findByText('No flows found');
    const hostile = 'a,b;c\\d"e`f=g~h!i%j+k 日本';
    await user.selectOptions(screen.getByLabelText('Filter operator'), '!~');
    await user.type(screen.getByLabelText('Filter value'), `${hostile}{Enter}`);
    await waitFor(() =>
      expect(search().get('filters')).toBe('interfaces!~a\\,b\\;c\\\\d"e`f=g~h!i%j+k 日本'),
    );
    await waitFor(() =>
      expect(backend!.flowRequests().at(-1)!.searchParams.get('filters')).toBe(search().get('filters')),
    );
    expect(screen.getByRole('group', { name: 'Active filters' })).toHaveTextContent(hostile);
  });

  it('removing a chip removes the filter from the URL', async () => {
    // on net1 in namespace test, on eth0 in namespace test, on net1 elsewhere
    const records = [
      flow(0, { SrcK8S_Namespace: 'test' }),
      flow(1, { SrcK8S_Namespace: 'test' }),
      flow(2, { SrcK8S_Namespace: 'other' }),
    ];
    backend = installStandInBackend({ records });
    const user = userEvent.setup();
    const { search } = renderAt(
      '/traffic-flows?filters=interfaces%3Dnet1%3Bsrc_namespace%3Dtest',
      <TrafficFlowsView />,
    );
    expect(await screen.findAllByTestId('interflow-flow-row')).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Remove net1' }));
    await waitFor(() => expect(search().get('filters')).toBe('src_namespace=test'));
    await waitFor(() => expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(2));
  });

  it('a row opens the details drawer with every field and the raw JSON; a value becomes a filter', async () => {
    backend = installStandInBackend({ records: [flow(0, { SrcK8S_Namespace: 'test' })] });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows', <TrafficFlowsView />);
    const [row] = await screen.findAllByTestId('interflow-flow-row');
    await user.click(within(row!).getByText('10.0.0.0'));
    const details = await screen.findByRole('heading', { name: 'Flow details' });
    const panel = details.closest('.interflow-details') as HTMLElement;
    expect(within(panel).getByText('Source namespace')).toBeInTheDocument();
    expect(within(panel).getByText('Node')).toBeInTheDocument();
    expect(panel.querySelector('#interflow-raw-json')?.textContent).toContain('"SrcK8S_Namespace": "test"');
    await user.click(within(panel).getByRole('button', { name: 'Filter on Interface = net1' }));
    await waitFor(() => expect(search().get('filters')).toBe('interfaces=net1'));
  });

  it('rows open from the keyboard too', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const user = userEvent.setup();
    renderAt('/traffic-flows', <TrafficFlowsView />);
    const [row] = await screen.findAllByTestId('interflow-flow-row');
    row!.focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: 'Flow details' })).toBeInTheDocument();
  });

  it('sorting by a column writes sort to the URL and reorders rows', async () => {
    backend = installStandInBackend({
      records: [flow(0, { Bytes: 5 }), flow(1, { Bytes: 500 }), flow(2, { Bytes: 50 })],
    });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows', <TrafficFlowsView />);
    await screen.findAllByTestId('interflow-flow-row');
    // The overview's metric switch has a Bytes button too: the column header's is in the grid.
    await user.click(within(screen.getByRole('grid')).getByRole('button', { name: 'Bytes' }));
    await waitFor(() => expect(search().get('sort')).toMatch(/^Bytes:(asc|desc)$/));
    const direction = search().get('sort')!.split(':')[1];
    const bytes = screen
      .getAllByTestId('interflow-flow-row')
      .map((r) => within(r).getByTitle(/^\d+$/).getAttribute('title'));
    expect(bytes).toEqual(direction === 'asc' ? ['5', '50', '500'] : ['500', '50', '5']);
  });

  it('a 503 shows the backend message (which store, why) and what to try', async () => {
    backend = installStandInBackend({
      flowsStatus: 503,
      flowsError: 'Loki is unreachable at http://loki.example:3100: connect ECONNREFUSED',
    });
    renderAt('/traffic-flows', <TrafficFlowsView />);
    expect(
      await screen.findByText('Loki is unreachable at http://loki.example:3100: connect ECONNREFUSED'),
    ).toBeInTheDocument();
    expect(screen.getByText('The flow store is unavailable')).toBeInTheDocument();
    expect(screen.getByText(/Check that Loki/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('the empty state offers a longer time range and clearing filters', async () => {
    backend = installStandInBackend({ records: [] });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows?filters=interfaces%3Dnet9', <TrafficFlowsView />);
    expect(await screen.findByText('No flows found')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Last 1 day' }));
    await waitFor(() => expect(search().get('timeRange')).toBe('86400'));
  });

  it('an unusable URL parameter is reported and the default used', async () => {
    backend = installStandInBackend({ records: [] });
    renderAt('/traffic-flows?limit=abc', <TrafficFlowsView />);
    expect(await screen.findByText(/unusable "limit" parameter/)).toBeInTheDocument();
    expect(
      screen.getByText('"limit" must be a whole number from 1 to 10000, not "abc".'),
    ).toBeInTheDocument();
    await waitFor(() => expect(backend!.flowRequests().at(-1)!.searchParams.get('limit')).toBe('100'));
  });

  it('every unusable URL parameter gets its own warning explained in catalog words', async () => {
    backend = installStandInBackend({ records: [] });
    renderAt(
      '/traffic-flows?filters=interfaces&match=some&limit=0&timeRange=-5&sort=Bytes&startTime=10',
      <TrafficFlowsView />,
    );
    await screen.findByText('No flows found');
    const explanations = Object.fromEntries(
      [...document.querySelectorAll('.pf-v6-c-alert.pf-m-warning')]
        // Only the URL warnings (the overview may warn about its own data).
        .filter((alert) =>
          /unusable "(\w+)" parameter/.test(alert.querySelector('.pf-v6-c-alert__title')!.textContent!),
        )
        .map((alert) => [
          /unusable "(\w+)" parameter/.exec(alert.querySelector('.pf-v6-c-alert__title')!.textContent!)![1],
          alert.querySelector('.pf-v6-c-alert__description')!.textContent,
        ]),
    );
    expect(explanations).toEqual({
      filters: 'The filter "interfaces" needs an operator (= != ~ !~) at position 10.',
      match: '"match" must be "all", "any" or "bidirectional", not "some".',
      startTime:
        '"startTime" and "endTime" must both be given in epoch seconds, with startTime before endTime.',
      timeRange: '"timeRange" must be a positive whole number of seconds, not "-5".',
      limit: '"limit" must be a whole number from 1 to 10000, not "0".',
      sort: '"sort" must look like "field:asc" or "field:desc", not "Bytes".',
    });
  });

  it('the URL warnings follow the language (Japanese catalog)', async () => {
    i18next.addResourceBundle('ja', I18N_NAMESPACE, ja);
    await act(() => i18next.changeLanguage('ja'));
    try {
      backend = installStandInBackend({ records: [] });
      renderAt('/traffic-flows?filters=netns%3Da%5C', <TrafficFlowsView />);
      const text = ja[
        'The filter "{{id}}" ends with a single backslash at position {{position}}; a backslash in a value is written as two.'
      ]
        .replace('{{id}}', 'netns')
        .replace('{{position}}', '7');
      expect(await screen.findByText(text)).toBeInTheDocument();
    } finally {
      cleanup();
      await i18next.changeLanguage('en');
    }
  });

  it('settings that come back as something other than JSON are explained in catalog words', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const standIn = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
      String(input).endsWith('/api/config')
        ? new Response('<html>Log in</html>', { status: 200 })
        : standIn(input, init)) as typeof fetch;
    renderAt('/traffic-flows', <TrafficFlowsView />);
    expect(
      await screen.findByText('The page settings could not be loaded; built-in defaults are used.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The backend answered /api/config with something that is not JSON.'),
    ).toBeInTheDocument();
    // the built-in defaults still show the flows
    expect(await screen.findAllByTestId('interflow-flow-row')).toHaveLength(1);
  });

  it('paginates large results', async () => {
    backend = installStandInBackend({ records: Array.from({ length: 120 }, (_, i) => flow(i)) });
    const user = userEvent.setup();
    renderAt('/traffic-flows?limit=500', <TrafficFlowsView />);
    expect(await screen.findAllByTestId('interflow-flow-row')).toHaveLength(50);
    await user.click(screen.getAllByRole('button', { name: 'Go to next page' })[0]!);
    expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(50);
    await user.click(screen.getAllByRole('button', { name: 'Go to next page' })[0]!);
    expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(20);
  });

  it('export downloads /api/flows/export for the current query with the visible columns', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const user = userEvent.setup();
    renderAt(
      '/traffic-flows?filters=interfaces%3Dnet1&limit=50&cols=TimeFlowEndMs%2CInterfaces',
      <TrafficFlowsView />,
    );
    await screen.findAllByTestId('interflow-flow-row');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Interface')).toBeChecked();
    expect(within(dialog).getByLabelText('Bytes')).not.toBeChecked();
    await user.click(within(dialog).getByLabelText('Bytes'));
    const link = within(dialog).getByRole('link', { name: 'Download CSV' }) as HTMLAnchorElement;
    const url = new URL(link.href);
    expect(url.pathname).toBe('/api/flows/export');
    expect(url.searchParams.get('filters')).toBe('interfaces=net1');
    expect(url.searchParams.get('format')).toBe('csv');
    expect(url.searchParams.get('columns')).toBe('TimeFlowEndMs,Interfaces,Bytes');
    expect(url.searchParams.has('limit')).toBe(false);
  });

  it('changing time range, limit and match writes the URL; back restores', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const user = userEvent.setup();
    const { search, back } = renderAt('/traffic-flows', <TrafficFlowsView />);
    await screen.findAllByTestId('interflow-flow-row');
    await user.selectOptions(screen.getByLabelText('Time range'), '3600');
    await waitFor(() => expect(search().get('timeRange')).toBe('3600'));
    await user.selectOptions(screen.getByLabelText('Row limit'), '1000');
    await waitFor(() => expect(search().get('limit')).toBe('1000'));
    await user.click(screen.getByRole('button', { name: 'Match any' }));
    await waitFor(() => expect(search().get('match')).toBe('any'));
    expect(backend.flowRequests().at(-1)!.searchParams.get('match')).toBe('any');
    act(() => void back());
    await waitFor(() => expect(search().get('match')).toBe('all'));
    expect(search().get('limit')).toBe('1000');
    expect(screen.getByRole('button', { name: 'Match all' })).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(backend!.flowRequests().at(-1)!.searchParams.get('match')).toBe('all'));
  });
});

describe('TrafficFlowsView toolbar details (stand-in backend API)', () => {
  it('a custom absolute time range goes to the URL as startTime/endTime', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows', <TrafficFlowsView />);
    await screen.findAllByTestId('interflow-flow-row');
    await user.selectOptions(screen.getByLabelText('Time range'), 'custom');
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');
    await user.clear(from);
    await user.type(from, '2026-01-02T03:04:05');
    await user.clear(to);
    await user.type(to, '2026-01-02T04:04:05');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    const start = Math.floor(new Date('2026-01-02T03:04:05').getTime() / 1000);
    await waitFor(() => expect(search().get('startTime')).toBe(String(start)));
    expect(search().get('endTime')).toBe(String(start + 3600));
    expect(search().has('timeRange')).toBe(false);
    await waitFor(() =>
      expect(backend!.flowRequests().at(-1)!.searchParams.get('startTime')).toBe(String(start)),
    );
  });

  it('a time range and row limit from the URL that are no presets are shown selected', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    renderAt('/traffic-flows?timeRange=1000&limit=250', <TrafficFlowsView />);
    await screen.findAllByTestId('interflow-flow-row');
    const range = screen.getByLabelText('Time range') as HTMLSelectElement;
    expect(range.value).toBe('1000');
    expect(range.selectedOptions[0]).toHaveTextContent('Last 1000s');
    const limit = screen.getByLabelText('Row limit') as HTMLSelectElement;
    expect(limit.value).toBe('250');
    expect([...limit.options].map((o) => o.value)).toEqual(['50', '100', '250', '500', '1000']);
  });

  it('the column chooser writes cols to the URL and the table follows', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows', <TrafficFlowsView />);
    await screen.findAllByTestId('interflow-flow-row');
    expect(screen.queryByRole('columnheader', { name: 'Source MAC' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Columns' }));
    await user.click(await screen.findByRole('checkbox', { name: /Source MAC/ }));
    await waitFor(() => expect(search().get('cols')?.split(',')).toContain('SrcMac'));
    expect(await screen.findByRole('columnheader', { name: /Source MAC/ })).toBeInTheDocument();
  });

  it('the value field suggests what /api/resources returns for the chosen filter', async () => {
    backend = installStandInBackend({
      records: [],
      resources: { interfaces: ['eth0', 'net1'], namespaces: ['team-a'] },
    });
    const user = userEvent.setup();
    renderAt('/traffic-flows', <TrafficFlowsView />);
    await screen.findByText('No flows found');
    const input = screen.getByLabelText('Filter value');
    const options = () =>
      [...document.querySelectorAll(`#${CSS.escape(input.getAttribute('list')!)} option`)].map((o) =>
        o.getAttribute('value'),
      );
    await waitFor(() => expect(options()).toEqual(['eth0', 'net1']));
    await user.selectOptions(screen.getByLabelText('Filter category'), 'src_namespace');
    await waitFor(() => expect(options()).toEqual(['team-a']));
  });

  it("suggestions come from the view's time range, say what each value is, and are asked once per range", async () => {
    backend = installStandInBackend({
      records: [],
      resources: {
        interfaces: {
          values: ['eth0', 'net1'],
          details: { net1: ['sriov-test/client', 'sriov-test/server'] },
        },
        netns: ['', 'cni-1'],
      },
    });
    const user = userEvent.setup();
    renderAt('/traffic-flows?startTime=1700000000&endTime=1700003600', <TrafficFlowsView />);
    await screen.findByText('No flows found');
    const input = screen.getByLabelText('Filter value');
    const options = () =>
      [...document.querySelectorAll(`#${CSS.escape(input.getAttribute('list')!)} option`)].map((o) => [
        o.getAttribute('value'),
        o.getAttribute('label'),
      ]);
    await waitFor(() =>
      expect(options()).toEqual([
        ['eth0', null],
        ['net1', 'net1 — sriov-test/client, sriov-test/server'],
      ]),
    );
    const asked = () => backend!.requests.filter((u) => u.pathname.startsWith('/api/resources/'));
    expect(asked().map((u) => `${u.pathname}?${u.searchParams}`)).toEqual([
      '/api/resources/interfaces?startTime=1700000000&endTime=1700003600',
    ]);
    const category = screen.getByLabelText('Filter category');
    await user.selectOptions(category, 'netns');
    await waitFor(() =>
      expect(options()).toEqual([
        ['', 'host'],
        ['cni-1', null],
      ]),
    );
    await user.selectOptions(category, 'interfaces');
    await waitFor(() => expect(options().map(([v]) => v)).toEqual(['eth0', 'net1']));
    expect(asked().map((u) => u.pathname)).toEqual(['/api/resources/interfaces', '/api/resources/netns']);
  });

  it('without filter definitions from /api/config the built-in ones still suggest values', async () => {
    backend = installStandInBackend({
      records: [],
      config: { filters: [] },
      resources: { interfaces: ['net1'], netns: ['cni-1'], nodes: ['worker-0'], namespaces: ['team-a'] },
    });
    const user = userEvent.setup();
    renderAt('/traffic-flows', <TrafficFlowsView />);
    await screen.findByText('No flows found');
    const input = screen.getByLabelText('Filter value');
    const options = () =>
      [...document.querySelectorAll(`#${CSS.escape(input.getAttribute('list')!)} option`)].map((o) =>
        o.getAttribute('value'),
      );
    const category = screen.getByLabelText('Filter category');
    for (const [id, values] of [
      ['interfaces', ['net1']],
      ['netns', ['cni-1']],
      ['host_name', ['worker-0']],
      ['namespace', ['team-a']],
      ['dst_namespace', ['team-a']],
      ['src_port', []],
    ] as const) {
      await user.selectOptions(category, id);
      await waitFor(() => expect(options(), id).toEqual(values));
    }
  });
});
