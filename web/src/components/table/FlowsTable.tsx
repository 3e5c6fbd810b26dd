// The flows table: sortable columns, one page of rows at a time, a row opens the details drawer.
import { Table, Tbody, Td, Th, Thead, Tr, type ThProps } from '@patternfly/react-table';
import type { StoredFlowRecord } from '../../api/types.ts';
import type { SortSpec } from '../../model/view.ts';
import { useT } from '../../i18n/use-t.ts';
import { memo } from 'react';
import type { TFunction } from 'i18next';
import { cellContent } from './CellValue.tsx';

export interface FlowsTableProps {
  records: readonly StoredFlowRecord[];
  columns: ReadonlyArray<{ id: string; label: string }>;
  sort: SortSpec;
  onSort: (sort: SortSpec) => void;
  selected: StoredFlowRecord | null;
  onSelect: (record: StoredFlowRecord) => void;
  /** Index of the first row (for stable keys across pages). */
  offset: number;
}

export function FlowsTable({ records, columns, sort, onSort, selected, onSelect, offset }: FlowsTableProps) {
  const t = useT();
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
            isSelected={r === selected}
            onSelect={onSelect}
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
  columns: ReadonlyArray<{ id: string; label: string }>;
  isSelected: boolean;
  onSelect: (record: StoredFlowRecord) => void;
  t: TFunction;
}

/** Memoised: selecting a row or refreshing with the same records re-renders only what changed. */
const FlowRow = memo(function FlowRow({ record, number, columns, isSelected, onSelect, t }: FlowRowProps) {
  return (
    <Tr
      isClickable
      isRowSelected={isSelected}
      onRowClick={() => onSelect(record)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(record);
        }
      }}
      tabIndex={0}
      aria-label={t('Show details of flow {{number}}', { number })}
      data-testid="interflow-flow-row"
    >
      {columns.map((c) => (
        <Td key={c.id} dataLabel={c.label} modifier="nowrap">
          {cellContent(t, record, c.id)}
        </Td>
      ))}
    </Tr>
  );
});
