import Big from 'big.js';
import fc from 'fast-check';
import { minorUnit } from '../../money/currency';
import { Rounding, roundToCurrency } from '../../money/money';
import { assessWindow, WindowInput, WindowReport } from './assess';
import { capRoom, minimumShortfall } from './minimum';
import { restate, restatementDeltas } from './restatement';
import { RoyaltyTerms } from './terms';
import { tierBreakdown } from './tiers';

// Tiers with random thresholds (ascending) and rates of up to 2 decimals.
const termsArb: fc.Arbitrary<RoyaltyTerms> = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 0, maxLength: 3 }),
    fc.array(fc.integer({ min: 0, max: 10000 }), { minLength: 4, maxLength: 4 }),
  )
  .map(([thresholds, rates]) => {
    const ups = [...thresholds].sort((a, b) => a - b);
    const rate = (i: number) => new Big(rates[i]).div(100).toFixed();
    return {
      tierBasis: 'calendar-year' as const,
      tiers: [...ups.map((u, i) => ({ upTo: `${u}.00`, ratePercent: rate(i) })), { ratePercent: rate(ups.length) }],
    };
  });
const currencyArb = fc.constantFrom('CNY', 'JPY', 'KWD');
const roundingArb = fc.constantFrom<Rounding>('half-up', 'half-even');
// Net sales as exact decimals with up to 6 places (fx-converted lines are not at the minor unit).
const netArb = fc.tuple(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 999999 })).map(([w, f]) => new Big(`${w}.${String(f).padStart(6, '0')}`));
const reportsOf = (nets: Big[]): WindowReport[] =>
  nets.map((netSales, i) => ({ reportId: `r${i}`, period: `2025-${String(i + 1).padStart(2, '0')}`, netSales, units: new Big(0), sublicenseIncome: new Big(0) }));
const sum = (xs: Big[]) => xs.reduce((a, x) => a.plus(x), new Big(0));
const windowArb = fc.record({ terms: termsArb, currency: currencyArb, rounding: roundingArb, nets: fc.array(netArb, { minLength: 1, maxLength: 8 }) });
const inputOf = (w: { terms: RoyaltyTerms; currency: string; rounding: Rounding; nets: Big[] }): WindowInput => ({ ...w, reports: reportsOf(w.nets) });

describe('royalty engine properties', () => {
  it("(a) each report is its own exact royalty rounded once; a year is the direct computation within half a unit a report", () => {
    fc.assert(
      fc.property(windowArb, (w) => {
        const assessed = assessWindow(inputOf(w));
        for (const a of assessed) expect(a.royalty.eq(roundToCurrency(sum(a.tiers.map((t) => t.amount)), w.currency, w.rounding))).toBe(true);
        const direct = sum(tierBreakdown(w.terms.tiers, new Big(0), sum(w.nets)).map((t) => t.amount));
        const unit = new Big(1).div(new Big(10).pow(minorUnit(w.currency)));
        expect(sum(assessed.map((a) => a.royalty)).minus(direct).abs().lte(unit.div(2).times(assessed.length))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('(a2) at one rate, restating a report moves no other report', () => {
    fc.assert(
      fc.property(windowArb, fc.nat(), netArb, (w, pick, net) => {
        const input = { ...inputOf(w), terms: { ...w.terms, tiers: [w.terms.tiers[0]].map((t) => ({ ratePercent: t.ratePercent })) } };
        const target = input.reports[pick % input.reports.length];
        const deltas = restatementDeltas(assessWindow(input), restate(input, target.reportId, { ...target, netSales: net }), target.reportId);
        expect(deltas.filter((d) => d.reportId !== target.reportId && !d.delta.eq(0))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('(b) restating a report to its own figures changes nothing', () => {
    fc.assert(
      fc.property(windowArb, fc.nat(), (w, pick) => {
        const input = inputOf(w);
        const target = input.reports[pick % input.reports.length];
        const deltas = restatementDeltas(assessWindow(input), restate(input, target.reportId, target), target.reportId);
        expect(deltas.map((d) => [d.reportId, d.delta.eq(0)])).toEqual([[target.reportId, true]]);
      }),
      { numRuns: 150 },
    );
  });

  // Each report rounded on its own: when a rise moves a later report into a lower rate, the year's
  // exact royalty still rises, but its rounded reports may sum to a unit less (found by fast-check).
  it('(c) a report royalty never decreases when its net sales rise, nor the year total by more than a unit a report', () => {
    fc.assert(
      fc.property(windowArb, fc.nat(), netArb, (w, pick, raise) => {
        const input = inputOf(w);
        const target = input.reports[pick % input.reports.length];
        const before = assessWindow(input);
        const after = restate(input, target.reportId, { ...target, netSales: target.netSales.plus(raise) });
        const i = before.findIndex((a) => a.reportId === target.reportId);
        expect(after[i].royalty.gte(before[i].royalty)).toBe(true);
        const unit = new Big(1).div(new Big(10).pow(minorUnit(w.currency)));
        const fell = sum(before.map((a) => a.royalty)).minus(sum(after.map((a) => a.royalty)));
        expect(fell.lte(unit.times(before.length))).toBe(true); // each sum is within half a unit a report of a rising exact total
      }),
      { numRuns: 150 },
    );
  });

  it('(d) tier bases of a report sum exactly to its net sales', () => {
    fc.assert(
      fc.property(windowArb, (w) => {
        for (const a of assessWindow(inputOf(w))) expect(sum(a.tiers.map((t) => t.base)).eq(a.netSales)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('caps never let a window exceed the annual cap, and take off only what passes it', () => {
    fc.assert(
      fc.property(windowArb, fc.integer({ min: 0, max: 100000 }), (w, cap) => {
        const terms = { ...w.terms, annualCap: String(cap) };
        const assessed = assessWindow({ ...inputOf(w), terms });
        const total = sum(assessed.map((a) => a.royalty));
        const uncapped = sum(assessed.map((a) => a.charge));
        const expected = uncapped.gt(cap) ? new Big(cap) : uncapped;
        expect(total.eq(expected)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a shortfall tops a year up to its minimum as far as the caps leave room, never past a cap', () => {
    fc.assert(
      fc.property(
        windowArb, fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 50_000 }), fc.constantFrom('annualCap', 'lifetimeCap'), fc.integer({ min: 0, max: 100_000 }),
        (w, minimum, extra, cap, prior) => {
          // A cap at or above the minimum (one below it is refused at grant); a lifetime cap partly used by earlier years.
          const terms = { ...w.terms, minimumAnnual: String(minimum), [cap]: String(minimum + extra) };
          const limit = new Big(minimum + extra);
          const assessed = assessWindow({ ...inputOf(w), terms, priorLifetimeRoyalty: new Big(prior) });
          const charged = sum(assessed.map((a) => a.royalty));
          const used = cap === 'annualCap' ? new Big(0) : new Big(prior); // what the cap counted before the year
          const shortfall = minimumShortfall(terms, assessed, w.currency, capRoom(terms, charged, used.plus(charged)));
          const total = charged.plus(shortfall);
          expect(shortfall.gte(0)).toBe(true);
          // Never past the cap, unless the reports alone were there already (then nothing is added).
          expect(used.plus(total).lte(limit) || shortfall.eq(0)).toBe(true);
          // The minimum is reached, or the cap is (earlier years may have reached it already).
          expect(total.gte(minimum) || used.plus(total).gte(limit)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
