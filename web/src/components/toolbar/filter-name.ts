// Filter names in the user's language, and the filter definitions used before /api/config answers.
import type { TFunction } from 'i18next';
import { FILTER_SPECS } from '@interflow/contract';
import type { FilterDef } from '../../api/types.ts';

/**
 * Display name of a filter id, translated for the contract's filter ids (a test checks every
 * one has its words); else the backend's name. Each case passes a literal to t() so
 * i18next-parser finds it.
 */
export function filterName(t: TFunction, def: Pick<FilterDef, 'id' | 'name'>): string {
  switch (def.id) {
    case 'interfaces':
      return t('Network interface name');
    case 'ifdirections':
      return t('Interface direction');
    case 'netns':
      return t('Network namespace');
    case 'if_owner_namespace':
      return t('Interface owner namespace');
    case 'if_owner':
      return t('Interface owner pod');
    case 'if_network':
      return t('Interface network');
    case 'pod_namespace':
      return t('Pod namespace');
    case 'pod':
      return t('Pod');
    case 'network':
      return t('Network');
    case 'src_network':
      return t('Source network');
    case 'dst_network':
      return t('Destination network');
    case 'namespace':
      return t('Namespace');
    case 'src_namespace':
      return t('Source namespace');
    case 'dst_namespace':
      return t('Destination namespace');
    case 'name':
      return t('Name');
    case 'src_name':
      return t('Source name');
    case 'dst_name':
      return t('Destination name');
    case 'kind':
      return t('Kind');
    case 'src_kind':
      return t('Source kind');
    case 'dst_kind':
      return t('Destination kind');
    case 'owner_name':
      return t('Owner');
    case 'src_owner_name':
      return t('Source owner');
    case 'dst_owner_name':
      return t('Destination owner');
    case 'address':
      return t('IP address');
    case 'src_address':
      return t('Source IP');
    case 'dst_address':
      return t('Destination IP');
    case 'port':
      return t('Port');
    case 'src_port':
      return t('Source port');
    case 'dst_port':
      return t('Destination port');
    case 'mac':
      return t('MAC address');
    case 'src_mac':
      return t('Source MAC');
    case 'dst_mac':
      return t('Destination MAC');
    case 'protocol':
      return t('Protocol');
    case 'node_direction':
      return t('Node direction');
    case 'host_name':
      return t('Node');
    default:
      return def.name || def.id;
  }
}

/** The contract's filter definitions, used until /api/config answers (or when it fails). */
export const FALLBACK_FILTER_DEFS: readonly FilterDef[] = FILTER_SPECS.map(
  ({ id, name, description, autocomplete, examples }) => ({ id, name, description, autocomplete, examples }),
);
