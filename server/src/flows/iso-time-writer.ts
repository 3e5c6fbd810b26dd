// ISO 8601 times for a column of an export, as Date#toISOString writes them
// (`2026-12-02T06:45:33.123Z`), without a Date per cell. The text up to the second is kept
// (rows come newest first: neighbouring end times mostly share it); a new second is written
// from its numbers with tables of two-digit texts, the date part kept per day (rows of an
// export mostly share a few days), and the milliseconds from a table of three-digit texts.
// Profiling the export put the readable times (three Date objects and toISOString calls per
// row) at about 4 % of its CPU time; keeping only the text up to the second still made a Date
// for most start times, which differ row by row.

/** 9999-12-31T23:59:59.999Z: the last time toISOString writes with a four-digit year. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const DAY_MS = 86_400_000;

/** `00`…`99`, and `000`…`999`. */
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * A writer for one column: the ISO text of a time in epoch milliseconds, or undefined for a
 * time it leaves to toISOString (fractions, before 1970, past year 9999, not a number).
 */
export function isoTimeWriter(): (ms: number) => string | undefined {
  let day = -1;
  let date = ''; // `2026-12-02T`
  let second = -1;
  let upToSecond = ''; // `2026-12-02T06:45:33.`
  return (ms) => {
    if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_YEAR_MS) || !Number.isInteger(ms)) return undefined;
    const milli = ms % 1000;
    const s = ms - milli;
    if (s !== second) {
      second = s;
      const d = Math.floor(s / DAY_MS);
      if (d !== day) {
        day = d;
        date = new Date(d * DAY_MS).toISOString().slice(0, 11);
      }
      // UTC in epoch time has no leap seconds: every day is DAY_MS long.
      const ofDay = (s - d * DAY_MS) / 1000;
      const sec = ofDay % 60;
      const minutes = (ofDay - sec) / 60;
      const min = minutes % 60;
      upToSecond = `${date}${TWO[(minutes - min) / 60]}:${TWO[min]}:${TWO[sec]}.`;
    }
    return `${upToSecond}${THREE[milli]}Z`;
  };
}
