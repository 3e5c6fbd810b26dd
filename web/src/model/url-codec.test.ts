import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FILTER_OPERATORS, type Filter } from '@interflow/contract';
import { decodeView, encodeView, hasViewParams } from './url-codec.ts';
import { DEFAULT_VIEW, MAX_LIMIT, MIN_REFRESH_S, toApiParams, type ViewState } from './view.ts';

/** What the browser does: the query string goes through the location and back. */
function throughUrl(view: ViewState): ViewState {
  const url = new URL(`http://localhost/traffic-flows?${encodeView(view).toString()}`);
  const { view: back, problems } = decodeView(new URL(url.href).searchParams);
  expect(problems).toEqual([]);
  return back;
}

const HOSTILE = [
  '"',
  "'",
  '\\',
  '`',
  ',',
  ';',
  '=',
  '~',
  '!',
  '%',
  '%2C',
  '+',
  '&',
  '#',
  '?',
  '/',
  'é',
  '日本語',
  '😀',
  '\n',
  '\u0000',
  ' ',
  'a b',
  'x&filters=y',
];

describe('page URL codec', () => {
  it('opens the example URL of docs/design.md', () => {
    const { view, problems } = decodeView(
      new URLSearchParams(
        'filters=interfaces%3Dnet1%3Bsrc_namespace%3Dtest&match=all&timeRange=300&limit=100',
      ),
    );
    expect(problems).toEqual([]);
    expect(view.filters).toEqual([
      { id: 'interfaces', operator: '=', values: ['net1'] },
      { id: 'src_namespace', operator: '=', values: ['test'] },
    ]);
    expect(view.time).toEqual({ kind: 'relative', rangeS: 300 });
    expect(view.limit).toBe(100);
  });

  it('round-trips hostile filter values, absolute time, columns and sort', () => {
    for (const v of HOSTILE) {
      const view: ViewState = {
        filters: [
          { id: 'interfaces', operator: '~', values: [v, `net1${v}`] },
          { id: 'netns', operator: '!=', values: [''] },
        ],
        match: 'any',
        time: { kind: 'absolute', startS: 1700000000, endS: 1700003600 },
        limit: 500,
        cols: ['TimeFlowEndMs', 'Interfaces'],
        sort: { field: 'Bytes', direction: 'asc' },
        dedup: true,
        disabledFilters: [{ id: 'if_owner', operator: '=', values: [v === '' ? 'x' : v] }],
        refreshS: 30,
      };
      expect(throughUrl(view)).toEqual(view);
    }
  });

  it('round-trips any view (property)', () => {
    const view = fc.record({
      filters: fc.array(
        fc
          .record({
            // text filters: number filters only take numbers, which the contract's tests cover
            id: fc.constantFrom('interfaces', 'netns', 'src_namespace', 'name'),
            operator: fc.constantFrom(...FILTER_OPERATORS),
            values: fc.array(
              // any Unicode text (lone surrogates cannot exist in a URL), and strings dense in separators
              fc.oneof(
                fc.string({ unit: 'grapheme' }),
                fc.string({
                  unit: fc.constantFrom(
                    '\\',
                    ',',
                    ';',
                    '=',
                    '~',
                    '!',
                    '%',
                    '+',
                    '&',
                    '#',
                    ' ',
                    '\n',
                    '"',
                    '`',
                    'a',
                  ),
                }),
              ),
              { minLength: 1, maxLength: 3 },
            ),
          })
          .filter((f) => f.id === 'netns' || f.values.every((v) => v !== '')), // empty only means something for netns
        { maxLength: 4 },
      ),
      match: fc.constantFrom('all' as const, 'any' as const, 'bidirectional' as const),
      time: fc.oneof(
        fc.record({ kind: fc.constant('relative' as const), rangeS: fc.integer({ min: 1, max: 1209600 }) }),
        fc.integer({ min: 0, max: 2_000_000_000 }).chain((startS) =>
          fc.record({
            kind: fc.constant('absolute' as const),
            startS: fc.constant(startS),
            endS: fc.integer({ min: startS + 1, max: startS + 10_000_000 }),
          }),
        ),
      ),
      limit: fc.integer({ min: 1, max: 10000 }),
      cols: fc.option(
        fc.array(fc.constantFrom('TimeFlowEndMs', 'SrcAddr', 'Interfaces', 'Bytes'), { minLength: 1 }),
        { nil: null },
      ),
      sort: fc.option(
        fc.record({
          field: fc.constantFrom('Bytes', 'TimeFlowEndMs', 'SrcK8S_Name'),
          direction: fc.constantFrom('asc' as const, 'desc' as const),
        }),
        { nil: null },
      ),
      dedup: fc.boolean(),
      disabledFilters: fc.constantFrom<Filter[][]>(
        [],
        [{ id: 'src_address', operator: '=', values: ['192.168.122.0/24'] }],
      ),
      refreshS: fc.oneof(fc.constant(0), fc.integer({ min: MIN_REFRESH_S, max: 86400 })),
    });
    fc.assert(
      fc.property(view, (v) => {
        expect(throughUrl(v as ViewState)).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  it('carries one row per flow and switched-off filters; refuses a bad dedup with a warning', () => {
    const { view, problems } = decodeView(
      new URLSearchParams(
        'filters=if_owner%3Dsriov-client&dedup=true&disabledFilters=src_address%3D192.168.122.0%2F24&match=bidirectional',
      ),
    );
    expect(problems).toEqual([]);
    expect(view.dedup).toBe(true);
    expect(view.match).toBe('bidirectional');
    expect(view.filters).toEqual([{ id: 'if_owner', operator: '=', values: ['sriov-client'] }]);
    expect(view.disabledFilters).toEqual([
      { id: 'src_address', operator: '=', values: ['192.168.122.0/24'] },
    ]);
    // switched-off filters are not part of the query
    expect(toApiParams(view).get('filters')).toBe('if_owner=sriov-client');
    expect(toApiParams(view).has('dedup')).toBe(false);
    const bad = decodeView(new URLSearchParams('dedup=yes&disabledFilters=port%3Dhttp'));
    expect(bad.view.dedup).toBe(false);
    expect(bad.view.disabledFilters).toEqual([]);
    expect(bad.problems.map((p) => p.param)).toEqual(['disabledFilters', 'dedup']);
  });

  it('carries the auto-refresh interval (refresh=); a link asking for less than the minimum is refused with a warning', () => {
    expect(decodeView(new URLSearchParams('refresh=30')).view.refreshS).toBe(30);
    expect(encodeView({ ...DEFAULT_VIEW, refreshS: 60 }).get('refresh')).toBe('60');
    expect(encodeView(DEFAULT_VIEW).has('refresh')).toBe(false);
    expect(decodeView(new URLSearchParams('refresh=0')).problems).toEqual([]);
    for (const bad of ['1', '4', 'soon', '-30', '1.5']) {
      const { view, problems } = decodeView(new URLSearchParams(`refresh=${bad}`));
      expect(view.refreshS, bad).toBe(0);
      expect(problems, bad).toEqual([{ param: 'refresh', value: bad, min: 5 }]);
    }
    // not sent to the backend
    expect(toApiParams({ ...DEFAULT_VIEW, refreshS: 30 }).has('refresh')).toBe(false);
    // how the page behaves, not what it shows: a tab still opens its own view
    expect(hasViewParams(new URLSearchParams('refresh=30'))).toBe(false);
  });

  it('keeps parameters that are not part of the view', () => {
    const p = encodeView(DEFAULT_VIEW, new URLSearchParams('lng=ja&limit=5'));
    expect(p.get('lng')).toBe('ja');
    expect(p.get('limit')).toBe('100');
  });

  it('tells a URL with a view from one without (other parameters do not count)', () => {
    expect(hasViewParams(new URLSearchParams(''))).toBe(false);
    expect(hasViewParams(new URLSearchParams('lng=ja&foo=1'))).toBe(false);
    for (const name of ['filters', 'match', 'timeRange', 'startTime', 'endTime', 'limit', 'cols', 'sort'])
      expect(hasViewParams(new URLSearchParams(`lng=ja&${name}=`)), name).toBe(true);
  });

  it('reports unusable parameters as data and falls back to defaults for them', () => {
    const { view, problems } = decodeView(
      new URLSearchParams('filters=%3Dx&match=some&limit=0&timeRange=-5&sort=Bytes&startTime=10'),
    );
    expect(problems).toEqual([
      { param: 'filters', value: '=x', problem: { reason: 'missing-id', position: 0 } },
      { param: 'match', value: 'some' },
      { param: 'startTime', startTime: '10', endTime: null },
      { param: 'timeRange', value: '-5' },
      { param: 'limit', value: '0', max: MAX_LIMIT },
      { param: 'sort', value: 'Bytes' },
    ]);
    expect(view).toEqual(DEFAULT_VIEW);
  });

  it('holds a link to the rules the backend applies: bad filters, columns and sort fields are left out with a warning', () => {
    const { view, problems } = decodeView(
      new URLSearchParams({
        filters: 'bogus=x;interfaces=net1;port=abc;src_address=10.0.0',
        cols: 'Bogus,Bytes',
        sort: 'Nope:asc',
      }),
    );
    expect(view.filters).toEqual([{ id: 'interfaces', operator: '=', values: ['net1'] }]);
    expect(view.cols).toBeNull();
    expect(view.sort).toBeNull();
    expect(problems.map((p) => (p.param === 'filters' ? p.problem.reason : p.param))).toEqual([
      'unknown-id',
      'not-a-number',
      'not-an-address',
      'cols',
      'sort',
    ]);
    expect(problems.find((p) => p.param === 'cols')).toEqual({
      param: 'cols',
      value: 'Bogus,Bytes',
      unknown: ['Bogus'],
    });
    // what the backend takes stays as written (`tcp` is not rewritten to 6)
    expect(decodeView(new URLSearchParams('filters=protocol%3Dtcp&sort=Bytes:asc')).view).toMatchObject({
      filters: [{ id: 'protocol', operator: '=', values: ['tcp'] }],
      sort: { field: 'Bytes', direction: 'asc' },
    });
  });

  it('carries the filter syntax reason, position and filter id of the filters parameter', () => {
    const problemOf = (filters: string) =>
      decodeView(new URLSearchParams({ filters })).problems.find((p) => p.param === 'filters');
    expect(problemOf('interfaces=net1;src_namespace')).toEqual({
      param: 'filters',
      value: 'interfaces=net1;src_namespace',
      problem: { reason: 'missing-operator', position: 29, filterId: 'src_namespace' },
    });
    expect(problemOf('netns=a\\')).toEqual({
      param: 'filters',
      value: 'netns=a\\',
      problem: { reason: 'lone-backslash', position: 7, filterId: 'netns' },
    });
    expect(problemOf('interfaces=net1')).toBeUndefined();
  });

  it('keeps the offending values exactly, hostile ones included', () => {
    for (const v of HOSTILE) {
      const { problems } = decodeView(new URLSearchParams({ match: v, limit: `x${v}`, sort: v }));
      expect(problems).toEqual([
        { param: 'match', value: v },
        { param: 'limit', value: `x${v}`, max: MAX_LIMIT },
        { param: 'sort', value: v },
      ]);
    }
  });

  it('reports a bad or half absolute range once, with both values as found', () => {
    expect(decodeView(new URLSearchParams('endTime=5')).problems).toEqual([
      { param: 'startTime', startTime: null, endTime: '5' },
    ]);
    expect(decodeView(new URLSearchParams('startTime=9&endTime=5&timeRange=60'))).toEqual({
      view: { ...DEFAULT_VIEW, time: { kind: 'relative', rangeS: 60 } },
      problems: [{ param: 'startTime', startTime: '9', endTime: '5' }],
    });
  });

  it('gives the API the same filters string, time and limit', () => {
    const view: ViewState = {
      ...DEFAULT_VIEW,
      filters: [{ id: 'interfaces', operator: '=', values: ['net1'] }],
      time: { kind: 'absolute', startS: 5, endS: 10 },
    };
    expect(toApiParams(view).toString()).toBe(
      'filters=interfaces%3Dnet1&match=all&startTime=5&endTime=10&limit=100',
    );
  });
});
