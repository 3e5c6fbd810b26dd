// Choose the columns (default: the visible ones) and download the CSV of every matching record.
import { useState } from 'react';
import {
  Button,
  Checkbox,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
} from '@patternfly/react-core';
import { useT } from '../../i18n/use-t.ts';

export interface ExportModalProps {
  isOpen: boolean;
  onClose: () => void;
  columns: ReadonlyArray<{ id: string; label: string }>;
  initialColumns: readonly string[];
  /** Builds the download URL for the chosen columns. */
  urlFor: (columns: string[]) => string;
}

export function ExportModal({ isOpen, onClose, columns, initialColumns, urlFor }: ExportModalProps) {
  const t = useT();
  // The parent mounts the modal when it opens, so the choice starts from the visible columns each time.
  const [chosen, setChosen] = useState<string[]>(() => [...initialColumns]);
  const ordered = columns.map((c) => c.id).filter((id) => chosen.includes(id));
  return (
    <Modal isOpen={isOpen} onClose={onClose} variant="small" aria-labelledby="interflow-export-title">
      <ModalHeader
        title={t('Export flows as CSV')}
        labelId="interflow-export-title"
        description={t(
          'Every record matching the current filters and time range is exported, not only the rows on screen.',
        )}
      />
      <ModalBody>
        <Form>
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
          href={ordered.length ? urlFor(ordered) : undefined}
          download
          variant="primary"
          isDisabled={!ordered.length}
          onClick={() => setTimeout(onClose, 0)}
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
