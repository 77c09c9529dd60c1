import { Big, unitOf } from './big';

/**
 * THE allocation of the product: splits `amount` by `weights` at the unit 10^-scale by largest
 * remainder. Each part starts at the truncation of its exact share; the units left over go one
 * each to the largest remainders, ties to the earlier listed. The parts always sum to `amount`.
 * A negative amount (a credit) is split like its absolute value, then negated.
 */
export function allocate(amount: Big, weights: readonly Big[], scale: number): Big[] {
  if (!Number.isInteger(scale) || scale < 0) throw new Error(`scale must be a non-negative integer, got ${scale}`);
  if (weights.length === 0) throw new Error('allocate needs at least one weight');
  if (weights.some((w) => w.lt(0))) throw new Error('allocation weights must not be negative');
  const total = weights.reduce((sum, w) => sum.plus(w), new Big(0));
  if (total.eq(0)) throw new Error('allocation weights must not all be zero');

  const unit = unitOf(scale);
  const units = amount.abs().times(`1e${scale}`); // exact shift, no division
  if (!units.eq(units.round(0, Big.roundDown))) {
    throw new Error(`amount ${amount.toFixed()} is not a multiple of ${unit.toFixed()}`);
  }

  // Work in whole units with exact numerators: share_i = units × w_i / total.
  const numerators = weights.map((w) => units.times(w));
  const quotients = numerators.map((n) => truncatedQuotient(n, total));
  const remainders = numerators.map((n, i) => n.minus(quotients[i].times(total)));
  let leftover = quotients.reduce((left, q) => left.minus(q), units);

  const order = weights.map((_, i) => i).sort((a, b) => remainders[b].cmp(remainders[a]) || a - b);
  const parts = [...quotients];
  for (const i of order) {
    if (leftover.lte(0)) break;
    parts[i] = parts[i].plus(1);
    leftover = leftover.minus(1);
  }

  const sign = amount.lt(0) ? -1 : 1;
  return parts.map((p) => (sign < 0 && !p.eq(0) ? p.times(unit).neg() : p.times(unit)));
}

/** floor(n / d) for n ≥ 0, d > 0, exact even when the division rounds at Big.DP. */
function truncatedQuotient(n: Big, d: Big): Big {
  let q = n.div(d).round(0, Big.roundDown);
  while (q.times(d).gt(n)) q = q.minus(1);
  while (q.plus(1).times(d).lte(n)) q = q.plus(1);
  return q;
}
