import type { TFunction } from 'i18next';
import type { AutocompleteKind, FilterDef } from '../../api/types.ts';

/** Display name of a filter id, translated for the ids DESIGN.md names; else the backend's name. */
export function filterName(t: TFunction, def: Pick<FilterDef, 'id' | 'name'>): string {
  switch (def.id) {
    case 'interfaces':
      return t('Network interface name');
    case 'ifdirections':
      return t('Interface direction');
    case 'netns':
      return t('Network namespace');
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

/** Which /api/resources kind suggests values for a filter, until /api/config says. */
const FALLBACK_AUTOCOMPLETE: Readonly<Record<string, AutocompleteKind>> = {
  interfaces: 'interfaces',
  netns: 'netns',
  host_name: 'nodes',
  namespace: 'namespaces',
  src_namespace: 'namespaces',
  dst_namespace: 'namespaces',
};

/** The filters DESIGN.md lists, used until /api/config answers (or when it fails). */
export const FALLBACK_FILTER_DEFS: FilterDef[] = [
  'interfaces',
  'ifdirections',
  'netns',
  'namespace',
  'src_namespace',
  'dst_namespace',
  'name',
  'src_name',
  'dst_name',
  'kind',
  'src_kind',
  'dst_kind',
  'address',
  'src_address',
  'dst_address',
  'port',
  'src_port',
  'dst_port',
  'mac',
  'src_mac',
  'dst_mac',
  'protocol',
  'node_direction',
  'host_name',
].map((id) => ({
  id,
  name: id,
  description: '',
  autocomplete: FALLBACK_AUTOCOMPLETE[id] ?? null,
  examples: [],
}));
