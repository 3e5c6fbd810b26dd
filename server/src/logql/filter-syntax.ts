// Parses the `filters` parameter (`interfaces=net1;src_namespace!=a,b`) into typed filters,
// with the same syntax as the page (web/src/model/filters.ts: `\\`, `\,`, `\;` escapes),
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
    if (n > spec.max!)
      throw new BadParamError(param, `filter ${spec.id}: ${value} is larger than ${spec.max}`);
    return String(n); // 080 → 80, as the record holds it
  }
  return value;
}

const ID_CHAR = /[a-z0-9_]/;

interface RawFilter {
  id: string;
  op: FilterOp;
  values: string[];
}

/**
 * Splits the text into filters (syntax shared with web/src/model/filters.ts):
 *   filters := filter (";" filter)* ; filter := id operator value ("," value)*
 * Inside a value a backslash escapes the next character ("\\", "\,", "\;").
 */
function splitFilters(param: string, text: string): RawFilter[] {
  const out: RawFilter[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ';') {
      i++; // an empty segment (e.g. a trailing ";") carries nothing
      continue;
    }
    const idStart = i;
    while (i < text.length && ID_CHAR.test(text[i]!)) i++;
    const id = text.slice(idStart, i);
    if (!id)
      throw new BadParamError(param, `filter at position ${idStart} has no id (expected a-z, 0-9 or _)`);
    let op: FilterOp;
    if (text.startsWith('!=', i)) op = '!=';
    else if (text.startsWith('!~', i)) op = '!~';
    else if (text[i] === '=') op = '=';
    else if (text[i] === '~') op = '~';
    else
      throw new BadParamError(
        param,
        `filter "${id}" needs an operator (${FILTER_OPS.join(' ')}) at position ${i}`,
      );
    i += op.length;
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
          throw new BadParamError(
            param,
            `filter "${id}" ends with a lone "\\" (write "\\\\" for a backslash)`,
          );
        // Keep a surrogate pair whole.
        const cp = text.codePointAt(i + 1)!;
        const ch = String.fromCodePoint(cp);
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
      if (values.length > FILTER_LIMITS.maxValuesPerFilter) {
        throw new BadParamError(
          param,
          `filter ${id}: at most ${FILTER_LIMITS.maxValuesPerFilter} values are allowed`,
        );
      }
    }
    out.push({ id, op, values });
    if (out.length > FILTER_LIMITS.maxFilters) {
      throw new BadParamError(param, `at most ${FILTER_LIMITS.maxFilters} filters are allowed`);
    }
  }
  return out;
}

export function parseFilters(text: string | undefined, param = 'filters'): FlowFilter[] {
  if (text === undefined || text.trim() === '') return [];
  if (text.length > FILTER_LIMITS.maxTextLength) {
    throw new BadParamError(param, `filters are longer than ${FILTER_LIMITS.maxTextLength} characters`);
  }
  if (hasLoneSurrogate(text)) throw new BadParamError(param, 'filters contain a lone UTF-16 surrogate');
  let totalValues = 0;
  return splitFilters(param, text).map(({ id, op, values: raw }) => {
    const spec = filterSpec(id);
    if (!spec) {
      throw new BadParamError(
        param,
        `unknown filter id "${id}" (known: ${FILTER_SPECS.map((s) => s.id).join(', ')})`,
      );
    }
    if (raw.length > FILTER_LIMITS.maxValuesPerFilter) {
      throw new BadParamError(
        param,
        `filter ${id}: at most ${FILTER_LIMITS.maxValuesPerFilter} values are allowed`,
      );
    }
    totalValues += raw.length;
    if (totalValues > FILTER_LIMITS.maxValues) {
      throw new BadParamError(param, `at most ${FILTER_LIMITS.maxValues} filter values are allowed in all`);
    }
    const values = raw.map((v) => {
      if (v.length > FILTER_LIMITS.maxValueLength) {
        throw new BadParamError(
          param,
          `filter ${id}: a value is longer than ${FILTER_LIMITS.maxValueLength} characters`,
        );
      }
      return isNumericSpec(spec) ? normalizeNumber(param, spec, op, v) : v;
    });
    return { id, op, values: [...new Set(values)] };
  });
}

export function escapeFilterValue(value: string): string {
  return value.replace(/[\\,;]/g, (c) => `\\${c}`);
}

/** The inverse of parseFilters, for logs and tests. */
export function formatFilters(filters: FlowFilter[]): string {
  return filters.map((f) => `${f.id}${f.op}${f.values.map(escapeFilterValue).join(',')}`).join(';');
}
