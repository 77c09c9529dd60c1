import Big from 'big.js';
import { formatAmount } from '../../money/money';
import { assessWindow, WindowInput, WindowReport } from './assess';
import { minimumShortfall } from './minimum';
import { restate, restatementDeltas } from './restatement';
import { RoyaltyTerms } from './terms';

// DESIGN.md "Worked example": license L1, CNY, calendar-year tiers 3 % to 1,000,000.00 then 4 %.
const terms: RoyaltyTerms = {
  tiers: [{ upTo: '1000000.00', ratePercent: '3' }, { ratePercent: '4' }],
  tierBasis: 'calendar-year',
  upfrontFee: '100000.00',
  minimumAnnual: '50000.00',
};
const report = (reportId: string, period: string, net: string): WindowReport => ({
  reportId,
  period,
  netSales: new Big(net),
  units: new Big(0),
  sublicenseIncome: new Big(0),
});
const window = (reports: WindowReport[]): WindowInput => ({ terms, currency: 'CNY', rounding: 'half-up', reports });
const cny = (x: Big) => formatAmount(x, 'CNY');
const tiersOf = (a: { tiers: { upTo?: string; ratePercent: string; base: Big; amount: Big }[] }) =>
  a.tiers.map((t) => ({ ...t, base: cny(t.base), amount: cny(t.amount) }));

describe('worked example (DESIGN.md)', () => {
  const q1 = report('r-q1', '2025-Q1', '480000.00');
  const q2 = report('r-q2', '2025-Q2', '700000.00');

  it('given Q1 net 480,000.00 then the royalty is 14,400.00, all in the 3 % tier', () => {
    const [a] = assessWindow(window([q1]));
    expect(cny(a.royalty)).toBe('14400.00');
    expect(tiersOf(a)).toEqual([{ upTo: '1000000.00', ratePercent: '3', base: '480000.00', amount: '14400.00' }]);
  });

  it('given Q2 net 700,000.00 then cumulative 1,180,000.00 crosses the threshold: 22,800.00', () => {
    const [, a] = assessWindow(window([q1, q2]));
    expect(cny(a.cumulativeNetSales)).toBe('1180000.00');
    expect(cny(a.royalty)).toBe('22800.00');
    expect(tiersOf(a)).toEqual([
      { upTo: '1000000.00', ratePercent: '3', base: '520000.00', amount: '15600.00' },
      { ratePercent: '4', base: '180000.00', amount: '7200.00' },
    ]);
  });

  it('when Q1 is restated to 450,000.00 then Q1 is 13,500.00 (−900.00) and Q2 22,500.00 (−300.00)', () => {
    const before = assessWindow(window([q1, q2]));
    const after = restate(window([q1, q2]), 'r-q1', { netSales: new Big('450000.00'), units: new Big(0), sublicenseIncome: new Big(0) });
    const deltas = restatementDeltas(before, after, 'r-q1').map((d) => ({
      reportId: d.reportId,
      period: d.period,
      previous: cny(d.previous),
      restated: cny(d.restated),
      delta: cny(d.delta),
    }));
    expect(deltas).toEqual([
      { reportId: 'r-q1', period: '2025-Q1', previous: '14400.00', restated: '13500.00', delta: '-900.00' },
      { reportId: 'r-q2', period: '2025-Q2', previous: '22800.00', restated: '22500.00', delta: '-300.00' },
    ]);
    expect(tiersOf(after[1])).toEqual([
      { upTo: '1000000.00', ratePercent: '3', base: '550000.00', amount: '16500.00' },
      { ratePercent: '4', base: '150000.00', amount: '6000.00' },
    ]);
  });

  it('when 2025 closes with running royalties 36,000.00 then the shortfall is 14,000.00', () => {
    const year = restate(window([q1, q2]), 'r-q1', { netSales: new Big('450000.00'), units: new Big(0), sublicenseIncome: new Big(0) });
    expect(cny(year.reduce((s, a) => s.plus(a.royalty), new Big(0)))).toBe('36000.00');
    expect(cny(minimumShortfall(terms, year, 'CNY'))).toBe('14000.00');
  });
});
