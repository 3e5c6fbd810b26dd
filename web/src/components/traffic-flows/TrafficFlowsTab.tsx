// "Traffic Flows" tab of Pod, Namespace, Node, Deployment, StatefulSet and DaemonSet details: the
// same view pre-filtered to that object; its Interfaces tab shows the interfaces the object owns
// (a pod's, a namespace's pods', a node's; for a workload, its namespace's: an interface record
// names its pod, not the pod's workload).
import { useMemo } from 'react';
import { PageSection } from '@patternfly/react-core';
import type { Filter } from '@interflow/contract';
import { DEFAULT_VIEW, type ViewState } from '../../model/view.ts';
import { TrafficFlowsView } from './TrafficFlowsView.tsx';
import '../../styles/interflow.css';

/** The part of a Kubernetes object the tab needs (the console passes the whole object as `obj`). */
export interface TabObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/** Kinds whose pods carry the object's name as their owner (SrcK8S_OwnerName / DstK8S_OwnerName). */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export function filtersForObject(obj: TabObject | undefined): Filter[] {
  const name = obj?.metadata?.name;
  if (!name) return [];
  if (obj?.kind && WORKLOAD_KINDS.has(obj.kind)) {
    // Every pod of the workload, as source or destination: the enricher names a ReplicaSet's
    // Deployment as its pods' owner, as NetObserv does.
    const filters: Filter[] = [];
    if (obj.metadata?.namespace)
      filters.push({ id: 'namespace', operator: '=', values: [obj.metadata.namespace] });
    filters.push({ id: 'owner_name', operator: '=', values: [name] });
    return filters;
  }
  if (obj?.kind === 'Namespace') return [{ id: 'namespace', operator: '=', values: [name] }];
  if (obj?.kind === 'Node') return [{ id: 'host_name', operator: '=', values: [name] }];
  // A pod: as source, destination or owner of the interface (its net1 forwarding for others too).
  const filters: Filter[] = [];
  if (obj?.metadata?.namespace)
    filters.push({ id: 'pod_namespace', operator: '=', values: [obj.metadata.namespace] });
  filters.push({ id: 'pod', operator: '=', values: [name] });
  return filters;
}

/** The interfaces an object owns, as filters of /api/interfaces. */
export function interfaceFiltersForObject(obj: TabObject | undefined): Filter[] {
  const name = obj?.metadata?.name;
  if (!name) return [];
  if (obj?.kind === 'Namespace') return [{ id: 'if_owner_namespace', operator: '=', values: [name] }];
  if (obj?.kind === 'Node') return [{ id: 'host_name', operator: '=', values: [name] }];
  const filters: Filter[] = [];
  if (obj?.metadata?.namespace)
    filters.push({ id: 'if_owner_namespace', operator: '=', values: [obj.metadata.namespace] });
  // A workload's interfaces: its namespace's (no record names an interface's workload yet).
  if (obj?.kind && WORKLOAD_KINDS.has(obj.kind)) return filters;
  filters.push({ id: 'if_owner', operator: '=', values: [name] });
  return filters;
}

export default function TrafficFlowsTab({ obj }: { obj?: TabObject }) {
  const initialView = useMemo<ViewState>(() => ({ ...DEFAULT_VIEW, filters: filtersForObject(obj) }), [obj]);
  // On the Interfaces tab the object's flow filters (source or destination) become its own interfaces.
  const interfacesView = useMemo(() => {
    const ownFilters = filtersForObject(obj).map((f) => JSON.stringify(f));
    const owned = interfaceFiltersForObject(obj);
    return (view: ViewState): ViewState => ({
      ...view,
      filters: [...owned, ...view.filters.filter((f) => !ownFilters.includes(JSON.stringify(f)))],
    });
  }, [obj]);
  return (
    <PageSection className="interflow-page">
      <TrafficFlowsView initialView={initialView} interfacesView={interfacesView} linkToPage />
    </PageSection>
  );
}
