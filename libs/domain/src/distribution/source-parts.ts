import { allocate } from '../money/allocate';
import { Big, lesser } from '../money/big';

/**
 * What one source (a report, a year's minimum, an event) gave a party under one policy version: its
 * gross amount and the admin fee taken from it. A source's parts are in the order they were given
 * (versions only rise with the log), so a credit takes the last given back first.
 */
export interface SourcePart {
  version: number | null;
  amount: string;
  adminFee: string;
}

const ZERO = new Big(0);

/** Adds a positive allocation's gross and fee to its source's parts, merged with the last when the version is the same. */
export function givePart(parts: readonly SourcePart[], given: SourcePart): SourcePart[] {
  const last = parts[parts.length - 1];
  if (!last || last.version !== given.version) return [...parts, given];
  return [...parts.slice(0, -1), {
    version: last.version,
    amount: new Big(last.amount).plus(given.amount).toFixed(),
    adminFee: new Big(last.adminFee).plus(given.adminFee).toFixed(),
  }];
}

/**
 * What a credit of `amount` (positive) takes back from its source's parts, last given first: per
 * part, the gross taken and its admin fee in the part's own proportion, so each version's fee goes
 * back at that version's rate. Undefined when the parts hold less than the credit.
 */
export function takeBack(parts: readonly SourcePart[], amount: Big, scale: number): SourcePart[] | undefined {
  const held = parts.reduce((sum, p) => sum.plus(p.amount), ZERO);
  if (amount.gt(held)) return undefined;
  const taken: SourcePart[] = [];
  let rest = amount;
  for (const part of [...parts].reverse()) {
    const gross = new Big(part.amount);
    if (rest.lte(0)) break;
    if (gross.lte(0)) continue;
    const take = lesser(rest, gross);
    const fee = new Big(part.adminFee);
    const [adminFee] = fee.lte(0) ? [ZERO] : allocate(take, [lesser(fee, gross), gross.minus(lesser(fee, gross))], scale);
    taken.push({ version: part.version, amount: take.toFixed(), adminFee: adminFee.toFixed() });
    rest = rest.minus(take);
  }
  return taken;
}

/**
 * The parts left once `taken` is gone; parts taken whole are dropped. A fee left on a part taken
 * whole (only a credit decided before takenBack, at its source's blended rate, leaves one) moves to
 * the part below, so the parts' fees keep summing to what the source's fee lines net.
 */
export function partsLeft(parts: readonly SourcePart[], taken: readonly SourcePart[]): SourcePart[] {
  const left = [...parts];
  for (const t of taken) {
    const i = left.map((p) => p.version).lastIndexOf(t.version);
    if (i < 0) continue;
    const amount = new Big(left[i].amount).minus(t.amount);
    const adminFee = new Big(left[i].adminFee).minus(t.adminFee);
    if (amount.gt(0)) {
      left[i] = { version: t.version, amount: amount.toFixed(), adminFee: adminFee.toFixed() };
      continue;
    }
    left.splice(i, 1);
    const below = left[i - 1];
    if (below && !adminFee.eq(0)) left[i - 1] = { ...below, adminFee: adminFee.plus(below.adminFee).toFixed() };
  }
  return left;
}
