// The quick filters of the configuration (/api/config `quickFilters`) as switches, and "Reset to
// defaults", which puts each back to its configured default (model/quick-filters.ts).
import { Button, Switch } from '@patternfly/react-core';
import type { TFunction } from 'i18next';
import { DEFAULT_QUICK_FILTERS, type QuickFilter } from '@interflow/contract';
import {
  isQuickFilterOn,
  quickFiltersAtDefaults,
  resetQuickFilters,
  switchQuickFilterOff,
  switchQuickFilterOn,
  type QuickFilterFilters,
} from '../../model/quick-filters.ts';
import { useT } from '../../i18n/use-t.ts';

/** Words for the built-in quick filters; a configured one shows its own name as written. */
const BUILT_IN_NAMES: Readonly<Record<string, (t: TFunction) => string>> = {
  'pod-secondary-interfaces': (t) => t('Pod secondary interfaces'),
  'pod-interfaces': (t) => t('Pod interfaces'),
  'host-interfaces': (t) => t('Host network namespace'),
};

export function quickFilterName(t: TFunction, quick: QuickFilter): string {
  const builtIn = DEFAULT_QUICK_FILTERS.find((q) => q.id === quick.id);
  const words = BUILT_IN_NAMES[quick.id];
  return builtIn && words && builtIn.name === quick.name ? words(t) : quick.name;
}

export interface QuickFiltersProps {
  quickFilters: readonly QuickFilter[];
  view: QuickFilterFilters;
  onChange: (next: QuickFilterFilters) => void;
}

export function QuickFilters({ quickFilters, view, onChange }: QuickFiltersProps) {
  const t = useT();
  if (!quickFilters.length) return null;
  return (
    <div className="interflow-quick-filters" role="group" aria-label={t('Quick filters')}>
      <span className="interflow-quick-filters__title">{t('Quick filters')}</span>
      {quickFilters.map((q) => {
        const on = isQuickFilterOn(view.filters, q);
        return (
          <Switch
            key={q.id}
            id={`interflow-quick-filter-${q.id}`}
            data-test={`quick-filter-${q.id}`}
            label={quickFilterName(t, q)}
            title={q.filters}
            isChecked={on}
            onChange={(_e, checked) =>
              onChange(checked ? switchQuickFilterOn(view, q) : switchQuickFilterOff(view, q))
            }
          />
        );
      })}
      <Button
        variant="link"
        isInline
        data-test="quick-filters-reset"
        isDisabled={quickFiltersAtDefaults(view.filters, quickFilters)}
        onClick={() => onChange(resetQuickFilters(view, quickFilters))}
      >
        {t('Reset to defaults')}
      </Button>
    </div>
  );
}
