// Loading, empty and error states: say what happened and what to try.
import {
  Alert,
  AlertActionLink,
  Bullseye,
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Spinner,
} from '@patternfly/react-core';
import { SearchIcon } from '@patternfly/react-icons';
import { ApiError, NetworkError } from '../../api/client.ts';
import { useT } from '../../i18n/use-t.ts';
import { errorText } from './error-text.ts';
import { durationLabel } from '../../model/time-range.ts';

export function LoadingState() {
  const t = useT();
  return (
    <Bullseye className="interflow-state">
      <Spinner size="xl" aria-label={t('Loading flows')} />
    </Bullseye>
  );
}

export interface EmptyFlowsProps {
  hasFilters: boolean;
  onClearFilters: () => void;
  /** A range longer than the current one (seconds), or null when none is offered. */
  widerRangeS: number | null;
  onWiderRange: (rangeS: number) => void;
}

export function EmptyFlows({ hasFilters, onClearFilters, widerRangeS, onWiderRange }: EmptyFlowsProps) {
  const t = useT();
  return (
    <EmptyState
      className="interflow-state"
      titleText={t('No flows found')}
      headingLevel="h2"
      icon={SearchIcon}
    >
      <EmptyStateBody>
        {hasFilters
          ? t(
              'No flow record matches these filters in this time range. Try removing a filter or choosing a longer time range.',
            )
          : t(
              'No flow record was stored in this time range. Records appear a few seconds after traffic crosses an interface the agent watches (every interface except lo, in the host and in every named network namespace, such as a pod’s net1). Check that the agent runs (on one machine: npm start as root), send some traffic — for example a ping from a pod or namespace — or choose a longer time range.',
            )}
      </EmptyStateBody>
      <EmptyStateFooter>
        <EmptyStateActions>
          {widerRangeS !== null && (
            <Button variant="secondary" onClick={() => onWiderRange(widerRangeS)}>
              {widerRangeS === 86400
                ? t('Last 1 day')
                : t('Last {{duration}}', { duration: durationLabel(widerRangeS) })}
            </Button>
          )}
          {hasFilters && (
            <Button variant="link" onClick={onClearFilters}>
              {t('Clear all filters')}
            </Button>
          )}
        </EmptyStateActions>
      </EmptyStateFooter>
    </EmptyState>
  );
}

export interface FlowsErrorProps {
  error: Error;
  onRetry: () => void;
}

/**
 * The backend's own message is shown as is: it names the store and the reason (for example that
 * Loki is unreachable at some address). What only the client noticed is worded through t().
 */
export function FlowsError({ error, onRetry }: FlowsErrorProps) {
  const t = useT();
  let title: string;
  let hint: string;
  if (error instanceof NetworkError) {
    title = t('The Interflow backend could not be reached');
    hint = t('Check that the backend is running and reachable, then retry.');
  } else if (error instanceof ApiError && error.status === 400) {
    title = t('The query was refused');
    hint = error.param
      ? t('Fix the "{{param}}" setting of the view, then retry.', { param: error.param })
      : t('Change the filters, then retry.');
  } else if (error instanceof ApiError && error.status === 503) {
    title = t('The flow store is unavailable');
    hint = t(
      'Check that Loki (or the embedded store) is running and reachable from the backend, then retry.',
    );
  } else {
    title = t('Flows could not be loaded');
    hint = t('Retry in a moment; if it keeps failing, check the backend logs.');
  }
  return (
    <Alert
      variant="danger"
      variantLabel={t('Error:')}
      isInline
      title={title}
      className="interflow-error"
      actionLinks={<AlertActionLink onClick={onRetry}>{t('Retry')}</AlertActionLink>}
    >
      <p className="interflow-error__message">{errorText(t, error)}</p>
      <p>{hint}</p>
    </Alert>
  );
}
