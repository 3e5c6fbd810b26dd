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
import type { FlowRecord } from '../../api/types.ts';
import { FIELD_FILTER, fieldValues } from '../../model/fields.ts';
import { columnLabel } from '../../model/labels.ts';
import { useT } from '../../i18n/use-t.ts';
import { CellValue } from '../table/CellValue.tsx';

export interface FlowDetailsProps {
  record: FlowRecord;
  onClose: () => void;
  onAddFilter: (filterId: string, value: string) => void;
}

export function FlowDetails({ record, onClose, onAddFilter }: FlowDetailsProps) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const json = JSON.stringify(record, null, 2);
  const fields = Object.keys(record).sort();
  return (
    <DrawerPanelContent className="interflow-details" widths={{ default: 'width_33' }} isResizable minSize="320px" resizeAriaLabel={t('Resize flow details')}>
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
                  <CellValue record={record} field={field} />
                  {filterId &&
                    fieldValues(record, field).map((v, i) => (
                      <Button
                        key={i}
                        variant="link"
                        isInline
                        className="interflow-details__filter"
                        onClick={() => onAddFilter(filterId, v)}
                        aria-label={t('Filter on {{field}} = {{value}}', { field: label, value: v === '' ? t('(empty)') : v })}
                      >
                        {t('Filter')}
                      </Button>
                    ))}
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
                  void navigator.clipboard?.writeText(json).then(() => setCopied(true), () => setCopied(false));
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
