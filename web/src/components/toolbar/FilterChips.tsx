// One closable label group per filter ("Network interface name =" net1, net2); closing a label
// removes that value, closing the group removes the filter.
import { Button, Label, LabelGroup } from '@patternfly/react-core';
import type { FilterDef } from '../../api/types.ts';
import type { Filter } from '@interflow/contract';
import { useT } from '../../i18n/use-t.ts';
import { filterName } from './filter-name.ts';

export interface FilterChipsProps {
  filters: readonly Filter[];
  defs: readonly FilterDef[];
  onRemoveValue: (index: number, value: string) => void;
  onRemoveFilter: (index: number) => void;
  onClearAll: () => void;
}

export function FilterChips({ filters, defs, onRemoveValue, onRemoveFilter, onClearAll }: FilterChipsProps) {
  const t = useT();
  if (!filters.length) return null;
  return (
    <div className="interflow-filter-chips" aria-label={t('Active filters')} role="group">
      {filters.map((f, index) => {
        const name = filterName(t, defs.find((d) => d.id === f.id) ?? { id: f.id, name: f.id });
        return (
          <LabelGroup
            key={`${f.id}${f.operator}${index}`}
            categoryName={`${name} ${f.operator}`}
            isClosable
            closeBtnAriaLabel={t('Remove filter {{name}}', { name })}
            onClick={() => onRemoveFilter(index)}
            numLabels={5}
            expandedText={t('Show less')}
            collapsedText={t('{{remaining}} more', { remaining: '${remaining}' })}
          >
            {f.values.map((v) => (
              <Label
                key={v}
                variant="outline"
                onClose={() => onRemoveValue(index, v)}
                closeBtnAriaLabel={t('Remove {{value}}', { value: v })}
                textMaxWidth="24ch"
              >
                {v === '' ? <em>{t('(empty)')}</em> : v}
              </Label>
            ))}
          </LabelGroup>
        );
      })}
      <Button variant="link" isInline onClick={onClearAll}>
        {t('Clear all filters')}
      </Button>
    </div>
  );
}
