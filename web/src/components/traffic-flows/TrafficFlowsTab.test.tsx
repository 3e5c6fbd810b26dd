import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFilters, parseFilters } from '@interflow/contract';
import { flow, installStandInBackend, type StandInBackend } from '../../../test/stand-in-backend.ts';
import { renderAt } from '../../../test/render-view.tsx';
import TrafficFlowsTab, { filtersForObject, interfaceFiltersForObject } from './TrafficFlowsTab.tsx';

let backend: StandInBackend | null = null;
afterEach(() => backend?.restore());

describe('TrafficFlowsTab (Pod and Namespace details, stand-in backend API)', () => {
  it('maps the object to filters', () => {
    expect(filtersForObject({ kind: 'Namespace', metadata: { name: 'team-a' } })).toEqual([
      { id: 'namespace', operator: '=', values: ['team-a'] },
    ]);
    // a pod as source, destination or interface owner
    expect(filtersForObject({ kind: 'Pod', metadata: { name: 'p,1', namespace: 'n;s' } })).toEqual([
      { id: 'pod_namespace', operator: '=', values: ['n;s'] },
      { id: 'pod', operator: '=', values: ['p,1'] },
    ]);
    expect(filtersForObject(undefined)).toEqual([]);
    // the backend reads them with the contract's definitions: known ids, values kept as given
    const pod = filtersForObject({ kind: 'Pod', metadata: { name: 'p,1', namespace: 'n;s' } });
    expect(parseFilters(encodeFilters(pod))).toEqual(pod);
  });

  it('a Namespace tab asks for that namespace and links to the full page with the same view', async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    renderAt(
      '/k8s/cluster/namespaces/team-a/interflow-traffic-flows',
      <TrafficFlowsTab obj={{ kind: 'Namespace', metadata: { name: 'team-a' } }} />,
    );
    await waitFor(() =>
      expect(backend!.flowRequests().at(-1)?.searchParams.get('filters')).toBe('namespace=team-a'),
    );
    const link = screen.getByRole('link', { name: 'Open in Traffic Flows' });
    const url = new URL(link.getAttribute('href')!, 'http://console');
    expect(url.pathname).toBe('/traffic-flows');
    expect(url.searchParams.get('filters')).toBe('namespace=team-a');
  });

  it('a URL with a view wins over the pre-filter (the tab state is shareable too)', async () => {
    backend = installStandInBackend({ records: [] });
    renderAt(
      '/k8s/ns/test/pods/p/interflow-traffic-flows?filters=interfaces%3Dnet1',
      <TrafficFlowsTab obj={{ kind: 'Pod', metadata: { name: 'p', namespace: 'test' } }} />,
    );
    await waitFor(() =>
      expect(backend!.flowRequests().at(-1)?.searchParams.get('filters')).toBe('interfaces=net1'),
    );
  });

  it('maps the object to the interfaces it owns', () => {
    expect(
      encodeFilters(interfaceFiltersForObject({ kind: 'Pod', metadata: { name: 'p', namespace: 'n' } })),
    ).toBe('if_owner_namespace=n;if_owner=p');
    expect(encodeFilters(interfaceFiltersForObject({ kind: 'Namespace', metadata: { name: 'n' } }))).toBe(
      'if_owner_namespace=n',
    );
    expect(encodeFilters(interfaceFiltersForObject({ kind: 'Node', metadata: { name: 'w0' } }))).toBe(
      'host_name=w0',
    );
    expect(encodeFilters(filtersForObject({ kind: 'Node', metadata: { name: 'w0' } }))).toBe('host_name=w0');
  });

  it('maps a Deployment, StatefulSet or DaemonSet to its pods as source or destination (their owner), in its namespace', () => {
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'])
      expect(encodeFilters(filtersForObject({ kind, metadata: { name: 'web', namespace: 'shop' } }))).toBe(
        'namespace=shop;owner_name=web',
      );
    // No record names an interface's workload: its Interfaces tab shows its namespace's interfaces.
    expect(
      encodeFilters(
        interfaceFiltersForObject({ kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }),
      ),
    ).toBe('if_owner_namespace=shop');
  });

  it("a Deployment tab (stand-in backend) asks for its pods' flows", async () => {
    backend = installStandInBackend({ records: [flow(0)] });
    renderAt(
      '/k8s/ns/shop/deployments/web/interflow-traffic-flows',
      <TrafficFlowsTab obj={{ kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }} />,
    );
    await waitFor(() =>
      expect(backend!.flowRequests().at(-1)?.searchParams.get('filters')).toBe(
        'namespace=shop;owner_name=web',
      ),
    );
  });

  it('a Pod tab (stand-in backend) shows the flows on interfaces the pod owns as well as those it sends or receives', async () => {
    backend = installStandInBackend({
      records: [
        flow(1, { SrcK8S_Namespace: 'test', SrcK8S_Name: 'p', SrcAddr: '10.0.0.11' }),
        // forwarded by the pod's net1: neither end is the pod
        flow(2, { IfK8S_Namespace: 'test', IfK8S_Name: 'p', SrcAddr: '10.0.0.12' }),
        flow(3, { SrcK8S_Namespace: 'other', SrcK8S_Name: 'q', SrcAddr: '10.0.0.13' }),
      ],
    });
    renderAt(
      '/k8s/ns/test/pods/p/interflow-traffic-flows',
      <TrafficFlowsTab obj={{ kind: 'Pod', metadata: { name: 'p', namespace: 'test' } }} />,
    );
    await waitFor(() =>
      expect(backend!.flowRequests().at(-1)?.searchParams.get('filters')).toBe('pod_namespace=test;pod=p'),
    );
    await waitFor(() => expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(2));
    expect(screen.getByText('10.0.0.11')).toBeTruthy();
    expect(screen.getByText('10.0.0.12')).toBeTruthy();
    expect(screen.queryByText('10.0.0.13')).toBeNull();
  });

  it("a Pod tab's Interfaces tab (stand-in backend) asks for the pod's own interfaces, keeping other filters", async () => {
    backend = installStandInBackend({ records: [] });
    renderAt(
      '/k8s/ns/test/pods/p/interflow-traffic-flows?filters=pod_namespace%3Dtest%3Bpod%3Dp%3Binterfaces%3Dnet1&tab=interfaces',
      <TrafficFlowsTab obj={{ kind: 'Pod', metadata: { name: 'p', namespace: 'test' } }} />,
    );
    await waitFor(() =>
      expect(
        backend!.requests
          .filter((u) => u.pathname.endsWith('/api/interfaces'))
          .at(-1)
          ?.searchParams.get('filters'),
      ).toBe('if_owner_namespace=test;if_owner=p;interfaces=net1'),
    );
  });
});
