import fc from 'fast-check';
import { Big } from '../../money/big';
import { parseDecimal } from '../../money/decimal';
import { LicenseEvent } from './events';
import { grant, history, line, given } from './license.test-kit';

// Every amount a report's events record is read back by parseDecimal (the process manager that splits
// it, `verify`): a report is accepted exactly when its totals and royalty can be, and refused otherwise.
const BOUND = new Big('1e20');
/** A decimal string of up to 20 digits before the point, most of them near the bound. */
const amount = fc.tuple(fc.integer({ min: 1, max: 20 }), fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }), fc.integer({ min: 0, max: 99 }))
  .map(([digits, n, cents]) => `${(n % 10n ** BigInt(digits)).toString()}.${String(cents).padStart(2, '0')}`);
const units = fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }).map(String);
const perUnit = fc.constantFrom(undefined, '0.5', '10', '1000000');

const amountsIn = (events: LicenseEvent[]): string[] =>
  events.flatMap((e) => {
    if (e.type === 'SalesReportSubmitted') return [e.data.netSales, e.data.units];
    if (e.type !== 'RoyaltyAssessed') return [];
    const tiers = 'tiers' in e.data ? e.data.tiers.flatMap((t) => [t.base, t.amount]) : [];
    return [e.data.amount, ...e.data.allocations.map((a) => a.amount), ...tiers];
  });

describe('report totals the ledger can record', () => {
  it('are accepted, every amount then reading back; past the bound they are refused, naming the lines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(amount, units), { minLength: 1, maxLength: 3 }), perUnit, (figures, rate) => {
        const royalty = { tiers: [{ ratePercent: '100' }], tierBasis: 'calendar-year' as const, ...(rate ? { perUnit: rate } : {}) };
        const granted = history(grant({ royalty }));
        const lines = figures.map(([gross, u]) => line(gross, '0.00', { units: u }));
        const net = lines.reduce((s, l) => s.plus(l.grossSales), new Big(0));
        const sold = lines.reduce((s, l) => s.plus(l.units), new Big(0));
        const charged = net.plus(sold.times(rate ?? '0')).round(2, Big.roundHalfUp);
        const recordable = net.lt(BOUND) && sold.lt(BOUND) && charged.lt(BOUND);
        const decide = given(granted).when({ type: 'SubmitSalesReport', data: { reportId: 'r1', assessmentId: 'a1', period: '2025-Q1', lines, today: '2026-02-01' } });
        if (recordable) {
          for (const value of amountsIn(decide())) expect(() => parseDecimal(value, 'amount', { allowNegative: true })).not.toThrow();
        } else {
          expect(decide).toThrow(expect.objectContaining({ code: 'amount-out-of-range', field: 'lines' }));
        }
      }),
      { numRuns: 300 },
    );
  });
});
