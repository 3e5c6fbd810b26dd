// Every field of one record, each value a button that adds it as a filter, and the raw JSON.
// Keyboard (PatternFly's drawer pattern): focus moves to the panel's title when a flow is
// shown, Escape closes it (the view then returns focus to the row).
import { useEffect, useRef, useState } from 'react';
import {
  Button,
  ClipboardCopyButton,
  CodeBlock,
  CodeBlockAction,
  CodeBlockCode,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  DrawerActions,
  DrawerCloseButton,
  DrawerHead,
  DrawerPanelBody,
  DrawerPanelContent,
  Title,
} from '@patternfly/react-core';
import { checkFilterValue } from '@interflow/contract';
import type { StoredFlowRecord } from '../../api/types.ts';
import { FIELD_FILTER, fieldValue } from '../../model/fields.ts';
import { columnLabel } from '../../model/labels.ts';
import { useT } from '../../i18n/use-t.ts';
import { CellValue, formatValue } from '../table/CellValue.tsx';

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/**
 * Each value is a link-styled button: activating it adds "field = value" as a filter. A value
 * that would make a filter the backend refuses (an empty name) is shown as text.
 */
function FilterableValues(props: {
  values: unknown[];
  render: (v: unknown) => string;
  label: (v: unknown) => string;
  canFilter: (v: unknown) => boolean;
  onFilter: (v: unknown) => void;
}) {
  const { values, render, label, canFilter, onFilter } = props;
  return (
    <span className="interflow-details__values">
      {values.map((v, i) =>
        !canFilter(v) ? (
          <span key={i} className="interflow-muted">
            {render(v)}
          </span>
        ) : (
          <Button
            key={i}
            variant="link"
            isInline
            className="interflow-details__filter"
            onClick={() => onFilter(v)}
            aria-label={label(v)}
            title={label(v)}
          >
            {render(v)}
          </Button>
        ),
      )}
    </span>
  );
}

export interface FlowDetailsProps {
  record: StoredFlowRecord;
  onClose: () => void;
  onAddFilter: (filterId: string, value: string) => void;
}

export function FlowDetails({ record, onClose, onAddFilter }: FlowDetailsProps) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const json = JSON.stringify(record, null, 2);
  const fields = Object.keys(record).sort();
  const titleRef = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    titleRef.current?.focus();
  }, [record]);
  return (
    <DrawerPanelContent
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
      className="interflow-details"
      widths={{ default: 'width_33' }}
      isResizable
      minSize="320px"
      resizeAriaLabel={t('Resize flow details')}
    >
      <DrawerHead>
        <Title headingLevel="h2" size="lg">
          <span tabIndex={-1} ref={titleRef} className="interflow-details__title">
            {t('Flow details')}
          </span>
        </Title>
        <DrawerActions>
          <DrawerCloseButton onClick={onClose} aria-label={t('Close flow details')} />
        </DrawerActions>
      </DrawerHead>
      <DrawerPanelBody>
        <DescriptionList isCompact isHorizontal aria-label={t('Fields of the flow')}>
          {fields.map((field) => {
            const filterId = FIELD_FILTER[field];
            const label = columnLabel(t, field);
            return (
              <DescriptionListGroup key={field}>
                <DescriptionListTerm>
                  <span title={field}>{label}</span>
                </DescriptionListTerm>
                <DescriptionListDescription>
                  {filterId ? (
                    <FilterableValues
                      values={asList(fieldValue(record, field))}
                      render={(v) => formatValue(t, field, v, record)}
                      label={(v) =>
                        t('Filter on {{field}} = {{value}}', {
                          field: label,
                          // the words of the cell (TCP, Egress), not the stored code
                          value: v === '' ? t('(empty)') : formatValue(t, field, v, record),
                        })
                      }
                      canFilter={(v) => checkFilterValue(filterId, '=', String(v)).ok}
                      onFilter={(v) => onAddFilter(filterId, String(v))}
                    />
                  ) : (
                    <CellValue record={record} field={field} />
                  )}
                </DescriptionListDescription>
              </DescriptionListGroup>
            );
          })}
        </DescriptionList>
        <Title headingLevel="h3" size="md" className="interflow-details__json-title">
          {t('Raw JSON')}
        </Title>
        <CodeBlock
          actions={
            <CodeBlockAction>
              <ClipboardCopyButton
                id="interflow-copy-json"
                textId="interflow-raw-json"
                aria-label={t('Copy JSON to clipboard')}
                onClick={() => {
                  void navigator.clipboard?.writeText(json).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  );
                }}
                exitDelay={copied ? 1500 : 600}
                variant="plain"
                onTooltipHidden={() => setCopied(false)}
              >
                {copied ? t('Copied') : t('Copy JSON to clipboard')}
              </ClipboardCopyButton>
            </CodeBlockAction>
          }
        >
          <CodeBlockCode id="interflow-raw-json">{json}</CodeBlockCode>
        </CodeBlock>
      </DrawerPanelBody>
    </DrawerPanelContent>
  );
}
