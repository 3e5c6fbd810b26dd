// docs/benchmarks.md has two halves: what `npm run bench` writes (machine, figures, method) and,
// below a marker, the investigations written by hand (passes per issue, with dates and loads).
// A full run rewrites the first half and must carry the second over unchanged: those passes
// are the only record of how a figure was reached.

/** The line that starts the hand-written half; everything from it to the end is kept. */
export const KEPT_MARK =
  '<!-- Written by hand from here on: `npm run bench` rewrites what is above and keeps this part. -->';

/** The generated text followed by the previous file's hand-written half, if it had one. */
export function withKeptPart(generated: string, previous: string | undefined): string {
  const at = previous?.indexOf(KEPT_MARK) ?? -1;
  if (at < 0) return generated;
  return `${generated.replace(/\n*$/, '\n')}\n${previous!.slice(at)}`;
}
