// ISO 8601 times for a column of an export, as Date#toISOString writes them
// (`2026-12-02T06:45:33.123Z`), without a Date per cell. Rows come newest first, so neighbouring
// cells of one column mostly fall in the same second: the text up to the second is kept and
// only the milliseconds are written per cell. Profiling the export put the readable times
// (three Date objects and toISOString calls per row) at about 4 % of its CPU time.

/** 9999-12-31T23:59:59.999Z: the last time toISOString writes with a four-digit year. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

/**
 * A writer for one column: the ISO text of a time in epoch milliseconds, or undefined for a
 * time it leaves to toISOString (fractions, before 1970, past year 9999, not a number).
 */
export function isoTimeWriter(): (ms: number) => string | undefined {
  let second = -1;
  let upToSecond = ''; // `2026-12-02T06:45:33.`
  return (ms) => {
    if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_YEAR_MS) || !Number.isInteger(ms)) return undefined;
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      upToSecond = new Date(s * 1000).toISOString().slice(0, 20);
    }
    const milli = ms - s * 1000;
    return `${upToSecond}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  };
}
