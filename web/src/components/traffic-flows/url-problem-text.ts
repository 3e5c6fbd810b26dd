// Words a URL problem (data from the URL codec) in the user's language. Every case passes a
// string literal to t() so i18next-parser finds it. Keys hold no "~" (the namespace separator)
// and no backslash (i18next-parser mangles escapes), so operators are interpolated.
import type { TFunction } from 'i18next';
import { FILTER_OPERATORS, type FilterSyntaxProblem } from '../../model/filters.ts';
import type { UrlProblem } from '../../model/url-codec.ts';

export function urlProblemText(t: TFunction, problem: UrlProblem): string {
  switch (problem.param) {
    case 'filters':
      return filterProblemText(t, problem);
    case 'match':
      return t('"match" must be "all" or "any", not "{{value}}".', { value: problem.value });
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
  }
}

function filterProblemText(t: TFunction, problem: FilterSyntaxProblem): string {
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
  }
}
