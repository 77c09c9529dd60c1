import fc from 'fast-check';
import { Big } from '../../money/big';
import { LicenseEvent } from './events';
import { assessments, grant, history, line, stateOf, submit } from './license.test-kit';

// Late reports are accepted and re-assess the later reports they move: whatever the order of
// submission, the end state is the one of an in-order submission, and the assessments of each
// report (its royalty plus adjustments) add up to its current royalty.
const royalty = {
  tiers: [{ upTo: '1000.00', ratePercent: '3' }, { upTo: '5000.00', ratePercent: '5' }, { ratePercent: '7.5' }],
  tierBasis: 'calendar-year' as const,
  lifetimeCap: '400.00',
};
const periods = ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3'];
const cents = fc.integer({ min: 0, max: 400000 }).map((c) => new Big(c).div(100).toFixed(2));

const run = (order: number[], nets: string[], tierBasis: 'calendar-year' | 'lifetime'): LicenseEvent[] =>
  history(
    grant({ royalty: { ...royalty, tierBasis } }),
    ...order.map((i) => submit(`r${i}`, periods[i], [line(nets[i])], { today: '2027-01-10' })),
  );

describe('late reports, any order of submission', () => {
  it('end in the royalties of an in-order submission, every report adding up, allocations summing', () => {
    const scenario = fc
      .tuple(fc.array(cents, { minLength: periods.length, maxLength: periods.length }), fc.constantFrom('calendar-year' as const, 'lifetime' as const))
      .chain(([nets, basis]) => fc.tuple(fc.constant(nets), fc.constant(basis), fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 })));
    fc.assert(
      fc.property(scenario, ([nets, basis, order]) => {
        const shuffled = stateOf(run(order, nets, basis));
        const inOrder = stateOf(run([...order].sort((a, b) => a - b), nets, basis));
        if (!shuffled.granted || !inOrder.granted) throw new Error('not granted');
        const royalties = (s: typeof shuffled) => Object.fromEntries(Object.values(s.reports).map((r) => [r.reportId, r.royalty]));
        expect(royalties(shuffled)).toEqual(royalties(inOrder));
        expect(shuffled.totals.royaltiesAssessed).toBe(inOrder.totals.royaltiesAssessed);

        const perReport = new Map<string, Big>();
        for (const a of assessments(run(order, nets, basis))) {
          expect(a.allocations.reduce((sum, x) => sum.plus(x.amount), new Big(0)).eq(a.amount)).toBe(true);
          if (a.kind === 'royalty' || a.kind === 'adjustment') perReport.set(a.reportId, (perReport.get(a.reportId) ?? new Big(0)).plus(a.amount));
        }
        for (const r of Object.values(shuffled.reports)) expect(perReport.get(r.reportId)?.eq(r.royalty)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
