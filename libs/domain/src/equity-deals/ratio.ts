import { Big } from '../money/big';
import { minorUnit } from '../money/currency';

/**
 * A whole-number ratio in lowest terms (denominator above zero). Pro-rata figures divide by the shares
 * held, which no decimal keeps exactly: 0.01 × 1,000,000 / 2,000,001 was cut at 40 places, then to 8,
 * then to the cent, and read 0.01 where the exact 0.00499999… is 0.00.
 */
export interface Ratio { numerator: string; denominator: string }

const abs = (n: bigint) => (n < 0n ? -n : n);
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? abs(a) : gcd(b, a % b));

export function ratio(numerator: bigint, denominator: bigint): Ratio {
  const d = gcd(numerator, denominator) || 1n;
  return { numerator: (numerator / d).toString(), denominator: (denominator / d).toString() };
}

const parts = (r: Ratio) => [BigInt(r.numerator), BigInt(r.denominator)] as const;

/** An exact decimal as a ratio: 12.345 is 12345 / 1000. */
export function exactly(value: Big): Ratio {
  const [whole, fraction = ''] = value.toFixed().split('.');
  return ratio(BigInt(whole + fraction), 10n ** BigInt(fraction.length));
}

export const ZERO: Ratio = { numerator: '0', denominator: '1' };

export function plus(a: Ratio, b: Ratio): Ratio {
  const [an, ad] = parts(a);
  const [bn, bd] = parts(b);
  return ratio(an * bd + bn * ad, ad * bd);
}

export const minus = (a: Ratio, b: Ratio): Ratio => plus(a, { numerator: (-BigInt(b.numerator)).toString(), denominator: b.denominator });

/** `a` × whole / of: what stays of a pro-rata figure when `whole` of `of` shares are kept. */
export function scaled(a: Ratio, whole: bigint, of: bigint): Ratio {
  const [n, d] = parts(a);
  return ratio(n * whole, d * of);
}

/** Rounded once, half-up, to the currency's minor unit. */
export function toCurrency(a: Ratio, currency: string): Big {
  const digits = minorUnit(currency);
  const [n, d] = parts(a);
  const units = n * 10n ** BigInt(digits);
  let whole = units / d; // toward zero
  if (2n * abs(units % d) >= d) whole += units < 0n ? -1n : 1n;
  return new Big(whole.toString()).div(new Big(10).pow(digits));
}

/** The ratios' numerators over their least common denominator: whole weights in the ratios' proportions, exactly. */
export function commonNumerators(ratios: readonly Ratio[]): bigint[] {
  const common = ratios.reduce((l, r) => { const d = BigInt(r.denominator); return (l / gcd(l, d)) * d; }, 1n);
  return ratios.map((r) => BigInt(r.numerator) * (common / BigInt(r.denominator)));
}
