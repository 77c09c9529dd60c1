import Big from 'big.js';
import { formatAmount, Rounding } from '../../money/money';
import { assessWindow, WindowReport } from './assess';
import { minimumShortfall } from './minimum';
import { reportFigures } from './net-sales';
import { RoyaltyTerms } from './terms';

const flat = (rate: string, extra: Partial<RoyaltyTerms> = {}): RoyaltyTerms => ({
  tiers: [{ ratePercent: rate }],
  tierBasis: 'calendar-year',
  ...extra,
});
const rep = (reportId: string, period: string, net: string, units = '0', sub = '0'): WindowReport => ({
  reportId,
  period,
  netSales: new Big(net),
  units: new Big(units),
  sublicenseIncome: new Big(sub),
});
const run = (terms: RoyaltyTerms, currency: string, reports: WindowReport[], rounding: Rounding = 'half-up', prior?: string) =>
  assessWindow({ terms, currency, rounding, reports, priorLifetimeRoyalty: prior === undefined ? undefined : new Big(prior) });
const fmt = (xs: { royalty: Big }[], currency: string) => xs.map((x) => formatAmount(x.royalty, currency));

describe('assessWindow', () => {
  it('converts a USD line at its fxRate in a CNY license exactly, rounding only the royalty', () => {
    const figures = reportFigures(
      [
        { product: 'A', territory: 'US', units: '10', grossSales: '1000.05', deductions: '0.05', currency: 'USD', fxRate: '7.1234' },
        { product: 'A', territory: 'CN', units: '5', grossSales: '100.00', deductions: '0', currency: 'CNY' },
      ],
      'CNY',
    );
    expect(formatAmount(figures.netSales, 'CNY')).toBe('7223.40'); // 1000 × 7.1234 + 100
    const [a] = run(flat('3.3'), 'CNY', [{ reportId: 'r', period: '2025-Q1', ...figures }]);
    expect(a.tiers[0].amount.toFixed()).toBe('238.3722'); // exact intermediate kept
    expect(formatAmount(a.royalty, 'CNY')).toBe('238.37');
    expect(a.units.toFixed()).toBe('15');
  });

  it('adds a per-unit royalty to the running royalty', () => {
    const [a] = run(flat('2', { perUnit: '0.125' }), 'CNY', [rep('r', '2025-03', '1000.00', '3')]);
    expect(a.perUnitAmount.toFixed()).toBe('0.375');
    expect(formatAmount(a.running, 'CNY')).toBe('20.38'); // 20 + 0.375, rounded once
    expect(formatAmount(a.royalty, 'CNY')).toBe('20.38');
  });

  it('assesses the sublicense share but does not count it against the minimum', () => {
    const terms = flat('5', { sublicenseSharePercent: '25', minimumAnnual: '1000.00' });
    const year = run(terms, 'CNY', [rep('r', '2025-Q1', '10000.00', '0', '2000.00')]);
    expect(formatAmount(year[0].sublicenseAmount, 'CNY')).toBe('500.00');
    expect(fmt(year, 'CNY')).toEqual(['1000.00']);
    expect(formatAmount(minimumShortfall(terms, year, 'CNY'), 'CNY')).toBe('500.00');
  });

  it('rounds to whole yen in JPY and to fils in KWD', () => {
    expect(fmt(run(flat('3'), 'JPY', [rep('a', '2025-Q1', '12345'), rep('b', '2025-Q2', '100')]), 'JPY')).toEqual(['370', '3']);
    expect(fmt(run(flat('3'), 'KWD', [rep('a', '2025-Q1', '12.345'), rep('b', '2025-Q2', '0.100')]), 'KWD')).toEqual([
      '0.370',
      '0.003',
    ]);
  });

  it('rounds a .5 half-up by default and half-even when the license says so', () => {
    // 0.5 % of 1025.00 = 5.125
    expect(fmt(run(flat('0.5'), 'CNY', [rep('a', '2025-Q1', '1025.00')]), 'CNY')).toEqual(['5.13']);
    expect(fmt(run(flat('0.5'), 'CNY', [rep('a', '2025-Q1', '1025.00')], 'half-even'), 'CNY')).toEqual(['5.12']);
  });

  it("rounds each report's own exact royalty once, as a licensee computes it", () => {
    // 3 % of 1,000,000.50 = 30,000.015 in each report: 30,000.02 each, not 30,000.02 then 30,000.01
    const year = run(flat('3'), 'CNY', [rep('a', '2025-Q1', '1000000.50'), rep('b', '2025-Q2', '1000000.50')]);
    expect(fmt(year, 'CNY')).toEqual(['30000.02', '30000.02']);
    expect(fmt(run(flat('1'), 'CNY', [rep('a', '2025-01', '0.50'), rep('b', '2025-02', '0.50'), rep('c', '2025-03', '0.50')]), 'CNY'))
      .toEqual(['0.01', '0.01', '0.01']);
  });

  it('rounds the running and the sublicense royalty each once; only the running one counts against the minimum', () => {
    const terms = flat('1', { sublicenseSharePercent: '1', minimumAnnual: '1.00' });
    const [a] = run(terms, 'CNY', [rep('a', '2025-Q4', '0.50', '0', '0.50')]); // 0.005 + 0.005
    expect([a.running, a.sublicenseAmount, a.royalty].map((x) => formatAmount(x, 'CNY'))).toEqual(['0.01', '0.01', '0.02']);
    expect(formatAmount(minimumShortfall(terms, [a], 'CNY'), 'CNY')).toBe('0.99');
  });

  it('holds a cap to the minor unit, however the reports round', () => {
    // 33.335 a report: 33.34, 33.34, then what the cap of 100.00 leaves, 33.32
    const year = run(flat('10', { annualCap: '100.00' }), 'CNY', [rep('a', '2025-Q1', '333.35'), rep('b', '2025-Q2', '333.35'), rep('c', '2025-Q3', '333.35')]);
    expect(fmt(year, 'CNY')).toEqual(['33.34', '33.34', '33.32']);
    expect(year.map((a) => a.capped)).toEqual([false, false, true]);
  });

  it('clamps the year to the annual cap and flags the report where it bites', () => {
    const year = run(flat('10', { annualCap: '150.00' }), 'CNY', [rep('a', '2025-Q1', '1000'), rep('b', '2025-Q2', '1000'), rep('c', '2025-Q3', '1000')]);
    expect(fmt(year, 'CNY')).toEqual(['100.00', '50.00', '0.00']);
    expect(year.map((a) => a.capped)).toEqual([false, true, true]);
    expect(formatAmount(year[2].charge, 'CNY')).toBe('100.00');
  });

  it('clamps to what is left of the lifetime cap after earlier years', () => {
    const year = run(flat('10', { lifetimeCap: '1000.00' }), 'CNY', [rep('a', '2026-Q1', '1000'), rep('b', '2026-Q2', '1000')], 'half-up', '850.00');
    expect(fmt(year, 'CNY')).toEqual(['100.00', '50.00']);
    expect(year.map((a) => a.capped)).toEqual([false, true]);
  });

  it('resets the annual cap each year in a lifetime window, tiers keep running', () => {
    const terms: RoyaltyTerms = { tiers: [{ upTo: '1500', ratePercent: '10' }, { ratePercent: '20' }], tierBasis: 'lifetime', annualCap: '150' };
    const life = run(terms, 'CNY', [rep('a', '2025-Q1', '1000'), rep('b', '2025-Q4', '1000'), rep('c', '2026-Q1', '1000')]);
    expect(fmt(life, 'CNY')).toEqual(['100.00', '50.00', '150.00']);
    expect(life[2].tiers.map((t) => t.ratePercent)).toEqual(['20']);
  });

  it('refuses a calendar-year window spanning two years', () => {
    expect(() => run(flat('3'), 'CNY', [rep('a', '2025-Q4', '1'), rep('b', '2026-Q1', '1')])).toThrow('one calendar year');
  });

  it('credits a negative net report at the rates it had reached', () => {
    const terms: RoyaltyTerms = { tiers: [{ upTo: '1000', ratePercent: '3' }, { ratePercent: '4' }], tierBasis: 'calendar-year' };
    const year = run(terms, 'CNY', [rep('a', '2025-Q1', '1500'), rep('b', '2025-Q2', '-700')]);
    expect(fmt(year, 'CNY')).toEqual(['50.00', '-26.00']); // −500 × 4 % − 200 × 3 %
    expect(year[1].tiers.map((t) => t.base.toFixed())).toEqual(['-200', '-500']);
  });
});
