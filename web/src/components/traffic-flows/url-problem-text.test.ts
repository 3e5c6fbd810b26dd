// Every URL problem the codec reports is worded from the catalog: English as users read it, and a
// pseudo language derived from the English catalog (each text wrapped in ⟦…⟧) to show that no
// text bypasses t().
import i18next, { type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import {
  checkFilterValue,
  FILTER_LIMITS,
  FilterProblemError,
  parseFilters,
  type FilterProblem,
  type FilterProblemReason,
} from '@interflow/contract';
import en from '../../../../i18n/locales/en/plugin__interflow-plugin.json';
import { I18N_NAMESPACE } from '../../i18n/use-t.ts';
import { decodeView, type UrlProblem } from '../../model/url-codec.ts';
import { filterProblemText, urlProblemText } from './url-problem-text.ts';

const problemsOf = (query: string): UrlProblem[] => decodeView(new URLSearchParams(query)).problems;
const one = (query: string): UrlProblem => {
  const problems = problemsOf(query);
  expect(problems).toHaveLength(1);
  return problems[0]!;
};

/** An i18next of its own, in a pseudo language whose every text is the English one in ⟦…⟧. */
async function pseudoT(): Promise<TFunction> {
  const pseudo = Object.fromEntries(Object.entries(en).map(([k, v]) => [k, `⟦${v}⟧`]));
  const instance = i18next.createInstance();
  await instance.init({
    lng: 'xx',
    ns: [I18N_NAMESPACE],
    defaultNS: I18N_NAMESPACE,
    resources: { xx: { [I18N_NAMESPACE]: pseudo } },
    nsSeparator: '~',
    keySeparator: false,
    interpolation: { escapeValue: false },
  });
  return instance.getFixedT('xx', I18N_NAMESPACE) as unknown as TFunction;
}

// (query, English text the page shows)
const CASES: [string, string][] = [
  ['filters=%3Dnet1', 'The filter at position 0 has no id (expected lowercase letters, digits or "_").'],
  [
    'filters=interfaces%3Dnet1%3Bsrc_namespace',
    'The filter "src_namespace" needs an operator (= != ~ !~) at position 29.',
  ],
  [
    'filters=netns%3Da%5C',
    'The filter "netns" ends with a single backslash at position 7; a backslash in a value is written as two.',
  ],
  ['match=some', '"match" must be "all", "any" or "bidirectional", not "some".'],
  ['dedup=yes', '"dedup" must be "true" or "false", not "yes".'],
  [
    'startTime=10',
    '"startTime" and "endTime" must both be given in epoch seconds, with startTime before endTime.',
  ],
  ['timeRange=-5', '"timeRange" must be a positive whole number of seconds, not "-5".'],
  ['limit=10001', '"limit" must be a whole number from 1 to 10000, not "10001".'],
  ['sort=Bytes', '"sort" must look like "field:asc" or "field:desc", not "Bytes".'],
  ['cols=Bogus,Bytes,Nope', '"cols" names columns that do not exist: Bogus, Nope.'],
  ['refresh=2', '"refresh" must be 0 (off) or a whole number of seconds from 5, not "2".'],
];

describe('urlProblemText', () => {
  it('words each problem in English from the catalog', () => {
    const t = i18next.getFixedT('en', I18N_NAMESPACE) as unknown as TFunction;
    for (const [query, text] of CASES) expect(urlProblemText(t, one(query)), query).toBe(text);
  });

  it('takes every text from the catalog (pseudo language)', async () => {
    const t = await pseudoT();
    for (const [query, text] of CASES) expect(urlProblemText(t, one(query)), query).toBe(`⟦${text}⟧`);
  });

  it('shows hostile values literally: no interpolation or nesting inside them', () => {
    const t = i18next.getFixedT('en', I18N_NAMESPACE) as unknown as TFunction;
    for (const value of ['{{value}}', '{{max}}', '$t(Retry)', '<b>x</b>', '"; ~x', 'a\\b']) {
      expect(urlProblemText(t, one(`match=${encodeURIComponent(value)}`))).toBe(
        `"match" must be "all", "any" or "bidirectional", not "${value}".`,
      );
    }
  });

  it('words every filter problem reason of the contract from the catalog', async () => {
    const many = (n: number, value: (i: number) => string) => Array.from({ length: n }, (_, i) => value(i));
    // One filters text per reason (a Record, so a reason added to the contract fails to compile here).
    const TEXTS: Record<FilterProblemReason, string> = {
      'missing-id': '=net1',
      'missing-operator': 'interfaces',
      'lone-backslash': 'netns=a\\',
      'text-too-long': 'x'.repeat(FILTER_LIMITS.maxTextLength + 1),
      'lone-surrogate': 'name=\uD800',
      'too-many-filters': many(FILTER_LIMITS.maxFilters + 1, () => 'name=a').join(';'),
      'too-many-values': `name=${many(FILTER_LIMITS.maxValuesPerFilter + 1, String).join(',')}`,
      'too-many-values-in-all': many(5, () => `name=${many(50, String).join(',')}`).join(';'),
      'value-too-long': `name=${'x'.repeat(FILTER_LIMITS.maxValueLength + 1)}`,
      'unknown-id': 'color=red',
      'not-a-number': 'protocol=http',
      'number-too-large': 'port=70000',
      'empty-value': 'typed:interfaces=', // only a typed value (checkFilterValue) can be empty
      'not-an-address': 'dst_address=10.0.0',
    };
    const problemOf = (text: string): FilterProblem => {
      if (text.startsWith('typed:')) {
        const [id, value] = text.slice('typed:'.length).split('=') as [string, string];
        const check = checkFilterValue(id, '=', value);
        if (!check.ok) return check.problem;
      }
      try {
        parseFilters(text);
      } catch (e) {
        if (e instanceof FilterProblemError) return e.problem;
        throw e;
      }
      throw new Error(`accepted: ${text.slice(0, 40)}`);
    };
    const en = i18next.getFixedT('en', I18N_NAMESPACE) as unknown as TFunction;
    const pseudo = await pseudoT();
    for (const [reason, text] of Object.entries(TEXTS)) {
      const problem = problemOf(text);
      expect(problem.reason).toBe(reason);
      const words = filterProblemText(en, problem);
      expect(words, reason).not.toBe(problem.reason);
      expect(filterProblemText(pseudo, problem), reason).toBe(`⟦${words}⟧`);
    }
    expect(filterProblemText(en, problemOf('port=http'))).toBe(
      'The filter "port" takes a number, not "http".',
    );
    expect(filterProblemText(en, problemOf('color=red'))).toMatch(
      /^There is no filter "color" \(known: interfaces, /,
    );
  });
});
