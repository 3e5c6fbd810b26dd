// Relative ranges (5m … 2w) or a custom absolute range entered as local date-times.
import { useState } from 'react';
import { Button, FormSelect, FormSelectOption, TextInput } from '@patternfly/react-core';
import { TIME_RANGES_S, choicesWith, durationLabel } from '../../model/time-range.ts';
import type { TimeSelection } from '../../model/view.ts';
import { useT } from '../../i18n/use-t.ts';

const CUSTOM = 'custom';

/** `datetime-local` value (local time, seconds precision) ↔ epoch seconds. */
export function toLocalInput(epochS: number): string {
  const d = new Date(epochS * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fromLocalInput(text: string): number | null {
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function sameSelection(a: TimeSelection, b: TimeSelection): boolean {
  if (a.kind === 'relative') return b.kind === 'relative' && a.rangeS === b.rangeS;
  if (b.kind === 'relative') return false;
  return a.startS === b.startS && a.endS === b.endS;
}

export interface TimeRangePickerProps {
  value: TimeSelection;
  onChange: (next: TimeSelection) => void;
}

export function TimeRangePicker({ value, onChange }: TimeRangePickerProps) {
  const t = useT();
  const [editing, setEditing] = useState(false);
  // A custom range starts from the one in the URL, or from the last hour.
  const [initial] = useState(() => {
    if (value.kind === 'absolute') return value;
    const nowS = Math.floor(Date.now() / 1000);
    return { startS: nowS - 3600, endS: nowS };
  });
  const [start, setStart] = useState(() => toLocalInput(initial.startS));
  const [end, setEnd] = useState(() => toLocalInput(initial.endS));
  // The selection can change without this picker (Back/Forward, a new link): the custom fields
  // then show its range, not the dates typed or opened before, and an unfinished edit is dropped.
  const [fieldsOf, setFieldsOf] = useState(value);
  if (!sameSelection(fieldsOf, value)) {
    setFieldsOf(value);
    setEditing(false);
    if (value.kind === 'absolute') {
      setStart(toLocalInput(value.startS));
      setEnd(toLocalInput(value.endS));
    }
  }
  const startS = fromLocalInput(start);
  const endS = fromLocalInput(end);
  const custom = startS !== null && endS !== null && startS < endS ? { startS, endS } : null;

  const selected = editing || value.kind === 'absolute' ? CUSTOM : String(value.rangeS);
  // A relative range from a shared URL that is no preset is offered too, so the select shows it.
  const ranges = value.kind === 'relative' ? choicesWith(TIME_RANGES_S, value.rangeS) : TIME_RANGES_S;

  return (
    <div className="interflow-time-range">
      <FormSelect
        value={selected}
        aria-label={t('Time range')}
        onChange={(_e, v) => {
          if (v === CUSTOM) setEditing(true);
          else {
            setEditing(false);
            onChange({ kind: 'relative', rangeS: Number(v) });
          }
        }}
      >
        {ranges.map((s) => (
          <FormSelectOption
            key={s}
            value={String(s)}
            label={t('Last {{duration}}', { duration: durationLabel(s) })}
          />
        ))}
        <FormSelectOption value={CUSTOM} label={t('Custom time range')} />
      </FormSelect>
      {selected === CUSTOM && (
        <div className="interflow-time-range__custom">
          <TextInput
            type="datetime-local"
            step={1}
            value={start}
            onChange={(_e, v) => setStart(v)}
            aria-label={t('From')}
          />
          <TextInput
            type="datetime-local"
            step={1}
            value={end}
            onChange={(_e, v) => setEnd(v)}
            aria-label={t('To')}
          />
          <Button
            variant="secondary"
            isDisabled={!custom}
            onClick={() => {
              if (!custom) return;
              setEditing(false);
              onChange({ kind: 'absolute', ...custom });
            }}
          >
            {t('Apply')}
          </Button>
        </div>
      )}
    </div>
  );
}
