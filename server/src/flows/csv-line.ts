// CSV rows as RFC 4180 text: a cell holding `"`, `,`, CR or LF is put in double quotes with
// each `"` doubled; any other cell is written as is; rows end with CRLF. That is what
// csv-stringify writes with `record_delimiter: '\r\n'`, except that it left a cell with a lone
// LF or CR unquoted, which broke the row for any CSV reader (csv-line.test.ts shows both). The export used csv-stringify itself; profiling the export of 200 000 rows
// (node --cpu-prof, docs/benchmarks.md) put it first among the backend's own costs (about 13 %
// of the CPU time, more than reading the store), because it handles options, casts and
// callbacks per cell; this does only what the export needs.

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** One cell's text as it goes into a row: quoted when it holds `"`, `,`, CR or LF. */
export function csvCell(v: string): string {
  return NEEDS_QUOTES.test(v) ? `"${v.replace(QUOTE, '""')}"` : v;
}

/** Rows of cells as CSV text, each row ended by CRLF. */
export function csvRows(rows: readonly (readonly string[])[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      if (i > 0) out += ',';
      out += csvCell(row[i]!);
    }
    out += '\r\n';
  }
  return out;
}
