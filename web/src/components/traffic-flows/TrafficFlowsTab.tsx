// "Traffic Flows" tab of Pod and Namespace details: the same view pre-filtered to that object.
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
  const filters: Filter[] = [];
  if (obj?.metadata?.namespace)
    filters.push({ id: 'namespace', operator: '=', values: [obj.metadata.namespace] });
  filters.push({ id: 'name', operator: '=', values: [name] });
  return filters;
}

export default function TrafficFlowsTab({ obj }: { obj?: TabObject }) {
  const initialView = useMemo<ViewState>(() => ({ ...DEFAULT_VIEW, filters: filtersForObject(obj) }), [obj]);
  return (
    <PageSection className="interflow-page">
      <TrafficFlowsView initialView={initialView} linkToPage />
    </PageSection>
  );
}
