// The one grammar of filters, shared by the page URL and the API's `filters` parameter
// (docs/design.md, "Filters"):
//   filters  := filter (";" filter)*
//   filter   := id operator value ("," value)*     values are ORed
//   id       := [a-z0-9_]+                          so the operator is the first non-id character
//   operator := "!=" | "!~" | "=" | "~"
// Inside a value a backslash escapes the next character; "\\", "\," and "\;" are what an
// encoder writes. Everything else (quotes, backticks, "=", "%", newlines, any Unicode) is
// written as is; URLSearchParams then percent-encodes the whole string. A value may be empty
// (`netns=` is the host namespace).
//
// Problems are data (`FilterProblem`): the backend words them in English for a 400, the page
// words them in the user's language.
import { hasLoneSurrogate } from '../text.ts';
import { filterSpec, FILTER_SPECS, type FilterSpec } from './filter-definitions.ts';
import { parseIPPattern } from './ip-pattern.ts';

export type FilterOperator = '=' | '!=' | '~' | '!~';
export const FILTER_OPERATORS: readonly FilterOperator[] = ['=', '!=', '~', '!~'];

export interface Filter {
  id: string;
  operator: FilterOperator;
  /** ORed. After `parseFilters`, numeric fields hold the decimal number (`tcp` is `6`). */
  values: string[];
}

/** Bounds on what a client may ask for. */
export const FILTER_LIMITS = {
  maxTextLength: 8192,
  maxFilters: 20,
  maxValuesPerFilter: 50,
  maxValues: 200,
  maxValueLength: 256,
} as const;

/** What is wrong with a `filters` text. `position` is a 0-based index into the text. */
export type FilterProblem =
  | { reason: 'missing-id'; position: number }
  | { reason: 'missing-operator'; position: number; filterId: string }
  | { reason: 'lone-backslash'; position: number; filterId: string }
  | { reason: 'text-too-long'; limit: number }
  | { reason: 'lone-surrogate' }
  | { reason: 'too-many-filters'; limit: number }
  | { reason: 'too-many-values'; filterId: string; limit: number }
  | { reason: 'too-many-values-in-all'; limit: number }
  | { reason: 'value-too-long'; filterId: string; limit: number }
  | { reason: 'unknown-id'; filterId: string; known: string[] }
  | { reason: 'not-a-number'; filterId: string; value: string; names: string[] }
  | { reason: 'number-too-large'; filterId: string; value: string; max: number }
  | { reason: 'empty-value'; filterId: string }
  | { reason: 'not-an-address'; filterId: string; value: string };

export type FilterProblemReason = FilterProblem['reason'];

/** English wording, for the API's 400 answers and for logs; the page words problems through t(). */
export function filterProblemMessage(p: FilterProblem): string {
  switch (p.reason) {
    case 'missing-id':
      return `filter at position ${p.position} has no id (expected a-z, 0-9 or _)`;
    case 'missing-operator':
      return `filter "${p.filterId}" needs an operator (${FILTER_OPERATORS.join(' ')}) at position ${p.position}`;
    case 'lone-backslash':
      return `filter "${p.filterId}" ends with a lone "\\" (write "\\\\" for a backslash)`;
    case 'text-too-long':
      return `filters are longer than ${p.limit} characters`;
    case 'lone-surrogate':
      return 'filters contain a lone UTF-16 surrogate';
    case 'too-many-filters':
      return `at most ${p.limit} filters are allowed`;
    case 'too-many-values':
      return `filter ${p.filterId}: at most ${p.limit} values are allowed`;
    case 'too-many-values-in-all':
      return `at most ${p.limit} filter values are allowed in all`;
    case 'value-too-long':
      return `filter ${p.filterId}: a value is longer than ${p.limit} characters`;
    case 'unknown-id':
      return `unknown filter id "${p.filterId}" (known: ${p.known.join(', ')})`;
    case 'not-a-number': {
      const words = p.names.length ? ` or one of ${p.names.join(', ')}` : '';
      return `filter ${p.filterId}: "${p.value}" is not a number${words}`;
    }
    case 'number-too-large':
      return `filter ${p.filterId}: ${p.value} is larger than ${p.max}`;
    case 'empty-value':
      return `filter ${p.filterId}: the value is empty`;
    case 'not-an-address':
      return `filter ${p.filterId}: "${p.value}" is not an IPv4 or IPv6 address, CIDR prefix (10.0.0.0/24) or range (10.0.0.1-10.0.0.9) (use ~ to match part of one)`;
  }
}

export class FilterProblemError extends Error {
  override readonly name = 'FilterProblemError';
  constructor(readonly problem: FilterProblem) {
    super(filterProblemMessage(problem));
  }
}

const fail = (problem: FilterProblem): never => {
  throw new FilterProblemError(problem);
};

const ID_CHAR = /[a-z0-9_]/;

/**
 * The grammar alone: splits the text into filters without looking at ids or values, and
 * without limits (the page keeps what a link says and warns about it). Throws
 * FilterProblemError for missing-id, missing-operator and lone-backslash.
 */
