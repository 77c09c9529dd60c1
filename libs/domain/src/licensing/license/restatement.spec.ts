import fc from 'fast-check';
import { Big } from '../../money/big';
import { SalesLine } from '../royalty/terms';
import { allocateToLicensors } from './assessments';
import { LicenseCommand, RestateSalesReport } from './commands';
import { licenseSummary } from './summary';
import { assessments, given, grant, history, line, refusal, stateOf, submit } from './license.test-kit';
import { LicenseEvent } from './events';

const restate = (reportId: string, lines: SalesLine[], extra: Partial<RestateSalesReport['data']> = {}): RestateSalesReport => ({
  type: 'RestateSalesReport',
  data: { reportId, lines, assessmentIds: ['x1', 'x2', 'x3'], today: '2026-02-01', ...extra },
});
const q1 = submit('r-q1', '2025-Q1', [line('520000.00', '40000.00')]);
const q2 = submit('r-q2', '2025-Q2', [line('700000.00')]);
const close2025: LicenseCommand = { type: 'CloseRoyaltyYear', data: { year: 2025, assessmentId: 'a-2025', today: '2026-01-05' } };

describe('RestateSalesReport', () => {
  it('lists the restated report even when its royalty does not move, but assesses nothing at zero', () => {
    const events = given(history(grant(), q1, q2)).when(restate('r-q2', [line('700000.00')], { royaltyReported: '22800.00' }))();
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({
      reportId: 'r-q2', royaltyReported: '22800.00',
      adjustments: [{ reportId: 'r-q2', period: '2025-Q2', previous: '22800.00', restated: '22800.00', delta: '0.00' }],
    });
  });

  it('adjusts only the reports whose royalty moves (an earlier report is untouched)', () => {
    const events = given(history(grant(), q1, q2)).when(restate('r-q2', [line('800000.00')]))();
    expect(events[0].data).toMatchObject({ adjustments: [{ reportId: 'r-q2', previous: '22800.00', restated: '26800.00', delta: '4000.00' }] });
    expect(events[1].data).toMatchObject({ assessmentId: 'x1', kind: 'adjustment', reportId: 'r-q2', amount: '4000.00' });
  });

  it('corrects the shortfall of a closed year with a shortfall adjustment', () => {
    const closed = history(grant(), q1, q2, close2025); // running 37,200.00 → shortfall 12,800.00
    expect(assessments(closed).at(-1)).toMatchObject({ kind: 'shortfall', amount: '12800.00' });
    const events = given(closed).when(restate('r-q1', [line('520000.00', '70000.00')]))();
    expect(events.map((e) => (e.type === 'RoyaltyAssessed' ? [e.data.kind, e.data.amount] : e.type))).toEqual([
      'SalesReportRestated', ['adjustment', '-900.00'], ['adjustment', '-300.00'], ['shortfall-adjustment', '1200.00'],
    ]);
    expect(events[3].data).toEqual({
      assessmentId: 'x3', kind: 'shortfall-adjustment', year: 2025, date: '2025-12-31', amount: '1200.00', currency: 'CNY',
      previous: '12800.00', restated: '14000.00', cause: { kind: 'restatement', reportId: 'r-q1' },
      allocations: [{ partyId: 'u', amount: '720.00' }, { partyId: 'c', amount: '480.00' }],
    });
    const state = stateOf([...closed, ...events]);
    if (!state.granted) throw new Error('not granted');
    expect(state.closedYears['2025'].shortfall).toBe('14000.00');
  });

  it('replaces the figures wholesale: the latest figures count, an absent reported royalty clears the discrepancy', () => {
    const withClaim = history(grant(), submit('r-q1', '2025-Q1', [line('480000.00')], { royaltyReported: '14000.00' }));
    expect(licenseSummary(stateOf(withClaim)).discrepancies).toHaveLength(1);
    const events = [...withClaim, ...given(withClaim).when(restate('r-q1', [line('450000.00')]))()];
    const summary = licenseSummary(stateOf(events));
    expect(summary.discrepancies).toEqual([]);
    expect(summary.totals).toMatchObject({ netSales: '450000.00', royaltiesAssessed: '113500.00' });
  });

  it('carries a lifetime cap across calendar-year windows (priorLifetimeRoyalty)', () => {
    const royalty = { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year' as const, lifetimeCap: '150.00' };
    const stream = history(
      grant({ royalty }),
      submit('r25', '2025-Q1', [line('1000.00')]),
      submit('r26', '2026-Q1', [line('1000.00')], { today: '2026-05-01' }),
    );
    expect(assessments(stream).map((a) => [a.amount, a.kind === 'royalty' && a.priorLifetimeRoyalty, a.kind === 'royalty' && a.capped])).toEqual([
      ['100.00', '0.00', false],
      ['50.00', '100.00', true],
    ]);
    const events = given(stream).when(restate('r25', [line('500.00')]))();
    expect(events[0].data).toMatchObject({
      adjustments: [
        { reportId: 'r25', previous: '100.00', restated: '50.00', delta: '-50.00' },
        { reportId: 'r26', previous: '50.00', restated: '100.00', delta: '50.00' },
      ],
    });
  });

  it('consumes the id pool in order and derives ids when it runs out', () => {
    const events = given(history(grant(), q1, q2)).when(restate('r-q1', [line('450000.00')], { assessmentIds: ['only'] }))();
    expect(events.slice(1).map((e) => (e.data as { assessmentId: string }).assessmentId)).toEqual(['only', 'only-1']);
  });

  describe('refuses', () => {
    it('an unknown report (404)', () => {
      expect(refusal(given(history(grant(), q1)).when(restate('nope', [line('1.00')])))).toMatchObject({
        code: 'report-not-found', kind: 'not-found', field: 'reportId',
      });
    });

    it('a license that was never granted (404)', () => {
      expect(refusal(given([]).when(restate('r-q1', [line('1.00')])))).toMatchObject({ code: 'license-not-found', kind: 'not-found' });
    });

    it('the same line problems as a submission', () => {
      const reported = history(grant(), q1);
      expect(refusal(given(reported).when(restate('r-q1', [line('1.00', '0.00', { territory: 'DE' })])))).toMatchObject({
        code: 'territory-not-licensed', field: 'lines[0].territory',
      });
      expect(refusal(given(reported).when(restate('r-q1', [line('1.00', '2.00')])))).toMatchObject({ field: 'lines[0].deductions' });
      expect(refusal(given(reported).when(restate('r-q1', [])))).toMatchObject({ code: 'lines-empty', field: 'lines' });
    });
  });

  describe('the licensors\' split of a restated figure', () => {
    const terms = { tiers: [{ ratePercent: '1' }], tierBasis: 'calendar-year' as const, minimumAnnual: '0.10' };
    const close: LicenseCommand = { type: 'CloseRoyaltyYear', data: { year: 2025, assessmentId: 'a-close', today: '2026-01-05' } };
    /** What each licensor got in all, against its share of the report's royalty and the year's shortfall as they now stand. */
    function held(events: LicenseEvent[]) {
      const got = new Map<string, Big>();
      for (const a of assessments(events)) for (const l of a.allocations) got.set(l.partyId, (got.get(l.partyId) ?? new Big(0)).plus(l.amount));
      const state = stateOf(events);
      if (!state.granted) throw new Error('not granted');
      const owed = [...allocateToLicensors(new Big(state.reports.r.royalty), state.terms), ...allocateToLicensors(new Big(state.closedYears['2025'].shortfall), state.terms)];
      const share = new Map<string, Big>();
      for (const l of owed) share.set(l.partyId, (share.get(l.partyId) ?? new Big(0)).plus(l.amount));
      return { got: Object.fromEntries([...got].map(([p, x]) => [p, x.toFixed(2)])), share: Object.fromEntries([...share].map(([p, x]) => [p, x.toFixed(2)])) };
    }

    it('leaves each licensor its share of the figure as it stands: 0.03 restated down to zero leaves nobody 0.01 up or down', () => {
      let events = history(grant({ royalty: terms }), submit('r', '2025-Q1', [line('3.00')]));
      for (const net of ['2.00', '1.00', '0.00']) events = [...events, ...given(events).when(restate('r', [line(net)]))()];
      const got = held([...events, ...given(events).when(close)()]).got;
      expect(got).toEqual({ u: '0.06', c: '0.04' }); // only the year's shortfall of 0.10 (before: u 0.05, c 0.05; the report's own u −0.01, c +0.01)
    });

    it('holds through any restatements, before and after the year is closed (property)', () => {
      const net = fc.integer({ min: 0, max: 2000 }).map((c) => new Big(c).div(100).toFixed(2));
      fc.assert(fc.property(net, fc.array(net, { minLength: 1, maxLength: 6 }), fc.nat(6), (first, restatements, closeAt) => {
        let events = history(grant({ royalty: terms }), submit('r', '2025-Q1', [line(first)]));
        restatements.forEach((n, i) => {
          if (i === closeAt) events = [...events, ...given(events).when(close)()];
          events = [...events, ...given(events).when(restate('r', [line(n)]))()];
        });
        if (closeAt >= restatements.length) events = [...events, ...given(events).when(close)()];
        const { got, share } = held(events);
        expect(got).toEqual(share);
      }), { numRuns: 300 });
    });
  });
});
