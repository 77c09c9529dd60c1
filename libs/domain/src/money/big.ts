import Big from 'big.js';

// One configuration for every Big in the domain. We never rely on implicit rounding: amounts are
// rounded explicitly with a stated mode, and the few divisions we do are corrected to be exact.
// DP only bounds an accidental division; 40 places is far below anything that matters.
Big.DP = 40;
Big.RM = Big.roundHalfUp;

export { Big };

/** The lesser of two amounts (the first on a tie). */
export const lesser = (a: Big, b: Big): Big => (b.lt(a) ? b : a);

/** Number of digits after the decimal point that the value actually carries (0 for integers). */
export function decimalPlaces(value: Big): number {
  return Math.max(0, value.c.length - value.e - 1);
}

/** 10^-scale, built from a string so it is exact. */
export function unitOf(scale: number): Big {
  return new Big(`1e-${scale}`);
}
