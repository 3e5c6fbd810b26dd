// One closable label group per filter ("Network interface name =" net1, net2); closing a label
// removes that value, closing the group removes the filter. Each group can be switched off
// without deleting it: it stays on screen (and in the URL, `disabledFilters`), greyed, and is
// not part of the query until it is switched on again.
import { Button, Label, LabelGroup } from '@patternfly/react-core';
import type { TFunction } from 'i18next';
import type { FilterDef } from '../../api/types.ts';
import type { Filter } from '@interflow/contract';
import { useT } from '../../i18n/use-t.ts';
import { filterName } from './filter-name.ts';

export interface FilterChipsProps {
  filters: readonly Filter[];
  /** Switched off: shown, not applied. */
  disabledFilters?: readonly Filter[];
  defs: readonly FilterDef[];
  onRemoveValue: (index: number, value: string) => void;
  onRemoveFilter: (index: number) => void;
  onRemoveDisabled?: (index: number) => void;
  onSwitchOff?: (index: number) => void;
  onSwitchOn?: (index: number) => void;
  onClearAll: () => void;
}

interface GroupProps {
  t: TFunction;
  filter: Filter;
  defs: readonly FilterDef[];
  off: boolean;
  onRemove: () => void;
  onRemoveValue?: (value: string) => void;
  onSwitch?: () => void;
}

function FilterGroup({ t, filter: f, defs, off, onRemove, onRemoveValue, onSwitch }: GroupProps) {
  const name = filterName(t, defs.find((d) => d.id === f.id) ?? { id: f.id, name: f.id });
  return (
    <span
      className={off ? 'interflow-filter-group interflow-filter-off' : 'interflow-filter-group'}
      data-test={off ? 'filter-off' : 'filter-on'}
    >
      <LabelGroup
        categoryName={
          off ? t('{{name}} {{operator}} (off)', { name, operator: f.operator }) : `${name} ${f.operator}`
        }
        isClosable
        closeBtnAriaLabel={t('Remove filter {{name}}', { name })}
        onClick={onRemove}
        numLabels={5}
        expandedText={t('Show less')}
        collapsedText={t('{{remaining}} more', { remaining: '${remaining}' })}
      >
        {f.values.map((v) => (
          <Label
            key={v}
            variant="outline"
            color={off ? 'grey' : undefined}
            {...(onRemoveValue
              ? { onClose: () => onRemoveValue(v), closeBtnAriaLabel: t('Remove {{value}}', { value: v }) }
              : {})}
            textMaxWidth="24ch"
          >
            {v === '' ? <em>{t('(empty)')}</em> : v}
          </Label>
        ))}
      </LabelGroup>
      {onSwitch && (
        <Button
          variant="link"
          isInline
          className="interflow-filter-switch"
          onClick={onSwitch}
          aria-label={
            off ? t('Switch on filter {{name}}', { name }) : t('Switch off filter {{name}}', { name })
          }
        >
          {off ? t('Switch on') : t('Switch off')}
        </Button>
      )}
    </span>
  );
}

export function FilterChips(props: FilterChipsProps) {
  const { filters, disabledFilters = [], defs, onRemoveValue, onRemoveFilter, onClearAll } = props;
  const t = useT();
  if (!filters.length && !disabledFilters.length) return null;
  return (
    <div className="interflow-filter-chips" aria-label={t('Active filters')} role="group">
      {filters.map((f, index) => (
        <FilterGroup
          key={`on${f.id}${f.operator}${index}`}
          t={t}
          filter={f}
          defs={defs}
          off={false}
          onRemove={() => onRemoveFilter(index)}
          onRemoveValue={(v) => onRemoveValue(index, v)}
          {...(props.onSwitchOff ? { onSwitch: () => props.onSwitchOff!(index) } : {})}
        />
      ))}
      {disabledFilters.map((f, index) => (
        <FilterGroup
          key={`off${f.id}${f.operator}${index}`}
          t={t}
          filter={f}
          defs={defs}
          off
          onRemove={() => props.onRemoveDisabled?.(index)}
          {...(props.onSwitchOn ? { onSwitch: () => props.onSwitchOn!(index) } : {})}
        />
      ))}
      <Button variant="link" isInline onClick={onClearAll}>
        {t('Clear all filters')}
      </Button>
    </div>
  );
}
