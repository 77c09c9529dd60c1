import Big from 'big.js';
import { assessWindow, WindowInput } from './assess';
import { restate, restatementDeltas } from './restatement';

const input: WindowInput = {
  terms: { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year' },
  currency: 'CNY',
  rounding: 'half-up',
  reports: [
    { reportId: 'a', period: '2025-Q1', netSales: new Big('100'), units: new Big(0), sublicenseIncome: new Big(0) },
    { reportId: 'b', period: '2025-Q2', netSales: new Big('100'), units: new Big(0), sublicenseIncome: new Big(0) },
  ],
};
const figures = (net: string) => ({ netSales: new Big(net), units: new Big(0), sublicenseIncome: new Big(0) });

describe('restatement', () => {
  it('lists the restated report even when its royalty did not change', () => {
    const deltas = restatementDeltas(assessWindow(input), restate(input, 'b', figures('100')), 'b');
    expect(deltas.map((d) => [d.reportId, d.delta.toFixed(2)])).toEqual([['b', '0.00']]);
  });
  it('gives a positive delta when figures rise', () => {
    const deltas = restatementDeltas(assessWindow(input), restate(input, 'a', figures('150')), 'a');
    expect(deltas.map((d) => [d.reportId, d.previous.toFixed(2), d.restated.toFixed(2), d.delta.toFixed(2)])).toEqual([
      ['a', '10.00', '15.00', '5.00'],
    ]);
  });
  it('refuses an unknown report', () => {
    expect(() => restate(input, 'zzz', figures('1'))).toThrow('not in the window');
    expect(() => restatementDeltas([], assessWindow(input), 'a')).toThrow('no previous assessment');
  });
});
