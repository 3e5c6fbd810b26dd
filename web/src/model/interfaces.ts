// The Interfaces tab's model: rows grouped by node, then by pod (or namespace when no pod owns
// it), and the flows view of one interface.
import type { Filter } from '@interflow/contract';
import type { InterfaceRow } from '../api/types.ts';
import type { ViewState } from './view.ts';

export interface InterfaceGroup {
  /** Stable key: node, namespace inode. */
  key: string;
  netns: string;
  pod: { namespace: string; name: string } | undefined;
  rows: InterfaceRow[];
}

export interface NodeGroup {
  node: string;
  groups: InterfaceGroup[];
}

/** Groups rows (already sorted by node, pod, namespace, interface) keeping their order. */
export function groupInterfaces(rows: readonly InterfaceRow[]): NodeGroup[] {
  const nodes: NodeGroup[] = [];
  for (const row of rows) {
    let node = nodes[nodes.length - 1];
    if (!node || node.node !== row.K8S_HostName) nodes.push((node = { node: row.K8S_HostName, groups: [] }));
    const key = `${row.K8S_HostName}/${row.NetnsInode}`;
    let group = node.groups.find((g) => g.key === key);
    if (!group) {
      group = {
        key,
        netns: row.IfNetns[0] ?? '',
        pod:
          row.IfK8S_Name !== undefined
            ? { namespace: row.IfK8S_Namespace ?? '', name: row.IfK8S_Name }
            : undefined,
        rows: [],
      };
      node.groups.push(group);
    }
    // A pod learned from one interface names the whole namespace.
    if (!group.pod && row.IfK8S_Name !== undefined)
      group.pod = { namespace: row.IfK8S_Namespace ?? '', name: row.IfK8S_Name };
    group.rows.push(row);
  }
  return nodes;
}

/** The flows of one interface: its name, namespace and node as filters, the rest of the view kept. */
export function flowsViewOf(view: ViewState, row: InterfaceRow): ViewState {
  const filters: Filter[] = [
    { id: 'interfaces', operator: '=', values: [row.Interfaces[0] ?? ''] },
    { id: 'netns', operator: '=', values: [row.IfNetns[0] ?? ''] },
    { id: 'host_name', operator: '=', values: [row.K8S_HostName] },
  ];
  return { ...view, filters, match: 'all' };
}