export function splitFilters(text: string): Filter[] {
  const out: Filter[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ';') {
      i++; // an empty segment (e.g. a trailing ";") carries nothing
      continue;
    }
    const idStart = i;
    while (i < text.length && ID_CHAR.test(text[i]!)) i++;
    const id = text.slice(idStart, i);
    if (!id) fail({ reason: 'missing-id', position: idStart });
    let operator: FilterOperator;
    if (text.startsWith('!=', i)) operator = '!=';
    else if (text.startsWith('!~', i)) operator = '!~';
    else if (text[i] === '=') operator = '=';
    else if (text[i] === '~') operator = '~';
    else return fail({ reason: 'missing-operator', position: i, filterId: id });
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
        if (i + 1 >= text.length) fail({ reason: 'lone-backslash', position: i, filterId: id });
        // Keep a surrogate pair whole.
        const ch = String.fromCodePoint(text.codePointAt(i + 1)!);
        current += ch;
        i += 1 + ch.length;
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
    out.push({ id, operator, values });
  }
  return out;
}

export function isNumericSpec(spec: FilterSpec): boolean {
  return spec.max !== undefined;
}

/** A numeric filter value as the record holds it: names (`tcp`) and `080` become `6` and `80`. */
function normalizeNumber(spec: FilterSpec, operator: FilterOperator, value: string): string {
  const named = spec.names?.[value.toLowerCase()];
  if (named !== undefined) return String(named);
  if (!/^\d+$/.test(value)) {
    return fail({ reason: 'not-a-number', filterId: spec.id, value, names: Object.keys(spec.names ?? {}) });
  }
  if (operator === '=' || operator === '!=') {
    const n = Number(value);
    if (n > spec.max!) fail({ reason: 'number-too-large', filterId: spec.id, value, max: spec.max! });
    return String(n);
  }
  return value; // "contains" on digits compares the text
}

/**
 * One value against its definition: numbers (or names) in range, exact addresses addresses,
 * CIDR prefixes or ranges (what Loki's ip() takes).
 */
function checkValue(spec: FilterSpec, operator: FilterOperator, v: string): string {
  if (v.length > FILTER_LIMITS.maxValueLength) {
    fail({ reason: 'value-too-long', filterId: spec.id, limit: FILTER_LIMITS.maxValueLength });
  }
  if (isNumericSpec(spec)) return normalizeNumber(spec, operator, v);
  const exact = operator === '=' || operator === '!=';
  if (spec.address && exact && !parseIPPattern(v))
    fail({ reason: 'not-an-address', filterId: spec.id, value: v });
  return v;
}

/**
 * Checks split filters against the filter definitions and the limits: ids must be known,
 * numeric values numbers (or names) in range, exact addresses addresses; duplicates within a
 * filter are dropped. An empty text value is taken (it matches records without the field).
 */
export function checkFilters(filters: readonly Filter[]): Filter[] {
  if (filters.length > FILTER_LIMITS.maxFilters)
    fail({ reason: 'too-many-filters', limit: FILTER_LIMITS.maxFilters });
  let totalValues = 0;
  return filters.map(({ id, operator, values: raw }) => {
    const spec = filterSpec(id);
    if (!spec) return fail({ reason: 'unknown-id', filterId: id, known: FILTER_SPECS.map((s) => s.id) });
    if (raw.length > FILTER_LIMITS.maxValuesPerFilter) {
      fail({ reason: 'too-many-values', filterId: id, limit: FILTER_LIMITS.maxValuesPerFilter });
    }
    totalValues += raw.length;
    if (totalValues > FILTER_LIMITS.maxValues) {
      fail({ reason: 'too-many-values-in-all', limit: FILTER_LIMITS.maxValues });
    }
    const values = raw.map((v) => checkValue(spec, operator, v));
    return { id, operator, values: [...new Set(values)] };
  });
}

/** The API's reading of `filters`: grammar, limits and definitions. Empty text is no filter. */
export function parseFilters(text: string | undefined): Filter[] {
  if (text === undefined || text.trim() === '') return [];
  if (text.length > FILTER_LIMITS.maxTextLength)
    fail({ reason: 'text-too-long', limit: FILTER_LIMITS.maxTextLength });
  if (hasLoneSurrogate(text)) fail({ reason: 'lone-surrogate' });
  return checkFilters(splitFilters(text));
}

export type FilterValueCheck = { ok: true; value: string } | { ok: false; problem: FilterProblem };

/**
 * A value a person typed (or clicked) for one filter, checked before it becomes part of the
 * filters: trimmed unless the definition keeps spaces, not empty unless empty means something
 * (`netns=`, the host), then held to the same rules the API applies (checkFilters), so the page
 * never makes a filter the backend refuses. `value` is what to keep (as typed, trimmed: `tcp`
 * stays `tcp`).
 */
export function checkFilterValue(id: string, operator: FilterOperator, typed: string): FilterValueCheck {
  const spec = filterSpec(id);
  const value = spec?.keepsSpaces ? typed : typed.trim();
  try {
    if (value === '' && spec && !spec.allowsEmpty) fail({ reason: 'empty-value', filterId: id });
    checkFilters([{ id, operator, values: [value] }]);
    if (hasLoneSurrogate(value)) fail({ reason: 'lone-surrogate' });
    return { ok: true, value };
  } catch (e) {
    if (e instanceof FilterProblemError) return { ok: false, problem: e.problem };
    throw e;
  }
}

export function escapeFilterValue(value: string): string {
  return value.replace(/[\\,;]/g, (c) => `\\${c}`);
}

export function encodeFilter(filter: Filter): string {
  return `${filter.id}${filter.operator}${filter.values.map(escapeFilterValue).join(',')}`;
}

/** The inverse of splitFilters. */
export function encodeFilters(filters: readonly Filter[]): string {
  return filters.map(encodeFilter).join(';');
}
