import i18next, { type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { FILTER_SPECS } from '@interflow/contract';
import { I18N_NAMESPACE } from '../../i18n/use-t.ts';
import { FALLBACK_FILTER_DEFS, filterName } from './filter-name.ts';

const t = () => i18next.getFixedT('en', I18N_NAMESPACE) as unknown as TFunction;

describe('filter names', () => {
  it('every filter id of the contract has words of its own in the catalog', () => {
    for (const spec of FILTER_SPECS) {
      // with no name from the backend, an id without catalog words would show itself
      const words = filterName(t(), { id: spec.id, name: '' });
      expect(words, spec.id).not.toBe(spec.id);
      expect(words.trim(), spec.id).not.toBe('');
    }
  });

  it('an id the page does not know shows the backend’s name, else the id', () => {
    expect(filterName(t(), { id: 'future_filter', name: 'Future' })).toBe('Future');
    expect(filterName(t(), { id: 'future_filter', name: '' })).toBe('future_filter');
  });

  it('the built-in definitions are the contract’s (ids, names, autocomplete, examples)', () => {
    expect(FALLBACK_FILTER_DEFS.map((d) => d.id)).toEqual(FILTER_SPECS.map((s) => s.id));
    const interfaces = FALLBACK_FILTER_DEFS.find((d) => d.id === 'interfaces');
    expect(interfaces).toMatchObject({ autocomplete: 'interfaces', examples: ['net1', 'eth0'] });
    expect(FALLBACK_FILTER_DEFS.find((d) => d.id === 'src_namespace')?.autocomplete).toBe('namespaces');
  });
});
