// One row per flow (`dedup` in the URL) and filters switched off without deleting them
// (`disabledFilters`), against the stand-in backend API (jsdom).
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { flow, installStandInBackend, type StandInBackend } from '../../../test/stand-in-backend.ts';
import { renderAt } from '../../../test/render-view.tsx';
import { TrafficFlowsView } from './TrafficFlowsView.tsx';

let backend: StandInBackend | null = null;
afterEach(() => backend?.restore());

// One flow seen leaving pod-a's net1 and entering pod-b's net1, and another flow.
const records = [
  flow(0, { IfK8S_Name: 'pod-a', Interfaces: ['net1'], IfDirections: [1], Bytes: 4096 }),
  flow(0, {
    IfK8S_Name: 'pod-b',
    Interfaces: ['net1'],
    IfDirections: [0],
    Bytes: 4000,
    K8S_HostName: 'node-b',
  }),
  flow(5, { IfK8S_Name: 'pod-a' }),
];

describe('one row per flow and filters switched off', () => {
  it('dedup=true merges the flow seen on two interfaces into one row listing both with their bytes', async () => {
    backend = installStandInBackend({ records });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows?dedup=true', <TrafficFlowsView />);
    await waitFor(() => expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(2));
    const merged = screen.getAllByTestId('interflow-flow-row').find((r) => r.textContent?.includes('pod-b'));
    expect(merged).toHaveTextContent('net1@pod-a egress (4.0 KiB), net1@pod-b ingress (3.9 KiB)');
    expect(screen.getByText(/2 flows \(one row per flow, from 3 records\)/)).toBeInTheDocument();
    // the default is one row per record
    await user.click(screen.getByLabelText('One row per flow'));
    await waitFor(() => expect(search().has('dedup')).toBe(false));
    await waitFor(() => expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(3));
  });

  it('a chip switched off stays listed and in the URL, and leaves the query until switched on', async () => {
    backend = installStandInBackend({ records });
    const user = userEvent.setup();
    const { search } = renderAt('/traffic-flows?filters=if_owner%3Dpod-b', <TrafficFlowsView />);
    await waitFor(() => expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'Switch off filter Interface owner pod' }));
    await waitFor(() => expect(search().get('disabledFilters')).toBe('if_owner=pod-b'));
    expect(search().has('filters')).toBe(false);
    await waitFor(() => expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(3));
    expect(backend.flowRequests().at(-1)!.searchParams.has('filters')).toBe(false);
    expect(screen.getByRole('group', { name: 'Active filters' })).toHaveTextContent('(off)');
    await user.click(screen.getByRole('button', { name: 'Switch on filter Interface owner pod' }));
    await waitFor(() => expect(search().get('filters')).toBe('if_owner=pod-b'));
    expect(search().has('disabledFilters')).toBe(false);
    await waitFor(() => expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(1));
  });
});
