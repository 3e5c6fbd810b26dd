// Category → operator → value (with suggestions from /api/resources) → Add.
import { useState, type FormEvent } from 'react';
import { Button, FormSelect, FormSelectOption, TextInput } from '@patternfly/react-core';
import type { FilterDef } from '../../api/types.ts';
import { FILTER_OPERATORS, type FilterOperator } from '@interflow/contract';
import { operatorLabel } from '../../model/labels.ts';
import { useElementId } from '../../hooks/useElementId.ts';
import { useResources } from '../../hooks/useResources.ts';
import { useT } from '../../i18n/use-t.ts';
import { filterName } from './filter-name.ts';

export interface FilterPickerProps {
  defs: readonly FilterDef[];
  onAdd: (id: string, operator: FilterOperator, value: string) => void;
}

export function FilterPicker({ defs, onAdd }: FilterPickerProps) {
  const t = useT();
  const listId = useElementId();
  const [category, setCategory] = useState(defs.find((d) => d.id === 'interfaces')?.id ?? defs[0]?.id ?? '');
  const [operator, setOperator] = useState<FilterOperator>('=');
  const [value, setValue] = useState('');
  const def = defs.find((d) => d.id === category);
  const suggestions = useResources(def?.autocomplete ?? null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!category) return;
    onAdd(category, operator, value);
    setValue('');
  };

  return (
    <form className="interflow-filter-picker" onSubmit={submit} role="search" aria-label={t('Add a filter')}>
      <FormSelect
        className="interflow-filter-picker__category"
        value={category}
        onChange={(_e, v) => setCategory(v)}
        aria-label={t('Filter category')}
      >
        {defs.map((d) => (
          <FormSelectOption key={d.id} value={d.id} label={filterName(t, d)} />
        ))}
      </FormSelect>
      <FormSelect
        className="interflow-filter-picker__operator"
        value={operator}
        onChange={(_e, v) => setOperator(v as FilterOperator)}
        aria-label={t('Filter operator')}
      >
        {FILTER_OPERATORS.map((op) => (
          <FormSelectOption key={op} value={op} label={`${op} ${operatorLabel(t, op)}`} />
        ))}
      </FormSelect>
      <TextInput
        className="interflow-filter-picker__value"
        value={value}
        onChange={(_e, v) => setValue(v)}
        aria-label={t('Filter value')}
        placeholder={
          def?.examples[0] ? t('for example {{example}}', { example: def.examples[0] }) : t('Value')
        }
        list={listId}
        autoComplete="off"
      />
      <datalist id={listId}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <Button type="submit" variant="secondary">
        {t('Add filter')}
      </Button>
    </form>
  );
}
