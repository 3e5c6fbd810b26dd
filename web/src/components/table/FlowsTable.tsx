// The flows table: sortable columns, one page of rows at a time, a row opens the details drawer.
// Keyboard: the rows are one tab stop (roving tabindex): arrow keys, Home and End move between
// rows, Enter or Space opens the details.
import { Table, Tbody, Th, Thead, Tr, type ThProps } from '@patternfly/react-table';
import type { StoredFlowRecord } from '../../api/types.ts';
import type { SortSpec } from '../../model/view.ts';
import { useT } from '../../i18n/use-t.ts';
import { memo, useCallback, useState, type KeyboardEvent } from 'react';
import type { TFunction } from 'i18next';
import { cellContent } from './CellValue.tsx';

export interface FlowsTableProps {
  records: readonly StoredFlowRecord[];
  columns: ReadonlyArray<{ id: string; label: string }>;
  sort: SortSpec;
  onSort: (sort: SortSpec) => void;
  selected: StoredFlowRecord | null;
  /** `row` is the row element, so focus can go back to it when the details close. */
  onSelect: (record: StoredFlowRecord, row: HTMLElement) => void;
  /** Index of the first row (for stable keys across pages). */
  offset: number;
}

const ROW_SELECTOR = '[data-testid="interflow-flow-row"]';

/** Moves focus between rows; returns the index focused, or null when the key is not a move. */
function moveFocus(e: KeyboardEvent<HTMLElement>, index: number, count: number): number | null {
  const next =
    e.key === 'ArrowDown'
      ? Math.min(index + 1, count - 1)
      : e.key === 'ArrowUp'
        ? Math.max(index - 1, 0)
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? count - 1
            : null;
  if (next === null) return null;
  e.preventDefault();
  const rows = e.currentTarget.closest('tbody')?.querySelectorAll<HTMLElement>(ROW_SELECTOR);
  rows?.[next]?.focus();
  return next;
}

export function FlowsTable({ records, columns, sort, onSort, selected, onSelect, offset }: FlowsTableProps) {
  const t = useT();
  // The row that takes Tab (the last one focused); a new page starts at its first row.
  const [active, setActive] = useState({ offset, index: 0 });
  const activeIndex = active.offset === offset ? Math.min(active.index, records.length - 1) : 0;
  const onRowKey = useCallback(
    (e: KeyboardEvent<HTMLElement>, index: number) => {
      const moved = moveFocus(e, index, records.length);
      if (moved !== null) setActive({ offset, index: moved });
    },
    [records.length, offset],
  );
  const onRowFocus = useCallback((index: number) => setActive({ offset, index }), [offset]);
  const sortBy = columns.findIndex((c) => c.id === sort.field);
  const sortParams = (index: number): ThProps['sort'] => ({
    sortBy: sortBy >= 0 ? { index: sortBy, direction: sort.direction, defaultDirection: 'desc' } : {},
    onSort: (_e, i, direction) => onSort({ field: columns[i]!.id, direction }),
    columnIndex: index,
  });
  return (
    <Table
      className="interflow-flows-table"
      aria-label={t('Traffic flows')}
      variant="compact"
      isStickyHeader
      gridBreakPoint=""
      id="interflow-flows-table"
    >
      <Thead>
        <Tr>
          {columns.map((c, i) => (
            <Th key={c.id} sort={sortParams(i)} modifier="nowrap" dataLabel={c.label}>
              {c.label}
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {records.map((r, i) => (
          <FlowRow
            key={offset + i}
            record={r}
            number={offset + i + 1}
            columns={columns}
            index={i}
            isSelected={r === selected}
            isTabStop={i === activeIndex}
            onSelect={onSelect}
            onKey={onRowKey}
            onFocusRow={onRowFocus}
            t={t}
          />
        ))}
      </Tbody>
    </Table>
  );
}

interface FlowRowProps {
  record: StoredFlowRecord;
  number: number;
  index: number;
  columns: ReadonlyArray<{ id: string; label: string }>;
  isSelected: boolean;
  isTabStop: boolean;
  onSelect: (record: StoredFlowRecord, row: HTMLElement) => void;
  onKey: (e: KeyboardEvent<HTMLElement>, index: number) => void;
  onFocusRow: (index: number) => void;
  t: TFunction;
}

/**
 * PatternFly's table row and cell classes, written out: the rows are plain <tr>/<td> because
 * PatternFly's Tr/Td cost per cell a state pair, a layout read (is the text truncated?), three
 * inline style properties and a tabindex (docs/benchmarks.md, "Table render").
 * FlowsTable.test.tsx checks these classes against what PatternFly's own Tr/Td render.
 */
export const ROW_CLASS = 'pf-v6-c-table__tr pf-m-clickable';
export const SELECTED_ROW_CLASS = `${ROW_CLASS} pf-m-selected`;
export const CELL_CLASS = 'pf-v6-c-table__td pf-m-nowrap';

/** Memoised: selecting a row or refreshing with the same records re-renders only what changed. */
const FlowRow = memo(function FlowRow(props: FlowRowProps) {
  const { record, number, index, columns, isSelected, isTabStop, onSelect, onKey, onFocusRow, t } = props;
  return (
    <tr
      className={isSelected ? SELECTED_ROW_CLASS : ROW_CLASS}
      onClick={(e) => onSelect(record, e.currentTarget)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(record, e.currentTarget);
        } else onKey(e, index);
      }}
      onFocus={(e) => {
        if (e.target === e.currentTarget) onFocusRow(index);
      }}
      tabIndex={isTabStop ? 0 : -1}
      aria-label={t('Show details of flow {{number}}', { number })}
      data-testid="interflow-flow-row"
    >
      {columns.map((c) => (
        <td key={c.id} className={CELL_CLASS} data-label={c.label}>
          {cellContent(t, record, c.id)}
        </td>
      ))}
    </tr>
  );
});
