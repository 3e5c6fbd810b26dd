// "Traffic Flows" tab of Pod, Namespace and Node details: the same view pre-filtered to that
// object; its Interfaces tab shows the interfaces the object owns (a pod's, a namespace's pods',
// a node's).
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

export function filtersForObject(obj: TabObject | undefined): Filter[] {
  const name = obj?.metadata?.name;
  if (!name) return [];
  if (obj?.kind === 'Namespace') return [{ id: 'namespace', operator: '=', values: [name] }];
  if (obj?.kind === 'Node') return [{ id: 'host_name', operator: '=', values: [name] }];
  const filters: Filter[] = [];
  if (obj?.metadata?.namespace)
    filters.push({ id: 'namespace', operator: '=', values: [obj.metadata.namespace] });
  filters.push({ id: 'name', operator: '=', values: [name] });
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
