import { describe, expect, it } from 'vitest';
import type { Filter, QuickFilter } from '@interflow/contract';
import {
  isQuickFilterOn,
  quickFiltersAtDefaults,
  resetQuickFilters,
  switchQuickFilterOff,
  switchQuickFilterOn,
} from './quick-filters.ts';

const secondary: QuickFilter = { id: 'secondary', name: 'Secondary', filters: 'if_network!=', default: true };
const web: QuickFilter = { id: 'web', name: 'Web', filters: 'protocol=tcp;port=80,443', default: false };
const byHand: Filter = { id: 'interfaces', operator: '=', values: ['net1'] };

describe('quick filters on the view', () => {
  it('is on only when every one of its filters is in the view, values in any order', () => {
    const tcp: Filter = { id: 'protocol', operator: '=', values: ['tcp'] };
    expect(isQuickFilterOn([tcp], web)).toBe(false);
    expect(isQuickFilterOn([tcp, { id: 'port', operator: '=', values: ['443', '80'] }], web)).toBe(true);
    expect(isQuickFilterOn([tcp, { id: 'port', operator: '=', values: ['80'] }], web)).toBe(false);
    expect(isQuickFilterOn([{ id: 'if_network', operator: '=', values: [''] }], secondary)).toBe(false);
  });

  it('switching on adds what is missing and drops a switched-off copy; off removes both, nothing else', () => {
    const on = switchQuickFilterOn(
      {
        filters: [byHand, { id: 'protocol', operator: '=', values: ['tcp'] }],
        disabledFilters: [{ id: 'port', operator: '=', values: ['80', '443'] }],
      },
      web,
    );
    expect(on).toEqual({
      filters: [
        byHand,
        { id: 'protocol', operator: '=', values: ['tcp'] },
        { id: 'port', operator: '=', values: ['80', '443'] },
      ],
      disabledFilters: [],
    });
    expect(switchQuickFilterOff(on, web)).toEqual({ filters: [byHand], disabledFilters: [] });
  });

  it('reset puts each quick filter to its default and keeps filters added by hand', () => {
    const start = switchQuickFilterOn({ filters: [byHand], disabledFilters: [] }, web);
    expect(quickFiltersAtDefaults(start.filters, [secondary, web])).toBe(false);
    const reset = resetQuickFilters(start, [secondary, web]);
    expect(reset).toEqual({
      filters: [byHand, { id: 'if_network', operator: '!=', values: [''] }],
      disabledFilters: [],
    });
    expect(quickFiltersAtDefaults(reset.filters, [secondary, web])).toBe(true);
  });
});
