// The columns the page can show and the export can write. Column ids are record field names
// (docs/design.md), so `cols` in the page URL and `columns` of the export use them directly.

import type { FlowRecord } from './flow-record.ts';

export interface ColumnDef {
  /** A record field name. */
  id: string;
  name: string;
  defaultVisible: boolean;
}

const col = (id: keyof FlowRecord, name: string, defaultVisible = false): ColumnDef => ({
  id,
  name,
  defaultVisible,
});

export const COLUMNS: readonly ColumnDef[] = [
  col('TimeFlowEndMs', 'End time', true),
  col('TimeFlowStartMs', 'Start time'),
  col('TimeReceived', 'Received time'),
  col('Interfaces', 'Interfaces', true),
  col('IfDirections', 'Interface directions', true),
  col('IfNetns', 'Network namespaces', true),
  col('IfK8S_Namespace', 'Interface owner namespace'),
  col('IfK8S_Name', 'Interface owner', true), // whose net1 this is: the point of Interflow
  col('IfK8S_NetworkName', 'Interface network'),
  col('SrcK8S_Name', 'Source name', true),
  col('SrcK8S_Namespace', 'Source namespace', true),
  col('SrcK8S_Type', 'Source kind'),
  col('SrcK8S_OwnerName', 'Source owner'),
  col('SrcK8S_OwnerType', 'Source owner kind'),
  col('SrcK8S_HostName', 'Source node'),
  col('SrcK8S_NetworkName', 'Source network'),
  col('SrcAddr', 'Source address', true),
  col('SrcPort', 'Source port', true),
  col('SrcMac', 'Source MAC'),
  col('DstK8S_Name', 'Destination name', true),
  col('DstK8S_Namespace', 'Destination namespace', true),
  col('DstK8S_Type', 'Destination kind'),
  col('DstK8S_OwnerName', 'Destination owner'),
  col('DstK8S_OwnerType', 'Destination owner kind'),
  col('DstK8S_HostName', 'Destination node'),
  col('DstK8S_NetworkName', 'Destination network'),
  col('DstAddr', 'Destination address', true),
  col('DstPort', 'Destination port', true),
  col('DstMac', 'Destination MAC'),
  col('Proto', 'Protocol', true),
  col('Etype', 'Ethertype'),
  col('Dscp', 'DSCP'),
  col('Flags', 'TCP flags'),
  col('Bytes', 'Bytes', true),
  col('Packets', 'Packets', true),
  col('FlowDirection', 'Node direction'),
  col('K8S_HostName', 'Node', true),
  col('AgentIP', 'Agent IP'),
];

export const COLUMN_IDS: ReadonlySet<string> = new Set(COLUMNS.map((c) => c.id));
export const DEFAULT_COLUMNS: string[] = COLUMNS.filter((c) => c.defaultVisible).map((c) => c.id);
