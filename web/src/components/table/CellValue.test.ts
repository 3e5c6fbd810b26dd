import { describe, expect, it } from 'vitest';
import i18next, { type TFunction } from 'i18next';
import type { StoredFlowRecord } from '../../api/types.ts';
import { I18N_NAMESPACE } from '../../i18n/use-t.ts';
import { formatValue } from './CellValue.tsx';

const t = i18next.getFixedT('en', I18N_NAMESPACE) as unknown as TFunction;
const record = (patch: Partial<StoredFlowRecord>) => patch as StoredFlowRecord;

describe('formatValue', () => {
  it('names protocols; an ARP frame (Proto 0, EtherType 0x0806) is ARP, another Proto 0 is "—"', () => {
    expect(formatValue(t, 'Proto', 6, record({ Etype: 0x0800 }))).toBe('TCP');
    expect(formatValue(t, 'Proto', 0, record({ Etype: 0x0806 }))).toBe('ARP');
    expect(formatValue(t, 'Proto', 0, record({ Etype: 0x88cc }))).toBe('—');
    expect(formatValue(t, 'Proto', 0)).toBe('—');
  });

  it('words directions and the host namespace as the table does', () => {
    expect(formatValue(t, 'IfDirections', 1)).toBe('Egress');
    expect(formatValue(t, 'IfNetns', '')).toBe('host');
  });
});
