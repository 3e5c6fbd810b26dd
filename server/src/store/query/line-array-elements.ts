// `| json x="IfDirections[k]"` and `| json x="Interface"` answered from the column index: the
// extractions of the interface/direction pairing (logql/element-pairs.ts) that the table's and
// the overview's queries carry with `interfaces=…;ifdirections=…` under match=all.
//
// They are read from the array texts the index keeps per row for line filters
// (array-line-filter.ts) rather than from element columns of their own, which would cost every
// row memory for a filter most queries never use. Exact on every row not marked
// FLAG_ARRAYS_ODD, which a scan reading these must give up on:
//  - there the text is JSON.stringify of the line's top-level array, so element k of its parse
//    is what `| json` finds at `Field[k]`; the text is "" when the line has no such array, and
//    `Field[k]` then extracts "" too (from nothing, a string, a number or an object);
//  - there the line has no singular key (`Interface`, `IfDirection`) at its top level, so
//    extracting one gives "".
import { elementText } from './json-labels.ts';

/** Texts by id, as a dictionary's. */
export interface TextTable {
  readonly texts: readonly string[];
  readonly size: number;
}

/**
 * Element `index` of each array text of `dict`, at the same ids. Taken when the query starts,
 * in the same tick as the count of rows it reads, so every id it meets is in it.
 */
export function elementTexts(dict: TextTable, index: number): TextTable {
  const texts = dict.texts.slice(0, dict.size).map((text) => {
    if (text === '') return '';
    const element: unknown = (JSON.parse(text) as unknown[])[index];
    return element === undefined ? '' : elementText(element);
  });
  return { texts, size: texts.length };
}

/** "" at every id of `dict`: a singular key on rows that do not hold it. */
export function emptyTexts(dict: TextTable): TextTable {
  const texts = new Array<string>(dict.size).fill('');
  return { texts, size: texts.length };
}
