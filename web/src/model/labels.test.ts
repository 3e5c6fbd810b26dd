import i18next, { type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '@interflow/contract';
import { I18N_NAMESPACE } from '../i18n/use-t.ts';
import { columnLabel } from './labels.ts';

describe('column labels', () => {
  it('every column of the contract has words of its own in the catalog', () => {
    const t = i18next.getFixedT('en', I18N_NAMESPACE) as unknown as TFunction;
    const fallback = '\u0000';
    for (const column of COLUMNS) {
      const label = columnLabel(t, column.id, fallback);
      expect(label, column.id).not.toBe(fallback);
      expect(label.trim(), column.id).not.toBe('');
    }
    expect(columnLabel(t, 'NetObservOnly', 'Given by the backend')).toBe('Given by the backend');
  });
});
