import fc from 'fast-check';
import { Big } from '../../money/big';
import { DomainError } from '../../shared/domain-error';
import { LicenseCommand } from './commands';
import { LicenseEvent } from './events';
import { given, grant, line, stateOf, submit } from './license.test-kit';
import { reassess, reassessFrom, royaltyAdjustments, shortfallChanges, windowReportsOf } from './reassess';
import { GrantedLicense } from './state';

// A new or restated report re-assesses only its calendar year and the later ones (reassessFrom).
// That is sound only if it gives exactly what re-assessing every report would: the same
// assessment for every report it covers, and no movement in the years it skips.
const royalty = {
  tiers: [{ upTo: '1000.00', ratePercent: '3' }, { upTo: '5000.00', ratePercent: '5' }, { ratePercent: '7.5' }],
  tierBasis: 'calendar-year' as const,
  perUnit: '0.10',
  annualCap: '600.00',
  lifetimeCap: '900.00',
  minimumAnnual: '150.00',
};
const years = [2025, 2026, 2027];
const periods = years.flatMap((y) => [`${y}-Q1`, `${y}-Q2`, `${y}-Q3`, `${y}-Q4`, `${y}-01`, `${y}-11`]);
const TODAY = '2028-02-01';
const cents = fc.integer({ min: 0, max: 800000 }).map((c) => new Big(c).div(100).toFixed(2));

type Step = { kind: 'submit'; period: number; net: string } | { kind: 'restate'; nth: number; net: string } | { kind: 'close'; year: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), period: fc.nat(periods.length - 1), net: cents }),
  fc.record({ kind: fc.constant('restate' as const), nth: fc.nat(20), net: cents }),
  fc.record({ kind: fc.constant('close' as const), year: fc.constantFrom(...years) }),
);

const granted = (events: LicenseEvent[]): GrantedLicense => {
  const state = stateOf(events);
  if (!state.granted) throw new Error('not granted');
  return state;
};

/** Every report's assessment when all are re-assessed, with `change` in place of (or beside) its report. */
function full(license: GrantedLicense, change: { reportId: string; period: string; netSales: Big; units: Big; sublicenseIncome: Big }) {
  const reports = [...windowReportsOf(license).filter((r) => r.reportId !== change.reportId), change];
  const reassessment = reassess(license, reports);
  return { reassessment, byId: new Map(reassessment.assessments.map((a) => [a.reportId, a])), priorOf: reassessment.priorOf };
}

describe('re-assessing from the changed year on', () => {
  it('gives every report it covers what a full re-assessment gives, and the years it skips do not move', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 14 }), (steps) => {
        let events: LicenseEvent[] = given([]).when(grant({ royalty, currency: 'EUR' }))();
        let n = 0;
        for (const s of steps) {
          const license = granted(events);
          const ids = Object.keys(license.reports);
          let command: LicenseCommand;
          if (s.kind === 'close') command = { type: 'CloseRoyaltyYear', data: { year: s.year, assessmentId: `c${n++}`, today: TODAY } };
          else if (s.kind === 'submit') command = submit(`r${n++}`, periods[s.period], [line(s.net, '0.00', { units: '3' })], { today: TODAY });
          else if (ids.length === 0) continue;
          else command = { type: 'RestateSalesReport', data: { reportId: ids[s.nth % ids.length], lines: [line(s.net)], assessmentIds: [`x${n++}`], today: TODAY } };

          if (command.type !== 'CloseRoyaltyYear') {
            const { reportId } = command.data;
            const period = command.type === 'SubmitSalesReport' ? command.data.period : license.reports[reportId].period;
            const units = new Big(command.type === 'SubmitSalesReport' ? 3 : 10);
            const change = { reportId, period, netSales: new Big(command.data.lines[0].grossSales), units, sublicenseIncome: new Big(0) };
            const partial = reassessFrom(license, change);
            const whole = full(license, change);
            for (const a of partial.assessments) {
              const w = whole.byId.get(a.reportId)!;
              expect([a.royalty.toFixed(), a.cumulativeRoyalty.toFixed(), partial.priorOf.get(a.reportId)!.toFixed()])
                .toEqual([w.royalty.toFixed(), w.cumulativeRoyalty.toFixed(), whole.priorOf.get(a.reportId)!.toFixed()]);
            }
            const covered = new Set(partial.assessments.map((a) => a.reportId));
            for (const [id, w] of whole.byId) {
              if (!covered.has(id)) expect([id, w.royalty.toFixed()]).toEqual([id, new Big(license.reports[id].royalty).toFixed()]);
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
            if (!(e instanceof DomainError)) throw e; // a report in a closed year, an overlapping period: refused as it should be
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
  });
});
