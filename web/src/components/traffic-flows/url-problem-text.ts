// Words a URL problem (data from the URL codec) in the user's language. Every case passes a
// string literal to t() so i18next-parser finds it. Keys hold no "~" (the namespace separator)
// and no backslash (i18next-parser mangles escapes), so operators are interpolated.
import type { TFunction } from 'i18next';
import { FILTER_OPERATORS, type FilterProblem } from '@interflow/contract';
import type { UrlProblem } from '../../model/url-codec.ts';

export function urlProblemText(t: TFunction, problem: UrlProblem): string {
  switch (problem.param) {
    case 'filters':
    case 'disabledFilters':
      return filterProblemText(t, problem.problem);
    case 'dedup':
      return t('"dedup" must be "true" or "false", not "{{value}}".', { value: problem.value });
    case 'cols':
      if (problem.unknown.length === 0) return t('"cols" must name at least one column.');
      return t('"cols" names columns that do not exist: {{unknown}}.', {
        unknown: problem.unknown.join(', '),
      });
    case 'match':
      return t('"match" must be "all", "any" or "bidirectional", not "{{value}}".', {
        value: problem.value,
      });
    case 'startTime':
      return t(
        '"startTime" and "endTime" must both be given in epoch seconds, with startTime before endTime.',
      );
    case 'timeRange':
      return t('"timeRange" must be a positive whole number of seconds, not "{{value}}".', {
        value: problem.value,
      });
    case 'limit':
      return t('"limit" must be a whole number from 1 to {{max}}, not "{{value}}".', {
        value: problem.value,
        max: problem.max,
      });
    case 'sort':
      return t('"sort" must look like "field:asc" or "field:desc", not "{{value}}".', {
        value: problem.value,
      });
    case 'refresh':
      return t('"refresh" must be 0 (off) or a whole number of seconds from {{min}}, not "{{value}}".', {
        value: problem.value,
        min: problem.min,
      });
  }
}

/**
 * The contract's filter problems (the same reasons the backend gives in English): a link's
 * filters and a typed value are held to the same rules the backend applies.
 */
export function filterProblemText(t: TFunction, problem: FilterProblem): string {
  switch (problem.reason) {
    case 'missing-id':
      return t('The filter at position {{position}} has no id (expected lowercase letters, digits or "_").', {
        position: problem.position,
      });
    case 'missing-operator':
      return t('The filter "{{id}}" needs an operator ({{operators}}) at position {{position}}.', {
        id: problem.filterId,
        position: problem.position,
        operators: FILTER_OPERATORS.join(' '),
      });
    case 'lone-backslash':
      return t(
        'The filter "{{id}}" ends with a single backslash at position {{position}}; a backslash in a value is written as two.',
        { id: problem.filterId, position: problem.position },
      );
    case 'text-too-long':
      return t('The filters are longer than {{limit}} characters.', { limit: problem.limit });
    case 'lone-surrogate':
      return t('The filters contain a broken character (a lone UTF-16 surrogate).');
    case 'too-many-filters':
      return t('At most {{limit}} filters are allowed.', { limit: problem.limit });
    case 'too-many-values':
      return t('The filter "{{id}}" has more than {{limit}} values.', {
        id: problem.filterId,
        limit: problem.limit,
      });
    case 'too-many-values-in-all':
      return t('At most {{limit}} filter values are allowed in all.', { limit: problem.limit });
    case 'value-too-long':
      return t('A value of the filter "{{id}}" is longer than {{limit}} characters.', {
        id: problem.filterId,
        limit: problem.limit,
      });
    case 'unknown-id':
      return t('There is no filter "{{id}}" (known: {{known}}).', {
        id: problem.filterId,
        known: problem.known.join(', '),
      });
    case 'not-a-number':
      return problem.names.length
        ? t('The filter "{{id}}" takes a number or one of {{names}}, not "{{value}}".', {
            id: problem.filterId,
            names: problem.names.join(', '),
            value: problem.value,
          })
        : t('The filter "{{id}}" takes a number, not "{{value}}".', {
            id: problem.filterId,
            value: problem.value,
          });
    case 'number-too-large':
      return t('The filter "{{id}}" takes numbers up to {{max}}, not {{value}}.', {
        id: problem.filterId,
        max: problem.max,
        value: problem.value,
      });
    case 'empty-value':
      return t('The filter "{{id}}" needs a value.', { id: problem.filterId });
    case 'not-an-address':
      return t(
        'The filter "{{id}}" takes an IPv4 or IPv6 address, a CIDR prefix (10.0.0.0/24) or a range (10.0.0.1-10.0.0.9), not "{{value}}" (use "contains" to match part of one).',
        { id: problem.filterId, value: problem.value },
      );
  }
}
