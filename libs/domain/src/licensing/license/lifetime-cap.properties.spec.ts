import fc from 'fast-check';
import { Big } from '../../money/big';
import { DomainError } from '../../shared/domain-error';
import { LicenseCommand } from './commands';
import { LicenseEvent } from './events';
import { assessments, given, grant, line, stateOf, submit } from './license.test-kit';
import { reassess, windowReportsOf } from './reassess';

// A lifetime cap bounds everything reports and minimums charge, however reports, restatements and
// closes of years come, in any order; and the recorded figures are always what re-assessing the
// whole license in the cap's order (each year's reports, then its shortfall) gives.
const years = [2025, 2026, 2027, 2028];
const periods = years.flatMap((y) => [`${y}-Q1`, `${y}-Q2`, `${y}-Q4`]);
const TODAY = '2029-02-01';
const EXPECTED_REFUSALS = ['period-already-reported', 'year-already-closed'];
const amount = fc.integer({ min: 0, max: 300000 }).map((c) => new Big(c).div(100).toFixed(2));

type Step = { kind: 'submit'; period: number; net: string } | { kind: 'restate'; nth: number; net: string } | { kind: 'close'; year: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), period: fc.nat(periods.length - 1), net: amount }),
  fc.record({ kind: fc.constant('restate' as const), nth: fc.nat(20), net: amount }),
  fc.record({ kind: fc.constant('close' as const), year: fc.constantFrom(...years) }),
);
const terms = fc.record({
  tierBasis: fc.constantFrom('calendar-year' as const, 'lifetime' as const),
  minimumAnnual: fc.integer({ min: 1, max: 400 }).map((n) => `${n}.00`),
  lifetimeCap: fc.integer({ min: 400, max: 1200 }).map((n) => `${n}.00`),
  annualCap: fc.option(fc.integer({ min: 400, max: 900 }).map((n) => `${n}.00`), { nil: undefined }),
});

const sum = (xs: readonly (string | Big)[]) => xs.reduce<Big>((s, x) => s.plus(x), new Big(0));

describe('a lifetime cap with a minimum, any order of reports, restatements and closes', () => {
  it('charges no more than the cap, and records what re-assessing everything in the cap\'s order gives', () => {
    const seen = { capReached: 0, closedAfterLater: 0 };
    fc.assert(
      fc.property(terms, fc.array(step, { minLength: 1, maxLength: 16 }), (t, steps) => {
        const { annualCap, ...rest } = t;
        const royalty = { tiers: [{ upTo: '2000.00', ratePercent: '10' }, { ratePercent: '5' }], ...rest, ...(annualCap === undefined ? {} : { annualCap }) };
        let events: LicenseEvent[] = given([]).when(grant({ royalty }))();
        let n = 0;
        for (const s of steps) {
          const state = stateOf(events);
          if (!state.granted) throw new Error('not granted');
          const ids = Object.keys(state.reports);
          let command: LicenseCommand;
          if (s.kind === 'close') {
            command = { type: 'CloseRoyaltyYear', data: { year: s.year, assessmentId: `c${n++}`, today: TODAY } };
            if (Object.values(state.reports).some((r) => Number(r.period.slice(0, 4)) > s.year)) seen.closedAfterLater += 1;
          } else if (s.kind === 'submit') command = submit(`r${n++}`, periods[s.period], [line(s.net)], { today: TODAY });
          else if (ids.length === 0) continue;
          else command = { type: 'RestateSalesReport', data: { reportId: ids[s.nth % ids.length], lines: [line(s.net)], assessmentIds: [`x${n++}`], today: TODAY } };
          try {
            events = [...events, ...given(events).when(command)()];
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            expect(EXPECTED_REFUSALS).toContain(e.code);
          }
          const charges = assessments(events).filter((a) => a.kind !== 'upfront' && a.kind !== 'milestone');
          const total = sum(charges.map((a) => a.amount));
          expect(total.lte(royalty.lifetimeCap) ? 'within the cap' : `${total.toFixed(2)} over a cap of ${royalty.lifetimeCap}`).toBe('within the cap');
          if (total.eq(royalty.lifetimeCap)) seen.capReached += 1;
        }

        const license = stateOf(events);
        if (!license.granted) throw new Error('not granted');
        const recorded = assessments(events);
        // Each report's and each closed year's assessments add up to the figure recorded for it…
        for (const r of Object.values(license.reports)) {
          const own = recorded.filter((a) => (a.kind === 'royalty' || a.kind === 'adjustment') && a.reportId === r.reportId);
          expect([r.reportId, sum(own.map((a) => a.amount)).toFixed(2)]).toEqual([r.reportId, r.royalty]);
        }
        for (const [year, closed] of Object.entries(license.closedYears)) {
          const own = recorded.filter((a) => (a.kind === 'shortfall' || a.kind === 'shortfall-adjustment') && a.year === Number(year));
          expect([year, sum(own.map((a) => a.amount)).toFixed(2)]).toEqual([year, closed.shortfall]);
        }
        // …and is what a full re-assessment in the cap's order gives.
        const whole = reassess(license, windowReportsOf(license));
        for (const a of whole.assessments) expect([a.reportId, a.royalty.toFixed(2)]).toEqual([a.reportId, license.reports[a.reportId].royalty]);
        for (const [year, closed] of Object.entries(license.closedYears)) {
          expect([year, whole.closedYears.get(Number(year))?.shortfall.toFixed(2)]).toEqual([year, closed.shortfall]);
        }
      }),
      { numRuns: 300 },
    );
    // The runs reached the cap, and closed years after later years' reports were assessed.
    expect(seen.capReached).toBeGreaterThan(30);
    expect(seen.closedAfterLater).toBeGreaterThan(30);
  });
});
