import fc from 'fast-check';
import { Big } from '../../money/big';
import { Rounding } from '../../money/money';
import { DomainError } from '../../shared/domain-error';
import { periodYear } from '../royalty/period';
import { LicenseCommand } from './commands';
import { LicenseEvent } from './events';
import { given, grant, line, stateOf, submit } from './license.test-kit';
import { reassess, reassessFrom, royaltyAdjustments, shortfallChanges, windowReportsOf } from './reassess';
import { GrantedLicense } from './state';

// A new or restated report re-assesses only its calendar year and the later ones (reassessFrom).
// That is sound only if it gives exactly what re-assessing every report would: the same
// assessment for every report it covers, and no movement in the years it skips.
const royalty = {
  tiers: [{ upTo: '1000', ratePercent: '3' }, { upTo: '5000', ratePercent: '5' }, { ratePercent: '7.5' }],
  tierBasis: 'calendar-year' as const,
  perUnit: '0.10',
  sublicenseSharePercent: '20',
  annualCap: '600',
  lifetimeCap: '900',
  minimumAnnual: '150',
};
const years = [2025, 2026, 2027];
const periods = years.flatMap((y) => [`${y}-Q1`, `${y}-Q2`, `${y}-Q3`, `${y}-Q4`, `${y}-01`, `${y}-11`]);
const TODAY = '2028-02-01';
/** What the decider may refuse here, and rightly: overlapping periods, reports in or closes of closed years. */
const EXPECTED_REFUSALS = ['period-already-reported', 'year-already-closed'];
/** Amounts whole in every currency drawn (JPY has no minor unit). */
const amount = fc.integer({ min: 0, max: 8000 }).map(String);

type Step =
  | { kind: 'submit'; period: number; net: string; sublicense: string }
  | { kind: 'restate'; nth: number; net: string; sublicense: string }
  | { kind: 'close'; year: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), period: fc.nat(periods.length - 1), net: amount, sublicense: amount }),
  fc.record({ kind: fc.constant('restate' as const), nth: fc.nat(20), net: amount, sublicense: amount }),
  fc.record({ kind: fc.constant('close' as const), year: fc.constantFrom(...years) }),
);

const granted = (events: LicenseEvent[]): GrantedLicense => {
  const state = stateOf(events);
  if (!state.granted) throw new Error('not granted');
  return state;
};

type Change = { reportId: string; period: string; netSales: Big; units: Big; sublicenseIncome: Big };

/** Every report's assessment when all are re-assessed, with `change` in place of (or beside) its report. */
function full(license: GrantedLicense, change: Change) {
  const reports = [...windowReportsOf(license).filter((r) => r.reportId !== change.reportId), change];
  const reassessment = reassess(license, reports);
  return { reassessment, byId: new Map(reassessment.assessments.map((a) => [a.reportId, a])), priorOf: reassessment.priorOf };
}

describe('re-assessing from the changed year on', () => {
  it('gives every report it covers what a full re-assessment gives, and the years it skips do not move', () => {
    const seen = { skipped: 0, skippedWithCapBinding: 0 };
    const scenario = fc.tuple(fc.array(step, { minLength: 1, maxLength: 14 }), fc.constantFrom('EUR', 'JPY'), fc.constantFrom<Rounding>('half-up', 'half-even'));
    fc.assert(
      fc.property(scenario, ([steps, currency, rounding]) => {
        let events: LicenseEvent[] = given([]).when(grant({ royalty, currency, rounding }))();
        let n = 0;
        for (const s of steps) {
          const license = granted(events);
          const ids = Object.keys(license.reports);
          let command: LicenseCommand;
          if (s.kind === 'close') command = { type: 'CloseRoyaltyYear', data: { year: s.year, assessmentId: `c${n++}`, today: TODAY } };
          else if (s.kind === 'submit') {
            command = submit(`r${n++}`, periods[s.period], [line(s.net, '0', { units: '3' })], { today: TODAY, sublicenseIncome: s.sublicense });
          } else if (ids.length === 0) continue;
          else {
            const reportId = ids[s.nth % ids.length];
            command = { type: 'RestateSalesReport', data: { reportId, lines: [line(s.net, '0')], sublicenseIncome: s.sublicense, assessmentIds: [`x${n++}`], today: TODAY } };
          }

          if (command.type !== 'CloseRoyaltyYear') {
            const { reportId } = command.data;
            const period = command.type === 'SubmitSalesReport' ? command.data.period : license.reports[reportId].period;
            const units = new Big(command.type === 'SubmitSalesReport' ? 3 : 10);
            const change = { reportId, period, netSales: new Big(command.data.lines[0].grossSales), units, sublicenseIncome: new Big(command.data.sublicenseIncome!) };
            const partial = reassessFrom(license, change);
            const whole = full(license, change);
            // It covers nothing before the changed year (else it would be a full re-assessment in disguise)…
            expect(partial.fromYear).toBe(periodYear(period));
            for (const a of partial.assessments) expect(periodYear(a.period)).toBeGreaterThanOrEqual(periodYear(period));
            // …gives what a full re-assessment gives wherever it looks…
            for (const a of partial.assessments) {
              const w = whole.byId.get(a.reportId)!;
              expect([a.royalty.toFixed(), a.running.toFixed(), partial.priorOf.get(a.reportId)!.toFixed()])
                .toEqual([w.royalty.toFixed(), w.running.toFixed(), whole.priorOf.get(a.reportId)!.toFixed()]);
            }
            // …and what it skips would not have moved.
            const covered = new Set(partial.assessments.map((a) => a.reportId));
            for (const [id, w] of whole.byId) {
              if (!covered.has(id)) expect([id, w.royalty.toFixed()]).toEqual([id, new Big(license.reports[id].royalty).toFixed()]);
            }
            if (covered.size < whole.byId.size) {
              const prior = partial.priorOf.get(reportId)!;
              seen.skipped += prior.gt(0) ? 1 : 0;
              seen.skippedWithCapBinding += prior.gt(0) && partial.assessments.some((a) => a.capped) ? 1 : 0;
            }
            // What the decider makes of them: the same adjustments and the same closed years' corrections.
            const show = (x: object[]) => JSON.stringify(x);
            const restated = command.type === 'RestateSalesReport' ? reportId : undefined;
            expect(show(royaltyAdjustments(license, partial, restated))).toBe(show(royaltyAdjustments(license, whole.reassessment, restated)));
            expect(show(shortfallChanges(license, partial))).toBe(show(shortfallChanges(license, whole.reassessment)));
          }
          try {
            events = [...events, ...given(events).when(command)()];
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            expect(EXPECTED_REFUSALS).toContain(e.code);
          }
        }
        // What the shortcut rests on: a full re-assessment of the end state moves nobody.
        const license = granted(events);
        for (const a of reassess(license, windowReportsOf(license)).assessments) {
          expect([a.reportId, a.royalty.toFixed()]).toEqual([a.reportId, new Big(license.reports[a.reportId].royalty).toFixed()]);
        }
      }),
      { numRuns: 200 },
    );
    // The runs reached the shortcut with earlier years' royalties behind it, and with a cap binding.
    expect(seen.skipped).toBeGreaterThan(50);
    expect(seen.skippedWithCapBinding).toBeGreaterThan(10);
  });
});
