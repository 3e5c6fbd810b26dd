// The Traffic Flows view (used by the page and by the Pod/Namespace tab): toolbar, table,
// details drawer and export, with the whole view kept in the URL.
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from '../../routing/router.ts';
import {
  Alert,
  Drawer,
  DrawerContent,
  DrawerContentBody,
  Pagination,
  Content,
  SkipToContent,
  Tab,
  Tabs,
  TabTitleText,
} from '@patternfly/react-core';
import { checkFilterValue, mergeFlowRecords, type QuickFilter } from '@interflow/contract';
import { exportUrl } from '../../api/client.ts';
import { useApiBase } from '../../api/api-base.tsx';
import type { StoredFlowRecord } from '../../api/types.ts';
import { addFilterValue } from '../../model/filters.ts';
import { FALLBACK_DEFAULT_COLUMNS, KNOWN_COLUMNS, sortRecords } from '../../model/fields.ts';
import { columnLabel } from '../../model/labels.ts';
import { encodeView, hasViewParams } from '../../model/url-codec.ts';
import { resetQuickFilters } from '../../model/quick-filters.ts';
import { DEFAULT_SORT, exportQueryParams, toApiParams, type ViewState } from '../../model/view.ts';
import { widerRangeS } from '../../model/time-range.ts';
import { useConfig } from '../../hooks/useConfig.ts';
import { useFlows } from '../../hooks/useFlows.ts';
import { useView } from '../../hooks/useView.ts';
import { useT } from '../../i18n/use-t.ts';
import { FlowDetails } from '../details/FlowDetails.tsx';
import { InterfacesPanel } from '../interfaces/InterfacesPanel.tsx';
import { ExportModal } from '../export/ExportModal.tsx';
import { errorText } from '../states/error-text.ts';
import { EmptyFlows, FlowsError, LoadingState } from '../states/FlowsStates.tsx';
import { FlowsTable } from '../table/FlowsTable.tsx';
import { FALLBACK_FILTER_DEFS } from '../toolbar/filter-name.ts';
import { FlowsToolbar } from '../toolbar/FlowsToolbar.tsx';
import { urlProblemText } from './url-problem-text.ts';

export interface TrafficFlowsViewProps {
  /** View used when the URL carries none (e.g. the Pod tab pre-filtered to its pod). */
  initialView?: ViewState;
  /** Show a link to the full Traffic Flows page with the same view (used by the details tabs). */
  linkToPage?: boolean;
  /** The view the Interfaces tab asks for (details tabs: the object's own interfaces). */
  interfacesView?: (view: ViewState) => ViewState;
}

// The overview (chart library included) loads after the table's code: the table appears first.
const Overview = lazy(() => import(/* webpackChunkName: "overview" */ '../overview/Overview.tsx'));

const NO_QUICK_FILTERS: readonly QuickFilter[] = [];

const PER_PAGE_OPTIONS = [20, 50, 100, 500, 1000].map((n) => ({ title: String(n), value: n }));

