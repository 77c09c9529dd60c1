import { Big, lesser } from '../../money/big';
import { parseDecimal, parsePercent } from '../../money/decimal';
import { percentOf } from '../../money/money';
import { RoyaltyTier } from './terms';

/** The part of a report's net sales that falls in one tier, and its exact royalty. */
export interface TierAmount {
  upTo?: string;
  ratePercent: string;
  base: Big;
  amount: Big;
}

interface Band {
  tier: RoyaltyTier;
  rate: Big;
  lower?: Big; // absent on the first tier: it also carries a negative cumulative (net returns)
  upper?: Big; // absent on the last, open tier
}

function bandsOf(tiers: readonly RoyaltyTier[]): Band[] {
  let lower: Big | undefined;
  return tiers.map((tier, i) => {
    const upper = tier.upTo === undefined ? undefined : parseDecimal(tier.upTo, `royalty.tiers[${i}].upTo`);
    const band = { tier, rate: parsePercent(tier.ratePercent, `royalty.tiers[${i}].ratePercent`), lower, upper };
    lower = upper;
    return band;
  });
}

const max = (a: Big, b: Big) => (a.gt(b) ? a : b);

/**
 * Splits the slice [cumulativeBefore, cumulativeBefore + net] of cumulative net sales across the
 * tiers. A negative net (a restatement or returns lowering the figures) walks the same slice
 * downwards, so its bases and amounts are negative and exactly undo a positive slice. The bases
 * always sum to `net`; only tiers with a non-zero base are listed, in tier order.
 */
export function tierBreakdown(tiers: readonly RoyaltyTier[], cumulativeBefore: Big, net: Big): TierAmount[] {
  const after = cumulativeBefore.plus(net);
  const [from, to] = net.lt(0) ? [after, cumulativeBefore] : [cumulativeBefore, after];
  const result: TierAmount[] = [];
  for (const band of bandsOf(tiers)) {
    const overlap = lesser(to, band.upper ?? to).minus(max(from, band.lower ?? from));
    if (overlap.lte(0)) continue;
    const base = net.lt(0) ? overlap.neg() : overlap;
    const upTo = band.tier.upTo === undefined ? {} : { upTo: band.tier.upTo };
    result.push({ ...upTo, ratePercent: band.tier.ratePercent, base, amount: percentOf(base, band.rate) });
  }
  return result;
}
