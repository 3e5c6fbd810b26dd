// Category → operator → value (with suggestions from /api/resources over the view's time range,
// each saying what it is: `net1 — sriov-test/server`) → Add. The value is
// checked as it is typed by the contract's rules (the ones the backend applies), so a chip the
// backend would refuse is never made; what is wrong is said under the field.
import { useState, type FormEvent } from 'react';
import {
  Button,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  TextInput,
} from '@patternfly/react-core';
import type { TFunction } from 'i18next';
import type { FilterDef } from '../../api/types.ts';
import type { TimeSelection } from '../../model/view.ts';
import { FILTER_OPERATORS, checkFilterValue, type FilterOperator } from '@interflow/contract';
import { operatorLabel } from '../../model/labels.ts';
import { useElementId } from '../../hooks/useElementId.ts';
import { useResources } from '../../hooks/useResources.ts';
import { useT } from '../../i18n/use-t.ts';
import { filterName } from './filter-name.ts';
import { filterProblemText } from '../traffic-flows/url-problem-text.ts';

export interface FilterPickerProps {
  defs: readonly FilterDef[];
  onAdd: (id: string, operator: FilterOperator, value: string) => void;
  /** The range suggestions are drawn from (the view's). */
  time: TimeSelection;
}

/** A suggestion as the list shows it: the value, what it is, and the host namespace named. */
function suggestionLabel(t: TFunction, value: string, details: string[] | undefined): string | undefined {
  const shown = value === '' ? t('host') : value;
  if (!details?.length) return value === '' ? shown : undefined;
  return t('{{value}} — {{details}}', { value: shown, details: details.join(', ') });
}

export function FilterPicker({ defs, onAdd, time }: FilterPickerProps) {
  const t = useT();
  const listId = useElementId();
  const [category, setCategory] = useState(defs.find((d) => d.id === 'interfaces')?.id ?? defs[0]?.id ?? '');
  const [operator, setOperator] = useState<FilterOperator>('=');
  const [value, setValue] = useState('');
  // An empty field is not an error until someone tries to add it.
  const [tried, setTried] = useState(false);
  const helpId = useElementId();
  const def = defs.find((d) => d.id === category);
  const suggestions = useResources(def?.autocomplete ?? null, time);
  const check = category ? checkFilterValue(category, operator, value) : null;
  const problem = check && !check.ok && (tried || value.trim() !== '') ? check.problem : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!check) return;
    if (!check.ok) {
      setTried(true);
      return;
    }
    onAdd(category, operator, check.value);
    setValue('');
    setTried(false);
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
        validated={problem ? 'error' : 'default'}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? helpId : undefined}
        placeholder={
          def?.examples[0] ? t('for example {{example}}', { example: def.examples[0] }) : t('Value')
        }
        list={listId}
        autoComplete="off"
      />
      <datalist id={listId}>
        {suggestions.values.map((s) => (
          <option key={s} value={s} label={suggestionLabel(t, s, suggestions.details[s])} />
        ))}
      </datalist>
      <Button type="submit" variant="secondary">
        {t('Add filter')}
      </Button>
      {problem && (
        <HelperText id={helpId} className="interflow-filter-picker__problem" aria-live="polite">
          <HelperTextItem variant="error">{filterProblemText(t, problem)}</HelperTextItem>
        </HelperText>
      )}
    </form>
  );
}
