// The flows table: sortable columns, one page of rows at a time, a row opens the details drawer.
import { Table, Tbody, Td, Th, Thead, Tr, type ThProps } from '@patternfly/react-table';
import type { FlowRecord } from '../../api/types.ts';
import type { SortSpec } from '../../model/view.ts';
import { useT } from '../../i18n/use-t.ts';
import { CellValue } from './CellValue.tsx';

export interface FlowsTableProps {
  records: readonly FlowRecord[];
  columns: ReadonlyArray<{ id: string; label: string }>;
  sort: SortSpec;
  onSort: (sort: SortSpec) => void;
  selected: FlowRecord | null;
  onSelect: (record: FlowRecord) => void;
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
    <Table className="interflow-flows-table" aria-label={t('Traffic flows')} variant="compact" isStickyHeader gridBreakPoint="">
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
          <Tr
            key={offset + i}
            isClickable
            isRowSelected={r === selected}
            onRowClick={() => onSelect(r)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect(r);
              }
            }}
            tabIndex={0}
            aria-label={t('Show details of flow {{number}}', { number: offset + i + 1 })}
            data-testid="interflow-flow-row"
          >
            {columns.map((c) => (
              <Td key={c.id} dataLabel={c.label} modifier="nowrap">
                <CellValue record={r} field={c.id} />
              </Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
