import { describe, expect, it } from 'vitest';
import { choicesWith, durationLabel } from './time-range.ts';

describe('time range choices', () => {
  it('offers a value from the URL that is no preset, in order, without changing the presets', () => {
    const presets = [300, 900, 3600] as const;
    expect(choicesWith(presets, 900)).toEqual([300, 900, 3600]);
    expect(choicesWith(presets, 1000)).toEqual([300, 900, 1000, 3600]);
    expect(choicesWith(presets, 7)).toEqual([7, 300, 900, 3600]);
    expect(presets).toEqual([300, 900, 3600]);
  });

  it('labels durations with the largest whole unit', () => {
    expect([300, 7200, 86400, 1209600, 90, 1000].map(durationLabel)).toEqual([
      '5m',
      '2h',
      '1d',
      '2w',
      '90s',
      '1000s',
    ]);
  });
});
