// A menu of checkboxes, one per column; the order of columns stays the catalog's order.
import { useState } from 'react';
import { MenuToggle, Select, SelectList, SelectOption } from '@patternfly/react-core';
import { ColumnsIcon } from '@patternfly/react-icons';
import { useT } from '../../i18n/use-t.ts';

export interface ColumnChooserProps {
  /** Every column id in display order with its label. */
  columns: ReadonlyArray<{ id: string; label: string }>;
  visible: readonly string[];
  onChange: (visible: string[]) => void;
}

export function ColumnChooser({ columns, visible, onChange }: ColumnChooserProps) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Select
      role="menu"
      isOpen={open}
      onOpenChange={setOpen}
      onSelect={(_e, id) => {
        const key = String(id);
        const next = visible.includes(key) ? visible.filter((c) => c !== key) : [...visible, key];
        onChange(columns.map((c) => c.id).filter((c) => next.includes(c)));
      }}
      toggle={(ref) => (
        <MenuToggle ref={ref} onClick={() => setOpen(!open)} isExpanded={open} icon={<ColumnsIcon />}>
          {t('Columns')}
        </MenuToggle>
      )}
    >
      <SelectList aria-label={t('Visible columns')}>
        {columns.map((c) => (
          <SelectOption
            key={c.id}
            value={c.id}
            hasCheckbox
            isSelected={visible.includes(c.id)}
            // the last visible column stays: a table without columns has empty rows
            isDisabled={visible.length === 1 && visible[0] === c.id}
          >
            {c.label}
          </SelectOption>
        ))}
      </SelectList>
    </Select>
  );
}
