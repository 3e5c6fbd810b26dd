// Choose the columns (default: the visible ones) and how values are written, and download the
// CSV of every matching record in the table's order. The backend is asked first, so a refusal
// or an outage is said in the dialog instead of a download that silently fails.
import { useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Content,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Radio,
} from '@patternfly/react-core';
import type { ExportValues } from '@interflow/contract';
import { checkExport } from '../../api/client.ts';
import { useT } from '../../i18n/use-t.ts';
import { errorText } from '../states/error-text.ts';
import { formatValue } from '../table/CellValue.tsx';

export interface ExportModalProps {
  isOpen: boolean;
  onClose: () => void;
  columns: ReadonlyArray<{ id: string; label: string }>;
  initialColumns: readonly string[];
  /** Builds the download URL for the chosen columns and value form. */
  urlFor: (columns: string[], values: ExportValues) => string;
  /** The time window exported (epoch ms), when known: said in the dialog. */
  timeWindow?: { startMs: number; endMs: number } | undefined;
}

type Download = { kind: 'idle' } | { kind: 'asking' } | { kind: 'failed'; error: Error };

/** Lets the browser's own download stream the file to disk (no copy of it in memory). */
function startDownload(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

export function ExportModal({
  isOpen,
  onClose,
  columns,
  initialColumns,
  urlFor,
  timeWindow,
}: ExportModalProps) {
  const t = useT();
  // The parent mounts the modal when it opens, so the choice starts from the visible columns each time.
  const [chosen, setChosen] = useState<string[]>(() => [...initialColumns]);
  const [values, setValues] = useState<ExportValues>('readable');
  const [download, setDownload] = useState<Download>({ kind: 'idle' });
  const ordered = columns.map((c) => c.id).filter((id) => chosen.includes(id));
  const url = ordered.length ? urlFor(ordered, values) : undefined;

  const onDownload = async (e: { preventDefault: () => void }) => {
    e.preventDefault();
    if (!url || download.kind === 'asking') return;
    setDownload({ kind: 'asking' });
    try {
      await checkExport(url);
    } catch (err) {
      setDownload({ kind: 'failed', error: err instanceof Error ? err : new Error(String(err)) });
      return;
    }
    startDownload(url);
    onClose();
  };

  return (
    <Modal isOpen={isOpen} onClose={onClose} variant="small" aria-labelledby="interflow-export-title">
      <ModalHeader
        title={t('Export flows as CSV')}
        labelId="interflow-export-title"
        description={t(
          'Every record matching the current filters and time range is exported, not only the rows on screen, in the order of the table.',
        )}
      />
      <ModalBody>
        {download.kind === 'failed' && (
          <Alert
            variant="danger"
            variantLabel={t('Error:')}
            isInline
            title={t('The export could not be started.')}
            className="interflow-export__error"
          >
            {errorText(t, download.error)}
          </Alert>
        )}
        {timeWindow && (
          <Content component="p" data-test="export-window">
            {t('Flows ending from {{start}} to {{end}}: the time range of the table.', {
              start: formatValue(t, 'TimeFlowEndMs', timeWindow.startMs),
              end: formatValue(t, 'TimeFlowEndMs', timeWindow.endMs),
            })}
          </Content>
        )}
        <Form>
          <FormGroup role="radiogroup" isStack fieldId="interflow-export-values" label={t('Values')}>
            <Radio
              id="interflow-export-readable"
              name="interflow-export-values"
              label={t('As the table shows them (times, directions, protocol names)')}
              isChecked={values === 'readable'}
              onChange={() => setValues('readable')}
            />
            <Radio
              id="interflow-export-raw"
              name="interflow-export-values"
              label={t('Raw, as stored (field names, epoch milliseconds, codes), for programs')}
              isChecked={values === 'raw'}
              onChange={() => setValues('raw')}
            />
          </FormGroup>
          <FormGroup role="group" isStack fieldId="interflow-export-columns" label={t('Columns')}>
            {columns.map((c) => (
              <Checkbox
                key={c.id}
                id={`interflow-export-col-${c.id}`}
                label={c.label}
                isChecked={chosen.includes(c.id)}
                onChange={(_e, checked) =>
                  setChosen((prev) => (checked ? [...prev, c.id] : prev.filter((x) => x !== c.id)))
                }
              />
            ))}
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          component="a"
          href={url}
          download
          variant="primary"
          isDisabled={!url}
          isLoading={download.kind === 'asking'}
          onClick={(e) => void onDownload(e)}
        >
          {t('Download CSV')}
        </Button>
        <Button variant="link" onClick={onClose}>
          {t('Cancel')}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
