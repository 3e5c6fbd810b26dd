// The Interfaces tab's table: every interface the agents report, grouped by node and by pod
// (or namespace), with the hook state and why, the SR-IOV VFs marked, and the traffic in the
// time range. An interface's name opens its flows.
import { Link, useLocation } from '../../routing/router.ts';
import { Label, Tooltip } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { InterfaceRow } from '../../api/types.ts';
import { formatBytes, formatTime } from '../../model/fields.ts';
import { flowsViewOf, groupInterfaces } from '../../model/interfaces.ts';
import { encodeView } from '../../model/url-codec.ts';
import type { ViewState } from '../../model/view.ts';
import { useT } from '../../i18n/use-t.ts';
import { hookStateText } from './hook-state-text.ts';

export interface InterfacesTableProps {
  rows: readonly InterfaceRow[];
  view: ViewState;
}

const COLUMN_COUNT = 8;

export function InterfacesTable({ rows, view }: InterfacesTableProps) {
  const t = useT();
  const location = useLocation();
  const flowsLink = (row: InterfaceRow) => {
    const params = encodeView(flowsViewOf(view, row), new URLSearchParams(location.search));
    params.delete('tab');
    return { pathname: location.pathname, search: `?${params.toString()}` };
  };
  return (
    <Table
      className="interflow-interfaces-table"
      aria-label={t('Interfaces')}
      variant="compact"
      gridBreakPoint=""
    >
      <Thead>
        <Tr>
          <Th modifier="nowrap">{t('Interface')}</Th>
          <Th modifier="nowrap">{t('Type')}</Th>
          <Th modifier="nowrap">{t('Hook')}</Th>
          <Th modifier="nowrap">{t('Link')}</Th>
          <Th modifier="nowrap">{t('MAC')}</Th>
          <Th modifier="nowrap">{t('Bytes')}</Th>
          <Th modifier="nowrap">{t('Packets')}</Th>
          <Th modifier="nowrap">{t('Last report')}</Th>
        </Tr>
      </Thead>
      {groupInterfaces(rows).map((node) => (
        <Tbody key={node.node} data-testid="interflow-interfaces-node" data-node={node.node}>
          <Tr className="interflow-interfaces-node-row">
            <Td colSpan={COLUMN_COUNT}>
              <strong>{t('Node {{node}}', { node: node.node })}</strong>
            </Td>
          </Tr>
          {node.groups.map((g) => [
            <Tr
              key={`${g.key}/head`}
              className="interflow-interfaces-group-row"
              data-testid="interflow-interfaces-group"
            >
              <Td colSpan={COLUMN_COUNT}>
                {g.pod
                  ? t('Pod {{namespace}}/{{name}}', { namespace: g.pod.namespace, name: g.pod.name })
                  : g.netns === ''
                    ? t('Host network namespace')
                    : t('Network namespace {{netns}}', { netns: g.netns })}
                {g.pod && g.netns !== '' ? (
                  <span className="interflow-interfaces-netns">
                    {' '}
                    · {t('namespace {{netns}}', { netns: g.netns })}
                  </span>
                ) : null}
              </Td>
            </Tr>,
            ...g.rows.map((row) => {
              const state = hookStateText(t, row);
              const name = row.Interfaces[0] ?? '';
              return (
                <Tr
                  key={`${g.key}/${row.IfIndex}`}
                  data-testid="interflow-interface-row"
                  data-interface={name}
                  data-netns={row.IfNetns[0] ?? ''}
                  data-hook-state={row.HookState}
                >
                  <Td dataLabel={t('Interface')}>
                    <Link to={flowsLink(row)} data-testid="interflow-interface-flows-link">
                      {name}
                    </Link>
                  </Td>
                  <Td dataLabel={t('Type')}>
                    {row.IsVF ? (
                      <Label color="purple" isCompact data-testid="interflow-interface-vf">
                        {t('SR-IOV VF')}
                      </Label>
                    ) : (
                      row.IfType
                    )}
                    {row.Driver ? <span className="interflow-interfaces-driver"> {row.Driver}</span> : null}
                  </Td>
                  <Td dataLabel={t('Hook')}>
                    {row.HookError ? (
                      <Tooltip content={row.HookError}>
                        <Label color={state.color} isCompact data-testid="interflow-interface-hook">
                          {state.text}
                        </Label>
                      </Tooltip>
                    ) : (
                      <Label color={state.color} isCompact data-testid="interflow-interface-hook">
                        {state.text}
                      </Label>
                    )}
                    {row.HookError ? <div className="interflow-interfaces-error">{row.HookError}</div> : null}
                  </Td>
                  <Td dataLabel={t('Link')}>{row.Up ? t('up') : t('down')}</Td>
                  <Td dataLabel={t('MAC')}>{row.IfMac}</Td>
                  <Td dataLabel={t('Bytes')} data-testid="interflow-interface-bytes">
                    {formatBytes(row.BytesInRange)}
                  </Td>
                  <Td dataLabel={t('Packets')}>{row.PacketsInRange}</Td>
                  <Td dataLabel={t('Last report')}>{formatTime(row.TimeReportMs)}</Td>
                </Tr>
              );
            }),
          ])}
        </Tbody>
      ))}
    </Table>
  );
}
