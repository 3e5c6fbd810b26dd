// Top interfaces (with the pod that owns each) and top source/destination pairs of the range,
// by the chosen measure, as the backend aggregated them. Each row is a button that adds the
// matching filters; the share bar shows the row's part of the whole range (a record seen on
// two interfaces counts for both, so interface shares can add up to more than 100 %).
import { Button, Card, CardBody, CardTitle, Content } from '@patternfly/react-core';
import type { Endpoint, OverviewMetric, TopInterfacesResponse, TopPairsResponse } from '../../api/types.ts';
import { useT } from '../../i18n/use-t.ts';
import { formatMeasure } from './format-measure.ts';

export interface FilterToAdd {
  id: string;
  value: string;
}

function ShareBar({ value, total }: { value: number; total: number }) {
  const pct = total > 0 ? Math.min(100, (value / total) * 100) : 0;
  return (
    <span className="interflow-share" aria-hidden="true">
      <span className="interflow-share__fill" style={{ width: `${pct}%` }} />
    </span>
  );
}

const percent = (value: number, total: number): string =>
  total > 0 ? `${((value / total) * 100).toFixed(value / total < 0.1 ? 1 : 0)} %` : '';

interface RowProps {
  label: string;
  detail: string;
  value: number;
  total: number;
  metric: OverviewMetric;
  onClick: () => void;
  test: string;
  actionLabel: string;
}

function TopRow({ label, detail, value, total, metric, onClick, test, actionLabel }: RowProps) {
  const t = useT();
  return (
    <li className="interflow-top__row">
      <Button variant="link" isInline onClick={onClick} data-test={test} aria-label={actionLabel}>
        {label}
      </Button>
      {detail && <span className="interflow-top__detail">{detail}</span>}
      <ShareBar value={value} total={total} />
      <span className="interflow-top__value">
        {formatMeasure(t, metric, value)} <small>{percent(value, total)}</small>
      </span>
    </li>
  );
}

export function TopInterfaces({
  data,
  onAddFilters,
}: {
  data: TopInterfacesResponse;
  onAddFilters: (filters: FilterToAdd[]) => void;
}) {
  const t = useT();
  const metric = data.metric as OverviewMetric;
  return (
    <Card isCompact className="interflow-top" data-test="top-interfaces">
      <CardTitle component="h3">{t('Top interfaces')}</CardTitle>
      <CardBody>
        {data.rows.length === 0 ? (
          <Content component="p">{t('No interface carried traffic in this range.')}</Content>
        ) : (
          <ol className="interflow-top__list">
            {data.rows.map((r) => {
              const pod = r.pod
                ? `${r.namespace}/${r.pod}`
                : r.netns
                  ? t('netns {{netns}}', { netns: r.netns })
                  : t('host');
              return (
                <TopRow
                  key={`${r.interface}\n${r.netns}\n${r.namespace}\n${r.pod}`}
                  label={r.interface}
                  detail={pod}
                  value={r.value}
                  total={data.total}
                  metric={metric}
                  test={`top-interface-${r.interface}`}
                  actionLabel={t('Filter on interface {{name}} of {{owner}}', {
                    name: r.interface,
                    owner: pod,
                  })}
                  onClick={() =>
                    onAddFilters([
                      { id: 'interfaces', value: r.interface },
                      { id: 'netns', value: r.netns },
                    ])
                  }
                />
              );
            })}
          </ol>
        )}
        {data.uncountedRecords > 0 && (
          <Content component="small">
            {t(
              '{{count}} records list more interfaces than are counted here; their extra interfaces are left out.',
              {
                count: data.uncountedRecords,
              },
            )}
          </Content>
        )}
      </CardBody>
    </Card>
  );
}

function endpointText(e: Endpoint): string {
  return e.name ? `${e.namespace}/${e.name}` : e.address || '—';
}

function endpointFilters(side: 'src' | 'dst', e: Endpoint): FilterToAdd[] {
  if (e.name) {
    const out = [{ id: `${side}_name`, value: e.name }];
    if (e.namespace) out.push({ id: `${side}_namespace`, value: e.namespace });
    return out;
  }
  return e.address ? [{ id: `${side}_address`, value: e.address }] : [];
}

export function TopPairs({
  data,
  onAddFilters,
}: {
  data: TopPairsResponse;
  onAddFilters: (filters: FilterToAdd[]) => void;
}) {
  const t = useT();
  const metric = data.metric as OverviewMetric;
  return (
    <Card isCompact className="interflow-top" data-test="top-pairs">
      <CardTitle component="h3">{t('Top sources and destinations')}</CardTitle>
      <CardBody>
        {data.rows.length === 0 ? (
          <Content component="p">{t('No traffic in this range.')}</Content>
        ) : (
          <ol className="interflow-top__list">
            {data.rows.map((r) => {
              const label = t('{{source}} → {{destination}}', {
                source: endpointText(r.source),
                destination: endpointText(r.destination),
              });
              return (
                <TopRow
                  key={label}
                  label={label}
                  detail=""
                  value={r.value}
                  total={data.total}
                  metric={metric}
                  test="top-pair"
                  actionLabel={t('Filter on {{pair}}', { pair: label })}
                  onClick={() =>
                    onAddFilters([
                      ...endpointFilters('src', r.source),
                      ...endpointFilters('dst', r.destination),
                    ])
                  }
                />
              );
            })}
          </ol>
        )}
      </CardBody>
    </Card>
  );
}
