// Every field of one record, each value a button that adds it as a filter, and the raw JSON.
import { useState } from 'react';
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
import type { StoredFlowRecord } from '../../api/types.ts';
import { FIELD_FILTER, fieldValue } from '../../model/fields.ts';
import { columnLabel } from '../../model/labels.ts';
import { useT } from '../../i18n/use-t.ts';
import { CellValue, formatValue } from '../table/CellValue.tsx';

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** Each value is a link-styled button: activating it adds "field = value" as a filter. */
function FilterableValues(props: {
  values: unknown[];
  render: (v: unknown) => string;
  label: (v: unknown) => string;
  onFilter: (v: unknown) => void;
}) {
  const { values, render, label, onFilter } = props;
  return (
    <span className="interflow-details__values">
      {values.map((v, i) => (
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
      ))}
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
  return (
    <DrawerPanelContent
      className="interflow-details"
      widths={{ default: 'width_33' }}
      isResizable
      minSize="320px"
      resizeAriaLabel={t('Resize flow details')}
    >
      <DrawerHead>
        <Title headingLevel="h2" size="lg">
          {t('Flow details')}
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
                      render={(v) => formatValue(t, field, v)}
                      label={(v) =>
                        t('Filter on {{field}} = {{value}}', {
                          field: label,
                          value: v === '' ? t('(empty)') : String(v),
                        })
                      }
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
