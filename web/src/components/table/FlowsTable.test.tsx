import { render } from '@testing-library/react';
import { Table, Tbody, Td, Tr } from '@patternfly/react-table';
import { describe, expect, it } from 'vitest';
import { CELL_CLASS, ROW_CLASS, SELECTED_ROW_CLASS } from './FlowsTable.tsx';

/** The classes PatternFly's own Tr/Td render for a clickable (selected) row of nowrap cells. */
function patternFlyClasses(selected: boolean): { row: string; cell: string } {
  const { container, unmount } = render(
    <Table>
      <Tbody>
        <Tr isClickable isRowSelected={selected}>
          <Td modifier="nowrap" dataLabel="x">
            x
          </Td>
        </Tr>
      </Tbody>
    </Table>,
  );
  const row = container.querySelector('tbody tr')!.className;
  const cell = container.querySelector('tbody td')!.className;
  unmount();
  return { row, cell };
}

const sorted = (classes: string) => classes.split(/\s+/).filter(Boolean).sort();

describe('FlowsTable rows (plain elements with PatternFly classes)', () => {
  it('carry the classes PatternFly Tr/Td give a clickable row of nowrap cells, selected or not', () => {
    const plain = patternFlyClasses(false);
    const selected = patternFlyClasses(true);
    expect(sorted(ROW_CLASS)).toEqual(sorted(plain.row));
    expect(sorted(SELECTED_ROW_CLASS)).toEqual(sorted(selected.row));
    expect(sorted(CELL_CLASS)).toEqual(sorted(plain.cell));
  });
});
