import Big from 'big.js';
import fc from 'fast-check';
import { allocate } from './allocate';

const b = (xs: string[]) => xs.map((x) => new Big(x));
const s = (parts: Big[], dp: number) => parts.map((p) => p.toFixed(dp));

describe('allocate', () => {
  it('gives a tie to the first listed', () => {
    expect(s(allocate(new Big('0.05'), b(['50', '50']), 2), 2)).toEqual(['0.03', '0.02']);
  });
  it('splits evenly divisible amounts exactly', () => {
    expect(s(allocate(new Big('100000'), b(['60', '40']), 2), 2)).toEqual(['60000.00', '40000.00']);
  });
  it('splits by thirds written as percent strings', () => {
    expect(s(allocate(new Big('1'), b(['33.34', '33.33', '33.33']), 2), 2)).toEqual(['0.34', '0.33', '0.33']);
  });
  it('splits whole shares', () => {
    expect(s(allocate(new Big('7'), b(['1', '1', '1']), 0), 0)).toEqual(['3', '2', '2']);
  });
  it('gives leftover units to the largest remainders', () => {
    // exact shares 0.1, 0.6, 0.3 of 1 unit at scale 0 -> the middle one gets it
    expect(s(allocate(new Big('1'), b(['1', '6', '3']), 0), 0)).toEqual(['0', '1', '0']);
  });
  it('splits credits symmetrically', () => {
    expect(s(allocate(new Big('-0.05'), b(['50', '50']), 2), 2)).toEqual(['-0.03', '-0.02']);
    expect(allocate(new Big('-0.01'), b(['50', '50']), 2).map((p) => p.toString())).toEqual(['-0.01', '0']);
  });
  it('never gives a unit to a zero weight', () => {
    expect(s(allocate(new Big('0.03'), b(['0', '1', '1']), 2), 2)).toEqual(['0.00', '0.02', '0.01']);
  });
  it('refuses bad input', () => {
    expect(() => allocate(new Big('0.001'), b(['1']), 2)).toThrow('not a multiple of 0.01');
    expect(() => allocate(new Big('1'), [], 2)).toThrow();
    expect(() => allocate(new Big('1'), b(['0', '0']), 2)).toThrow('not all be zero');
    expect(() => allocate(new Big('1'), b(['-1', '2']), 2)).toThrow('not be negative');
    expect(() => allocate(new Big('1'), b(['1']), -1)).toThrow('scale');
  });

  describe('properties', () => {
    const scaleArb = fc.integer({ min: 0, max: 3 });
    const weightsArb = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 100000 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 8 })
      .map((ws) => ws.map(([n, dp]) => new Big(n).div(10 ** dp)))
      .filter((ws) => ws.some((w) => w.gt(0)));
    const amountArb = (scale: number) =>
      fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }).map((u) => new Big(u.toString()).times(`1e-${scale}`));
    const case_ = scaleArb.chain((scale) => fc.tuple(fc.constant(scale), amountArb(scale), weightsArb));

    it('parts always sum exactly to the amount', () => {
      fc.assert(
        fc.property(case_, ([scale, amount, weights]) => {
          const sum = allocate(amount, weights, scale).reduce((a, p) => a.plus(p), new Big(0));
          expect(sum.eq(amount)).toBe(true);
        }),
        { numRuns: 200 },
      );
    });

    it('each part is within one unit of its exact share, on the side of the truncation', () => {
      fc.assert(
        fc.property(case_, ([scale, amount, weights]) => {
          const total = weights.reduce((a, w) => a.plus(w), new Big(0));
          const unit = new Big(`1e-${scale}`);
          allocate(amount, weights, scale).forEach((part, i) => {
            const exact = amount.times(weights[i]).div(total);
            expect(part.minus(exact).abs().lt(unit)).toBe(true);
          });
        }),
        { numRuns: 200 },
      );
    });

    it('allocating a negation gives the negated parts', () => {
      fc.assert(
        fc.property(case_, ([scale, amount, weights]) => {
          const pos = allocate(amount, weights, scale);
          const neg = allocate(amount.neg(), weights, scale);
          pos.forEach((p, i) => expect(neg[i].eq(p.neg())).toBe(true));
        }),
        { numRuns: 200 },
      );
    });
  });
});