export function TrafficFlowsView({ initialView, linkToPage, interfacesView }: TrafficFlowsViewProps) {
  const t = useT();
  const base = useApiBase();
  const { config, error: configError } = useConfig();
  const { view, problems, setView } = useView(initialView);
  // The overview's updater: stable, applied to the latest view (Overview.tsx says why).
  const latest = useRef({ view, setView });
  useLayoutEffect(() => {
    latest.current = { view, setView };
  });
  const patchView = useCallback(
    (patch: Partial<ViewState>) => latest.current.setView({ ...latest.current.view, ...patch }),
    [],
  );
  // in the URL (`refresh=`), so a shared link or a reload keeps refreshing
  const refreshS = view.refreshS;
  const setRefreshS = (s: number) => setView({ ...view, refreshS: s });
  const [selected, setSelected] = useState<StoredFlowRecord | null>(null);
  // The row the details were opened from: focus goes back to it when they close.
  const openedFrom = useRef<HTMLElement | null>(null);
  // Set when a value from the drawer became a filter: the chips are scrolled into view.
  const chipsToShow = useRef(false);
  const [exportOpen, setExportOpen] = useState(false);
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(50);
  // The tab is in the URL too (`tab=interfaces`), so a shared link opens the same tab.
  const location = useLocation();
  const navigate = useNavigate();
  const tab = new URLSearchParams(location.search).get('tab') === 'interfaces' ? 'interfaces' : 'flows';
  const setTab = (next: string) => {
    const params = new URLSearchParams(location.search);
    if (next === 'interfaces') params.set('tab', 'interfaces');
    else params.delete('tab');
    navigate({ pathname: location.pathname, search: `?${params.toString()}`, hash: location.hash });
  };

  const apiQuery = toApiParams(view).toString();
  const flows = useFlows(apiQuery, tab === 'flows' ? refreshS : 0);
  const [pagedQuery, setPagedQuery] = useState(apiQuery);
  if (pagedQuery !== apiQuery) {
    // a new query starts again at the first page, without the details of a row it may not hold
    setPagedQuery(apiQuery);
    setPage(1);
    setSelected(null);
  }

  const filterDefs = config?.filters.length ? config.filters : FALLBACK_FILTER_DEFS;
  const allColumns = useMemo(() => {
    const ids = [...(config?.columns.map((c) => c.id) ?? []), ...KNOWN_COLUMNS];
    const names = new Map(config?.columns.map((c) => [c.id, c.name]));
    return [...new Set(ids)].map((id) => ({ id, label: columnLabel(t, id, names.get(id)) }));
  }, [config, t]);
  const defaultColumns = config?.defaults.columns.length ? config.defaults.columns : FALLBACK_DEFAULT_COLUMNS;
  const visibleIds = view.cols ?? defaultColumns;
  // Memoised so the memoised table rows see the same columns array when only the selection changes.
  const visibleColumns = useMemo(
    () => allColumns.filter((c) => visibleIds.includes(c.id)),
    [allColumns, visibleIds],
  );
  const sort = view.sort ?? DEFAULT_SORT;
  const sortLabel = allColumns.find((c) => c.id === sort.field)?.label ?? sort.field;

  // the stats of an answer to the current query (not the previous query's rows still shown)
  const answeredStats = flows.dataQuery === apiQuery ? flows.data?.stats : undefined;
  const fetched = flows.data?.records;
  // One row per flow: the records of one flow on several interfaces become one row.
  const records = useMemo(
    () => (fetched && view.dedup ? mergeFlowRecords(fetched) : fetched),
    [fetched, view.dedup],
  );
  const sorted = useMemo(
    () => (records ? sortRecords(records, sort.field, sort.direction) : []),
    [records, sort.field, sort.direction],
  );
  // The backend returns the newest `limit` matches and the table sorts those: another order
  // than newest first is then not the order over every match, which the page says.
  const sortsOnlyFetched =
    tab === 'flows' &&
    !flows.loading &&
    !flows.error &&
    !!flows.data?.stats.limitReached &&
    (sort.field !== DEFAULT_SORT.field || sort.direction !== DEFAULT_SORT.direction);
  // after a refresh with fewer rows the page shown is the last one there is
  const pageCount = Math.max(1, Math.ceil(sorted.length / perPage));
  if (page > pageCount) setPage(pageCount);
  const shownPage = Math.min(page, pageCount);
  const pageRows = sorted.slice((shownPage - 1) * perPage, shownPage * perPage);

  // A page opened without a view in its URL starts with the quick filters configured as on by
  // default (once, when the configuration arrives); a link with a view keeps its own filters.
  const defaultsFor = useRef<unknown>(null);
  useEffect(() => {
    const quickFilters = config?.quickFilters;
    if (initialView || !quickFilters?.length || defaultsFor.current === config) return;
    defaultsFor.current = config;
    if (hasViewParams(new URLSearchParams(location.search))) return;
    if (!quickFilters.some((q) => q.default)) return;
    setView({ ...view, ...resetQuickFilters(view, quickFilters) }, { replace: true });
  }, [config, initialView, location.search, view, setView]);

  // A drawer value becomes a filter only when the backend would take it (FlowDetails offers no other).
  const addFilter = (id: string, value: string) => {
    const check = checkFilterValue(id, '=', value);
    if (!check.ok) return;
    chipsToShow.current = true;
    setView({ ...view, filters: addFilterValue(view.filters, id, '=', check.value) });
  };
  useEffect(() => {
    if (!chipsToShow.current) return;
    const chips = document.querySelector('.interflow-filter-chips');
    if (!chips) return;
    chipsToShow.current = false;
    chips.scrollIntoView?.({ block: 'nearest' }); // jsdom has none
  }, [view.filters]);

  const openDetails = (record: StoredFlowRecord, row: HTMLElement) => {
    openedFrom.current = row;
    setSelected(record);
  };
  const closeDetails = () => {
    setSelected(null);
    if (openedFrom.current?.isConnected) openedFrom.current.focus();
  };
  const skipToRows = (e: { preventDefault: () => void }) => {
    // focus the rows without changing the URL's hash (the router owns the URL)
    e.preventDefault();
    document.querySelector<HTMLElement>('#interflow-flows-table tbody tr[tabindex="0"]')?.focus();
  };

  let body;
  if (tab === 'interfaces')
    body = (
      <InterfacesPanel
        view={interfacesView ? interfacesView(view) : view}
        linkView={view}
        refreshS={refreshS}
      />
    );
  else if (flows.error && !flows.loading) body = <FlowsError error={flows.error} onRetry={flows.reload} />;
  else if (!flows.data) body = <LoadingState />;
  else if (!sorted.length)
    body = (
      <EmptyFlows
        hasFilters={view.filters.length > 0}
        onClearFilters={() => setView({ ...view, filters: [] })}
        widerRangeS={widerRangeS(
          view.time.kind === 'relative' ? view.time.rangeS : view.time.endS - view.time.startS,
        )}
        onWiderRange={(rangeS) => setView({ ...view, time: { kind: 'relative', rangeS } })}
      />
    );
  else
    body = (
      <>
        <FlowsTable
          records={pageRows}
          columns={visibleColumns}
          sort={sort}
          onSort={(s) => setView({ ...view, sort: s })}
          selected={selected}
          onSelect={openDetails}
          offset={(shownPage - 1) * perPage}
        />
        <Pagination
          itemCount={sorted.length}
          page={shownPage}
          perPage={perPage}
          perPageOptions={PER_PAGE_OPTIONS}
          onSetPage={(_e, p) => setPage(p)}
          onPerPageSelect={(_e, n) => {
            setPerPage(n);
            setPage(1);
          }}
          variant="bottom"
          titles={{
            paginationAriaLabel: t('Pages of flows'),
            items: t('flows'),
            page: t('page'),
            pages: t('pages'),
            itemsPerPage: t('Flows per page'),
            perPageSuffix: t('per page'),
            ofWord: t('of'),
            optionsToggleAriaLabel: t('Flows per page'),
            currPageAriaLabel: t('Current page'),
            toFirstPageAriaLabel: t('Go to first page'),
            toPreviousPageAriaLabel: t('Go to previous page'),
            toNextPageAriaLabel: t('Go to next page'),
            toLastPageAriaLabel: t('Go to last page'),
          }}
        />
      </>
    );

  return (
    <div className="interflow-view">
      {sorted.length > 0 && (
        <SkipToContent href="#interflow-flows-table" onClick={skipToRows}>
          {t('Skip to the flows')}
        </SkipToContent>
      )}
      {problems.map((p, i) => (
        <Alert
          key={`${p.param}-${i}`}
          variant="warning"
          variantLabel={t('Warning:')}
          isInline
          isPlain
          title={t('The link had an unusable "{{param}}" parameter; the default is used instead.', {
            param: p.param,
          })}
        >
          {urlProblemText(t, p)}
        </Alert>
      ))}
      {configError && (
        <Alert
          variant="warning"
          variantLabel={t('Warning:')}
          isInline
          isPlain
          title={t('The page settings could not be loaded; built-in defaults are used.')}
        >
          {errorText(t, configError)}
        </Alert>
      )}
      {linkToPage && (
        <Link
          className="interflow-open-page"
          to={{ pathname: '/traffic-flows', search: `?${encodeView(view).toString()}` }}
        >
          {t('Open in Traffic Flows')}
        </Link>
      )}
      <FlowsToolbar
        view={view}
        onViewChange={setView}
        filterDefs={filterDefs}
        quickFilters={config?.quickFilters ?? NO_QUICK_FILTERS}
        columns={allColumns}
        visibleColumns={visibleIds}
        refreshS={refreshS}
        onRefreshChange={setRefreshS}
        onReload={flows.reload}
        onExport={() => setExportOpen(true)}
        loading={flows.loading}
      />
      {!linkToPage && (
        <Suspense fallback={null}>
          <Overview view={view} patchView={patchView} tick={flows.reloads} />
        </Suspense>
      )}
      <Tabs
        activeKey={tab}
        onSelect={(_e, key) => setTab(String(key))}
        aria-label={t('Flows or interfaces')}
        className="interflow-tabs"
      >
        <Tab
          eventKey="flows"
          title={<TabTitleText>{t('Flows')}</TabTitleText>}
          data-testid="interflow-tab-flows"
        />
        <Tab
          eventKey="interfaces"
          title={<TabTitleText>{t('Interfaces')}</TabTitleText>}
          data-testid="interflow-tab-interfaces"
        />
      </Tabs>
      <Content component="p" className="interflow-summary" aria-live="polite">
        {tab === 'flows' && flows.loading && flows.data ? t('Updating…') : null}
        {tab === 'flows' && flows.data && !flows.loading && !flows.error
          ? flows.data.stats.limitReached
            ? t(
                'Showing the newest {{rows}} flows: the row limit was reached. Narrow the filters or raise the limit to see more; Export downloads every match.',
                { rows: flows.data.records.length },
              )
            : view.dedup
              ? t('{{rows}} flows (one row per flow, from {{records}} records) found in {{duration}} ms.', {
                  rows: sorted.length,
                  records: flows.data.records.length,
                  duration: flows.data.stats.durationMs,
                })
              : t('{{rows}} flows found in {{duration}} ms.', {
                  rows: flows.data.records.length,
                  duration: flows.data.stats.durationMs,
                })
          : null}
        {flows.data && !flows.loading && flows.data.stats.unreadable > 0 ? (
          <span className="interflow-unreadable" data-test="flows-unreadable">
            {' '}
            {flows.data.stats.unreadable === 1
              ? t('1 entry could not be read: it is not a JSON record.')
              : t('{{n}} entries could not be read: they are not JSON records.', {
                  n: flows.data.stats.unreadable,
                })}
          </span>
        ) : null}
      </Content>
      {sortsOnlyFetched && (
        <Content component="p" className="interflow-sort-hint" data-test="flows-sort-hint">
          {t(
            'Sorted by {{column}} among the {{rows}} newest matches fetched, not over every match: narrow the filters or raise the row limit, or export, which sorts every match.',
            { column: sortLabel, rows: flows.data?.records.length ?? 0 },
          )}
        </Content>
      )}
      <Drawer isExpanded={tab === 'flows' && selected !== null} isInline position="end">
        <DrawerContent
          panelContent={
            selected ? (
              <FlowDetails record={selected} onClose={closeDetails} onAddFilter={addFilter} />
            ) : undefined
          }
        >
          <DrawerContentBody>{body}</DrawerContentBody>
        </DrawerContent>
      </Drawer>
      {exportOpen && (
        <ExportModal
          isOpen
          onClose={() => setExportOpen(false)}
          columns={allColumns}
          initialColumns={visibleIds}
          timeWindow={
            view.time.kind === 'absolute'
              ? { startMs: view.time.startS * 1000, endMs: view.time.endS * 1000 }
              : answeredStats
          }
          urlFor={(columns, values) =>
            exportUrl(base, exportQueryParams(view, answeredStats), {
              columns,
              values,
              // the table's order; the default (newest first) is the backend's own
              ...(view.sort ? { sort: `${view.sort.field}:${view.sort.direction}` } : {}),
            })
          }
        />
      )}
    </div>
  );
}
