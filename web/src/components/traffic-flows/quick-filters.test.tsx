// Quick filters (issue 16, item 4) against the stand-in backend API (jsdom): the configuration's
// quick filters are switches that add and remove their filters, the ones configured as default
// are on when the page opens without a view, and "Reset to defaults" puts them back.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { QuickFilter } from '@interflow/contract';
import { flow, installStandInBackend, type StandInBackend } from '../../../test/stand-in-backend.ts';
import { renderAt } from '../../../test/render-view.tsx';
import { TrafficFlowsView } from './TrafficFlowsView.tsx';

let backend: StandInBackend | null = null;
afterEach(() => backend?.restore());

const rows = () => screen.queryAllByTestId('interflow-flow-row');
const quickSwitch = (name: string) =>
  within(screen.getByRole('group', { name: 'Quick filters' })).getByRole('switch', { name });

// Two records of an SR-IOV pod's net1 (its owner gives it a network name), three of the node's eth0.
const records = [
  flow(0, { Interfaces: ['net1'], IfK8S_Name: 'sriov-client', IfK8S_NetworkName: 'sriov-test/sriov-net' }),
  flow(1, { Interfaces: ['eth0'] }),
  flow(2, { Interfaces: ['net1'], IfK8S_Name: 'sriov-server', IfK8S_NetworkName: 'sriov-test/sriov-net' }),
  flow(3, { Interfaces: ['eth0'] }),
  flow(5, { Interfaces: ['eth0'], Proto: 17 }),
];

const CONFIGURED: QuickFilter[] = [
  { id: 'net1', name: 'net1 only', filters: 'interfaces=net1', default: true },
  { id: 'udp', name: 'UDP', filters: 'protocol=udp', default: false },
];

describe('quick filters (stand-in backend API)', () => {
  it('the built-in "Pod secondary interfaces" switch adds its filter, and removes it again', async () => {
    backend = installStandInBackend({ records });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows?filters=protocol%3Dtcp', <TrafficFlowsView />);
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(quickSwitch('Pod secondary interfaces')).not.toBeChecked();
    await user.click(quickSwitch('Pod secondary interfaces'));
    await waitFor(() => expect(search().get('filters')).toBe('protocol=tcp;if_network!='));
    await waitFor(() => expect(rows()).toHaveLength(2));
    for (const row of rows()) expect(row).toHaveTextContent('net1');
    expect(quickSwitch('Pod secondary interfaces')).toBeChecked();
    expect(backend.flowRequests().at(-1)!.searchParams.get('filters')).toBe('protocol=tcp;if_network!=');
    await user.click(quickSwitch('Pod secondary interfaces'));
    // the filter added by hand stays
    await waitFor(() => expect(search().get('filters')).toBe('protocol=tcp'));
    await waitFor(() => expect(rows()).toHaveLength(4));
  });

  it('a page opened without a view starts with the default quick filters; Reset to defaults puts them back', async () => {
    backend = installStandInBackend({ records, config: { quickFilters: CONFIGURED } });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows', <TrafficFlowsView />);
    await waitFor(() => expect(search().get('filters')).toBe('interfaces=net1'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(quickSwitch('net1 only')).toBeChecked();
    expect(quickSwitch('UDP')).not.toBeChecked();
    const reset = screen.getByRole('button', { name: 'Reset to defaults' });
    expect(reset).toBeDisabled();

    await user.click(quickSwitch('net1 only'));
    await user.click(quickSwitch('UDP'));
    await waitFor(() => expect(search().get('filters')).toBe('protocol=udp'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    await user.type(screen.getByLabelText('Filter value'), 'eth0{Enter}');
    await waitFor(() => expect(search().get('filters')).toBe('protocol=udp;interfaces=eth0'));

    await user.click(screen.getByRole('button', { name: 'Reset to defaults' }));
    // UDP off, net1 on again; the filter typed by hand stays
    await waitFor(() => expect(search().get('filters')).toBe('interfaces=eth0;interfaces=net1'));
    expect(quickSwitch('net1 only')).toBeChecked();
    expect(quickSwitch('UDP')).not.toBeChecked();
    expect(screen.getByRole('button', { name: 'Reset to defaults' })).toBeDisabled();
  });

  it('a link with a view keeps its own filters: the defaults are not added to it', async () => {
    backend = installStandInBackend({ records, config: { quickFilters: CONFIGURED } });
    const { search } = renderAt('/traffic-flows?timeRange=900', <TrafficFlowsView />);
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(quickSwitch('net1 only')).not.toBeChecked();
    expect(search().has('filters')).toBe(false);
  });
});
