// The toolbar of the Traffic Flows view: filters, match mode, time, refresh, limit, columns,
// export, quick filters.
import {
  Button,
  Switch,
  FormSelect,
  FormSelectOption,
  ToggleGroup,
  ToggleGroupItem,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { DownloadIcon, SyncAltIcon } from '@patternfly/react-icons';
import type { FilterDef } from '../../api/types.ts';
import type { QuickFilter } from '@interflow/contract';
import { addFilterValue, removeFilterValue } from '../../model/filters.ts';
import { REFRESH_INTERVALS_S, ROW_LIMITS, choicesWith, durationLabel } from '../../model/time-range.ts';
import type { ViewState } from '../../model/view.ts';
import { useT } from '../../i18n/use-t.ts';
import { ColumnChooser } from './ColumnChooser.tsx';
import { FilterChips } from './FilterChips.tsx';
import { FilterPicker } from './FilterPicker.tsx';
import { QuickFilters } from './QuickFilters.tsx';
import { TimeRangePicker } from './TimeRangePicker.tsx';

export interface FlowsToolbarProps {
  view: ViewState;
  onViewChange: (next: ViewState) => void;
  filterDefs: readonly FilterDef[];
  /** The configuration's quick filters (none until /api/config answered). */
  quickFilters: readonly QuickFilter[];
  columns: ReadonlyArray<{ id: string; label: string }>;
  visibleColumns: readonly string[];
  refreshS: number;
  onRefreshChange: (s: number) => void;
  onReload: () => void;
  onExport: () => void;
  loading: boolean;
}

export function FlowsToolbar(props: FlowsToolbarProps) {
  const {
    view,
    onViewChange,
    filterDefs,
    quickFilters,
    columns,
    visibleColumns,
    refreshS,
    onRefreshChange,
    onReload,
    onExport,
    loading,
  } = props;
  const t = useT();
  const set = (patch: Partial<ViewState>) => onViewChange({ ...view, ...patch });
  const limits = choicesWith(ROW_LIMITS, view.limit);

  return (
    <Toolbar className="interflow-toolbar" aria-label={t('Traffic flows toolbar')}>
      <ToolbarContent>
        <ToolbarItem>
          <FilterPicker
            time={view.time}
            defs={filterDefs}
            onAdd={(id, op, value) => set({ filters: addFilterValue(view.filters, id, op, value) })}
          />
        </ToolbarItem>
        <ToolbarItem>
          <ToggleGroup aria-label={t('Combine filters')}>
            <ToggleGroupItem
              text={t('Match all')}
              buttonId="interflow-match-all"
              isSelected={view.match === 'all'}
              onChange={() => set({ match: 'all' })}
            />
            <ToggleGroupItem
              text={t('Match any')}
              buttonId="interflow-match-any"
              isSelected={view.match === 'any'}
              onChange={() => set({ match: 'any' })}
            />
            <ToggleGroupItem
              text={t('Both directions')}
              buttonId="interflow-match-bidirectional"
              isSelected={view.match === 'bidirectional'}
              onChange={() => set({ match: 'bidirectional' })}
            />
          </ToggleGroup>
        </ToolbarItem>
        <ToolbarItem>
          <Switch
            id="interflow-dedup"
            label={t('One row per flow')}
            isChecked={view.dedup}
            onChange={(_e, dedup) => set({ dedup })}
          />
        </ToolbarItem>
      </ToolbarContent>
      <ToolbarContent>
        <ToolbarGroup>
          <ToolbarItem>
            <TimeRangePicker value={view.time} onChange={(time) => set({ time })} />
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect
              value={String(refreshS)}
              aria-label={t('Refresh interval')}
              onChange={(_e, v) => onRefreshChange(Number(v))}
            >
              {choicesWith(REFRESH_INTERVALS_S, refreshS).map((s) => (
                <FormSelectOption
                  key={s}
                  value={String(s)}
                  label={
                    s === 0
                      ? t('Refresh off')
                      : t('Refresh every {{duration}}', { duration: durationLabel(s) })
                  }
                />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect
              value={String(view.limit)}
              aria-label={t('Row limit')}
              onChange={(_e, v) => set({ limit: Number(v) })}
            >
              {limits.map((n) => (
                <FormSelectOption key={n} value={String(n)} label={t('{{limit}} rows', { limit: n })} />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <ColumnChooser columns={columns} visible={visibleColumns} onChange={(cols) => set({ cols })} />
          </ToolbarItem>
        </ToolbarGroup>
        <ToolbarGroup align={{ default: 'alignEnd' }}>
          <ToolbarItem>
            <Button
              variant="plain"
              aria-label={t('Refresh now')}
              onClick={onReload}
              isDisabled={loading}
              icon={<SyncAltIcon />}
            />
          </ToolbarItem>
          <ToolbarItem>
            <Button variant="secondary" icon={<DownloadIcon />} onClick={onExport}>
              {t('Export')}
            </Button>
          </ToolbarItem>
        </ToolbarGroup>
      </ToolbarContent>
      {quickFilters.length > 0 && (
        <ToolbarContent>
          <ToolbarItem>
            <QuickFilters quickFilters={quickFilters} view={view} onChange={set} />
          </ToolbarItem>
        </ToolbarContent>
      )}
      <ToolbarContent>
        <ToolbarItem>
          <FilterChips
            filters={view.filters}
            disabledFilters={view.disabledFilters}
            defs={filterDefs}
            onRemoveValue={(index, value) => set({ filters: removeFilterValue(view.filters, index, value) })}
            onRemoveFilter={(index) => set({ filters: view.filters.filter((_, k) => k !== index) })}
            onRemoveDisabled={(index) =>
              set({ disabledFilters: view.disabledFilters.filter((_, k) => k !== index) })
            }
            onSwitchOff={(index) =>
              set({
                filters: view.filters.filter((_, k) => k !== index),
                disabledFilters: [...view.disabledFilters, view.filters[index]!],
              })
            }
            onSwitchOn={(index) =>
              set({
                filters: [...view.filters, view.disabledFilters[index]!],
                disabledFilters: view.disabledFilters.filter((_, k) => k !== index),
              })
            }
            onClearAll={() => set({ filters: [], disabledFilters: [] })}
          />
        </ToolbarItem>
      </ToolbarContent>
    </Toolbar>
  );
}
