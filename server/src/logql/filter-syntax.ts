// Parses the `filters` parameter (`interfaces=net1;src_namespace!=a,b`) into typed filters,
// rejecting anything unknown or oversized with a BadParamError naming the parameter.
import { BadParamError } from '../errors.ts';
import { hasLoneSurrogate } from './literals.ts';
import { filterSpec, FILTER_SPECS, type FilterSpec } from './filter-defs.ts';

export type FilterOp = '=' | '!=' | '~' | '!~';
export const FILTER_OPS: readonly FilterOp[] = ['=', '!=', '~', '!~'];

export interface FlowFilter {
  id: string;
  op: FilterOp;
  /** ORed. Numeric fields hold the decimal number (`tcp` is already `6`). */
  values: string[];
}

/** Bounds on what a client may ask for; past them the request is a 400. */
export const FILTER_LIMITS = {
  maxTextLength: 8192,
  maxFilters: 20,
  maxValuesPerFilter: 50,
  maxValues: 200,
  maxValueLength: 256,
} as const;

const SEGMENT = /^([A-Za-z0-9_]*)(!=|!~|=|~)([\s\S]*)$/;

// Inside a value a backslash escapes the next character, so "\\" is a backslash, "\," a comma
// and "\;" a semicolon (the page writes exactly these three; any other escaped character
// stands for itself). Shared with web/src/model/filters.ts.

/** Splits on unescaped `sep`, keeping escapes in the pieces. */
function splitUnescaped(param: string, text: string, sep: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      if (i + 1 >= text.length) {
        throw new BadParamError(param, 'a filter ends with a lone "\\" (write "\\\\" for a backslash)');
      }
      i++;
    } else if (text[i] === sep) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}

function unescapeValue(value: string): string {
  return value.replace(/\\([\s\S])/g, '$1');
}

export function escapeFilterValue(value: string): string {
  return value.replace(/[\\,;]/g, (c) => `\\${c}`);
}

export function isNumericSpec(spec: FilterSpec): boolean {
  return spec.max !== undefined;
}

function normalizeNumber(param: string, spec: FilterSpec, op: FilterOp, value: string): string {
  const named = spec.names?.[value.toLowerCase()];
  if (named !== undefined) return String(named);
  if (!/^\d+$/.test(value)) {
    const words = spec.names ? ` or one of ${Object.keys(spec.names).join(', ')}` : '';
    throw new BadParamError(param, `filter ${spec.id}: "${value}" is not a number${words}`);
  }
  if (op === '=' || op === '!=') {
    const n = Number(value);
    if (n > spec.max!) throw new BadParamError(param, `filter ${spec.id}: ${value} is larger than ${spec.max}`);
    return String(n); // 080 → 80, as the record holds it
  }
  return value;
}

export function parseFilters(text: string | undefined, param = 'filters'): FlowFilter[] {
  if (text === undefined || text.trim() === '') return [];
  if (text.length > FILTER_LIMITS.maxTextLength) {
    throw new BadParamError(param, `filters are longer than ${FILTER_LIMITS.maxTextLength} characters`);
  }
  if (hasLoneSurrogate(text)) throw new BadParamError(param, 'filters contain a lone UTF-16 surrogate');
  const segments = splitUnescaped(param, text, ';').filter((s) => s !== '');
  if (segments.length > FILTER_LIMITS.maxFilters) {
    throw new BadParamError(param, `at most ${FILTER_LIMITS.maxFilters} filters are allowed (got ${segments.length})`);
  }
  let totalValues = 0;
  return segments.map((segment) => {
    const m = SEGMENT.exec(segment);
    if (!m) {
      const shown = segment.length > 40 ? `${segment.slice(0, 40)}…` : segment;
      throw new BadParamError(param, `filter "${shown}" needs an id, an operator (${FILTER_OPS.join(' ')}) and values`);
    }
    const [, id, opText, valuesText] = m as unknown as [string, string, FilterOp, string];
    const spec = filterSpec(id);
    if (!spec) {
      throw new BadParamError(param, `unknown filter id "${id}" (known: ${FILTER_SPECS.map((s) => s.id).join(', ')})`);
    }
    const raw = splitUnescaped(param, valuesText, ',').map(unescapeValue);
    if (raw.length > FILTER_LIMITS.maxValuesPerFilter) {
      throw new BadParamError(param, `filter ${id}: at most ${FILTER_LIMITS.maxValuesPerFilter} values are allowed`);
    }
    totalValues += raw.length;
    if (totalValues > FILTER_LIMITS.maxValues) {
      throw new BadParamError(param, `at most ${FILTER_LIMITS.maxValues} filter values are allowed in all`);
    }
    const values = raw.map((v) => {
      if (v.length > FILTER_LIMITS.maxValueLength) {
        throw new BadParamError(param, `filter ${id}: a value is longer than ${FILTER_LIMITS.maxValueLength} characters`);
      }
      return isNumericSpec(spec) ? normalizeNumber(param, spec, opText, v) : v;
    });
    return { id, op: opText, values: [...new Set(values)] };
  });
}

/** The inverse of parseFilters, for logs and tests. */
export function formatFilters(filters: FlowFilter[]): string {
  return filters.map((f) => `${f.id}${f.op}${f.values.map(escapeFilterValue).join(',')}`).join(';');
}
