// Translated names for columns and direction values. Every call passes a string literal so i18next-parser finds it.
import type { TFunction } from 'i18next';

export function columnLabel(t: TFunction, id: string, fallback?: string): string {
  switch (id) {
    case 'TimeFlowEndMs':
      return t('Time');
    case 'TimeFlowStartMs':
      return t('Start time');
    case 'TimeReceived':
      return t('Received');
    case 'SrcK8S_Name':
      return t('Source name');
    case 'SrcK8S_Namespace':
      return t('Source namespace');
    case 'SrcK8S_Type':
      return t('Source kind');
    case 'SrcK8S_OwnerName':
      return t('Source owner');
    case 'SrcK8S_OwnerType':
      return t('Source owner kind');
    case 'SrcK8S_NetworkName':
      return t('Source network');
    case 'SrcK8S_HostName':
      return t('Source node');
    case 'SrcAddr':
      return t('Source IP');
    case 'SrcPort':
      return t('Source port');
    case 'SrcMac':
      return t('Source MAC');
    case 'DstK8S_Name':
      return t('Destination name');
    case 'DstK8S_Namespace':
      return t('Destination namespace');
    case 'DstK8S_Type':
      return t('Destination kind');
    case 'DstK8S_OwnerName':
      return t('Destination owner');
    case 'DstK8S_OwnerType':
      return t('Destination owner kind');
    case 'DstK8S_NetworkName':
      return t('Destination network');
    case 'DstK8S_HostName':
      return t('Destination node');
    case 'DstAddr':
      return t('Destination IP');
    case 'DstPort':
      return t('Destination port');
    case 'DstMac':
      return t('Destination MAC');
    case 'Proto':
      return t('Protocol');
    case 'Interfaces':
      return t('Interface');
    case 'IfNetns':
      return t('Interface netns');
    case 'IfDirections':
      return t('Interface direction');
    case 'FlowDirection':
      return t('Node direction');
    case 'Bytes':
      return t('Bytes');
    case 'Packets':
      return t('Packets');
    case 'Etype':
      return t('Ethertype');
    case 'Dscp':
      return t('DSCP');
    case 'Flags':
      return t('TCP flags');
    case 'AgentIP':
      return t('Agent IP');
    case 'K8S_HostName':
      return t('Node');
    case 'IfK8S_Namespace':
      return t('Interface owner namespace');
    case 'IfK8S_Name':
      return t('Interface owner');
    case 'IfK8S_NetworkName':
      return t('Interface network');
    default:
      return fallback ?? id;
  }
}

export function directionLabel(t: TFunction, value: number, node = false): string {
  if (value === 0) return t('Ingress');
  if (value === 1) return t('Egress');
  if (node && value === 2) return t('Inner');
  return String(value);
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
