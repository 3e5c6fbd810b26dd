// Translated names for columns and direction values. Every call passes a string literal so i18next-parser finds it.
import type { TFunction } from 'i18next';
import type { FlowField } from './fields.ts';

/**
 * Words for every field of the contract's record, keyed by field (a field renamed or added in
 * the contract is a compile error here until it has words).
 */
const COLUMN_LABELS: { readonly [F in FlowField]-?: (t: TFunction) => string } = {
  TimeFlowEndMs: (t) => t('Time'),
  TimeFlowStartMs: (t) => t('Start time'),
  TimeReceived: (t) => t('Received'),
  SrcK8S_Name: (t) => t('Source name'),
  SrcK8S_Namespace: (t) => t('Source namespace'),
  SrcK8S_Type: (t) => t('Source kind'),
  SrcK8S_OwnerName: (t) => t('Source owner'),
  SrcK8S_OwnerType: (t) => t('Source owner kind'),
  SrcK8S_NetworkName: (t) => t('Source network'),
  SrcK8S_HostName: (t) => t('Source node'),
  SrcAddr: (t) => t('Source IP'),
  SrcPort: (t) => t('Source port'),
  SrcMac: (t) => t('Source MAC'),
  DstK8S_Name: (t) => t('Destination name'),
  DstK8S_Namespace: (t) => t('Destination namespace'),
  DstK8S_Type: (t) => t('Destination kind'),
  DstK8S_OwnerName: (t) => t('Destination owner'),
  DstK8S_OwnerType: (t) => t('Destination owner kind'),
  DstK8S_NetworkName: (t) => t('Destination network'),
  DstK8S_HostName: (t) => t('Destination node'),
  DstAddr: (t) => t('Destination IP'),
  DstPort: (t) => t('Destination port'),
  DstMac: (t) => t('Destination MAC'),
  Proto: (t) => t('Protocol'),
  Interfaces: (t) => t('Interface'),
  IfNetns: (t) => t('Interface netns'),
  IfDirections: (t) => t('Interface direction'),
  FlowDirection: (t) => t('Node direction'),
  Bytes: (t) => t('Bytes'),
  Packets: (t) => t('Packets'),
  Etype: (t) => t('Ethertype'),
  Dscp: (t) => t('DSCP'),
  Flags: (t) => t('TCP flags'),
  AgentIP: (t) => t('Agent IP'),
  K8S_HostName: (t) => t('Node'),
  IfK8S_Namespace: (t) => t('Interface owner namespace'),
  IfK8S_Name: (t) => t('Interface owner'),
  IfK8S_NetworkName: (t) => t('Interface network'),
};

/** Column title of a record field; fields the contract does not know show `fallback` or the id. */
export function columnLabel(t: TFunction, id: string, fallback?: string): string {
  return Object.hasOwn(COLUMN_LABELS, id) ? COLUMN_LABELS[id as FlowField](t) : (fallback ?? id);
}

export function directionLabel(t: TFunction, value: number, node = false): string {
  if (value === 0) return t('Ingress');
  if (value === 1) return t('Egress');
  if (node && value === 2) return t('Inner');
  return String(value);
}

/**
 * An interface with the direction the flow crossed it (the element at the same index of
 * IfDirections): `net1 (egress)`. The name alone when the direction is not 0 or 1.
 */
export function interfaceWithDirection(t: TFunction, name: string, direction: unknown): string {
  if (direction === 0) return `${name} (${t('ingress')})`;
  if (direction === 1) return `${name} (${t('egress')})`;
  return name;
}

export function operatorLabel(t: TFunction, op: string): string {
  switch (op) {
    case '=':
      return t('equals');
    case '!=':
      return t('does not equal');
    case '~':
      return t('contains');
    case '!~':
      return t('does not contain');
    default:
      return op;
  }
}
