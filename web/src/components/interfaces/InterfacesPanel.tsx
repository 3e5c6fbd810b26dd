// The Interfaces tab beside the flows: the agents' inventory for the view's filters and time range.
import { Alert, Content, EmptyState, EmptyStateBody } from '@patternfly/react-core';
import { SearchIcon } from '@patternfly/react-icons';
import { useInterfaces } from '../../hooks/useInterfaces.ts';
import { useT } from '../../i18n/use-t.ts';
import { toApiParams, type ViewState } from '../../model/view.ts';
import { FlowsError, LoadingState } from '../states/FlowsStates.tsx';
import { InterfacesTable } from './InterfacesTable.tsx';

export interface InterfacesPanelProps {
  /** The view whose filters and time range select the interfaces. */
  view: ViewState;
  /** The view an interface's flows link starts from (default: `view`). */
  linkView?: ViewState;
  refreshS: number;
}

export function InterfacesPanel({ view, linkView, refreshS }: InterfacesPanelProps) {
  const t = useT();
  const state = useInterfaces(toApiParams(view).toString(), refreshS, true);
  if (state.error && !state.loading) return <FlowsError error={state.error} onRetry={state.reload} />;
  if (!state.data) return <LoadingState />;
  const { interfaces, stats } = state.data;
  return (
    <div className="interflow-interfaces" data-testid="interflow-interfaces">
      {stats.ignoredFilters.length > 0 && (
        <Alert
          variant="info"
          isInline
          isPlain
          title={t('Filters that do not apply to interfaces are left out: {{ids}}', {
            ids: stats.ignoredFilters.join(', '),
          })}
        />
      )}
      {stats.truncated && (
        <Alert
          variant="warning"
          variantLabel={t('Warning:')}
          isInline
          isPlain
          title={t(
            'Too many inventory reports in this time range: the oldest were not read. Choose a shorter range.',
          )}
        />
      )}
      {interfaces.length === 0 ? (
        <EmptyState
          className="interflow-state"
          titleText={t('No interfaces reported')}
          headingLevel="h2"
          icon={SearchIcon}
        >
          <EmptyStateBody>
            {t(
              'No agent reported interfaces matching these filters in this time range. Agents report every interface at least once a minute.',
            )}
          </EmptyStateBody>
        </EmptyState>
      ) : (
        <>
          <Content component="p" className="interflow-interfaces-summary">
            {t('{{rows}} interfaces; bytes and packets over the time range.', { rows: interfaces.length })}
          </Content>
          <InterfacesTable rows={interfaces} view={linkView ?? view} />
        </>
      )}
    </div>
  );
}
