import { describe, expect, test } from 'vitest';
import { canPanLater, pan, selectionMs, zoomOut, zoomTo } from './time-navigation.ts';

const NOW = 1_700_000_000_000;

describe('time navigation', () => {
  test('a relative range is measured back from now', () => {
    expect(selectionMs({ kind: 'relative', rangeS: 300 }, NOW)).toEqual([NOW - 300_000, NOW]);
  });
  test('zoomTo: whole seconds covering the drag, either direction, at least 1 s', () => {
    expect(zoomTo(NOW - 1500, NOW - 60_200)).toEqual({
      kind: 'absolute',
      startS: NOW / 1000 - 61,
      endS: NOW / 1000 - 1,
    });
    expect(zoomTo(NOW, NOW)).toEqual({ kind: 'absolute', startS: NOW / 1000, endS: NOW / 1000 + 1 });
  });
  test('pan moves by half the span and never past now', () => {
    const t = { kind: 'absolute', startS: NOW / 1000 - 3600, endS: NOW / 1000 - 1800 } as const;
    expect(pan(t, -1, NOW)).toEqual({ kind: 'absolute', startS: NOW / 1000 - 4500, endS: NOW / 1000 - 2700 });
    expect(pan(t, 1, NOW)).toEqual({ kind: 'absolute', startS: NOW / 1000 - 2700, endS: NOW / 1000 - 900 });
    expect(pan(pan(pan(t, 1, NOW), 1, NOW), 1, NOW)).toEqual({
      kind: 'absolute',
      startS: NOW / 1000 - 1800,
      endS: NOW / 1000,
    });
    expect(canPanLater(t, NOW)).toBe(true);
    expect(canPanLater({ kind: 'relative', rangeS: 60 }, NOW)).toBe(false);
  });
  test('zoomOut doubles the span around the centre, shifted back when it would end after now', () => {
    const t = { kind: 'absolute', startS: NOW / 1000 - 4000, endS: NOW / 1000 - 3000 } as const;
    expect(zoomOut(t, NOW)).toEqual({ kind: 'absolute', startS: NOW / 1000 - 4500, endS: NOW / 1000 - 2500 });
    expect(zoomOut({ kind: 'relative', rangeS: 600 }, NOW)).toEqual({
      kind: 'absolute',
      startS: NOW / 1000 - 1200,
      endS: NOW / 1000,
    });
  });
});
