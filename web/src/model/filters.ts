// Filters as they travel in the page URL and in the API's `filters` parameter.
//
// Syntax (shared with the backend, see DESIGN.md "Filters"):
//   filters := filter (";" filter)*
//   filter  := id operator values
//   id      := [a-z0-9_]+            (so the operator is the first non-id character)
//   operator:= "!=" | "!~" | "=" | "~"
//   values  := value ("," value)*    (values are ORed)
// Inside a value, three characters are escaped with a backslash: "\" as "\\", "," as "\,"
// and ";" as "\;". Everything else (including "=", "~", "!", quotes, backticks, "%",
// "+", newlines, any Unicode) is written as is; URLSearchParams then percent-encodes the
// whole string. A value may be empty (`netns=` is the host namespace).

export type FilterOperator = '=' | '!=' | '~' | '!~';
export const FILTER_OPERATORS: readonly FilterOperator[] = ['=', '!=', '~', '!~'];

export interface Filter {
  id: string;
  operator: FilterOperator;
  values: string[];
}

/**
 * What is wrong with a `filters` string, as data: the page words it in the user's language.
 * `position` is the 0-based index in the string (of the missing id or operator, or of the lone
 * backslash); `filterId` names the filter once its id has been read.
 */
export type FilterSyntaxProblem =
  | { reason: 'missing-id'; position: number }
  | { reason: 'missing-operator'; position: number; filterId: string }
  | { reason: 'lone-backslash'; position: number; filterId: string };

export type FilterSyntaxReason = FilterSyntaxProblem['reason'];

/** English wording for logs and tests; the UI words the problem through t() instead. */
function englishMessage(problem: FilterSyntaxProblem): string {
  switch (problem.reason) {
    case 'missing-id':
      return `filter at position ${problem.position} has no id (expected letters, digits or "_")`;
    case 'missing-operator':
      return `filter "${problem.filterId}" needs an operator (=, !=, ~ or !~) at position ${problem.position}`;
    case 'lone-backslash':
      return `filter "${problem.filterId}" ends with a lone "\\" (write "\\\\" for a backslash)`;
  }
}

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  constructor(readonly problem: FilterSyntaxProblem) {
    super(englishMessage(problem));
  }
}

const ID_CHAR = /[a-z0-9_]/;

export function escapeFilterValue(value: string): string {
  return value.replace(/[\\,;]/g, (c) => `\\${c}`);
}

export function encodeFilter(filter: Filter): string {
  return `${filter.id}${filter.operator}${filter.values.map(escapeFilterValue).join(',')}`;
}

export function encodeFilters(filters: readonly Filter[]): string {
  return filters.map(encodeFilter).join(';');
}

/** Parses the `filters` string. Throws FilterSyntaxError whose `problem` names the reason and position. */
export function parseFilters(text: string): Filter[] {
  const filters: Filter[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ';') {
      i++; // an empty segment (e.g. a trailing ";") carries nothing
      continue;
    }
    const idStart = i;
    while (i < text.length && ID_CHAR.test(text[i]!)) i++;
    const id = text.slice(idStart, i);
    if (!id) throw new FilterSyntaxError({ reason: 'missing-id', position: idStart });
    let operator: FilterOperator;
    if (text.startsWith('!=', i)) operator = '!=';
    else if (text.startsWith('!~', i)) operator = '!~';
    else if (text[i] === '=') operator = '=';
    else if (text[i] === '~') operator = '~';
    else throw new FilterSyntaxError({ reason: 'missing-operator', position: i, filterId: id });
    i += operator.length;
    const values: string[] = [];
    let current = '';
    for (;;) {
      if (i >= text.length || text[i] === ';') {
        values.push(current);
        break;
      }
      const c = text[i]!;
      if (c === '\\') {
        if (i + 1 >= text.length)
          throw new FilterSyntaxError({ reason: 'lone-backslash', position: i, filterId: id });
        current += text[i + 1];
        i += 2;
        continue;
      }
      if (c === ',') {
        values.push(current);
        current = '';
      } else {
        current += c;
      }
      i++;
    }
    filters.push({ id, operator, values });
  }
  return filters;
}

export function filtersEqual(a: Filter, b: Filter): boolean {
  return (
    a.id === b.id &&
    a.operator === b.operator &&
    a.values.length === b.values.length &&
    a.values.every((v, k) => v === b.values[k])
  );
}

/** Adds `value` to a filter with the same id and operator, or appends a new filter. */
export function addFilterValue(
  filters: readonly Filter[],
  id: string,
  operator: FilterOperator,
  value: string,
): Filter[] {
  const at = filters.findIndex((f) => f.id === id && f.operator === operator);
  if (at < 0) return [...filters, { id, operator, values: [value] }];
  const existing = filters[at]!;
  if (existing.values.includes(value)) return [...filters];
  const next = [...filters];
  next[at] = { ...existing, values: [...existing.values, value] };
  return next;
}

export function removeFilterValue(filters: readonly Filter[], index: number, value: string): Filter[] {
  const f = filters[index];
  if (!f) return [...filters];
  const values = f.values.filter((v) => v !== value);
  if (!values.length) return filters.filter((_, k) => k !== index);
  const next = [...filters];
  next[index] = { ...f, values };
  return next;
}
