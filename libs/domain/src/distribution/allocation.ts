import { allocate } from '../money/allocate';
import { Big, lesser, unitOf } from '../money/big';
import { minorUnit } from '../money/currency';
import { IncomeLayer, NO_POLICY_BAND, Preferred, peelPreferring } from './income-layers';
import { DISTRIBUTABLE_ROLES, DistributionState, incomeKey } from './state';
import { AllocationSource, DistributionLine, DistributionPolicy, DistributionRole, LicensedPatentFacts, PolicyBand } from './types';

export interface Split {
  adminFee: Big;
  costRecovery: { patentId: string; amount: Big }[];
  lines: { role: DistributionRole; partyId: string; amount: Big; patentId?: string }[];
  /** A positive amount's distributable part by band (index in the policy's bands), with its lines. */
  slices?: { band: number; amount: Big; lines: Split['lines'] }[];
}

interface Context {
  partyId: string;
  currency: string;
  source: AllocationSource;
  patents: LicensedPatentFacts[];
  state: DistributionState;
}

const ZERO = new Big(0);
const ONE = new Big(1);
const sum = (xs: Big[]) => xs.reduce((s, x) => s.plus(x), ZERO);

/** Slices of [from, from + amount] falling in each band; thresholds rounded to the currency's unit. */
export function bandSlices(bands: PolicyBand[], from: Big, amount: Big, scale: number): { band: PolicyBand; amount: Big }[] {
  const slices: { band: PolicyBand; amount: Big }[] = [];
  let position = from;
  let left = amount;
  for (const band of bands) {
    if (left.lte(0)) break;
    const upper = band.upTo === undefined ? undefined : new Big(band.upTo).round(scale, Big.roundHalfUp);
    if (upper !== undefined && position.gte(upper)) continue;
    const room = upper === undefined ? left : lesser(left, upper.minus(position));
    slices.push({ band, amount: room });
    position = position.plus(room);
    left = left.minus(room);
  }
  return slices;
}

/** The band the next income falls in once `cumulative` has been received (the last band past every threshold). */
export function bandAt(bands: PolicyBand[], cumulative: Big, scale: number): PolicyBand | undefined {
  return bandSlices(bands, cumulative, unitOf(scale), scale)[0]?.band ?? bands[bands.length - 1];
}

/** The inventors of the licensed patents the party owns, each weighted by the sum of their inventor shares. */
function inventorWeights(patents: LicensedPatentFacts[], partyId: string): Map<string, Big> {
  const weights = new Map<string, Big>();
  for (const p of patents.filter((p) => p.ownerIds.includes(partyId))) {
    for (const i of p.inventors) weights.set(i.partyId, (weights.get(i.partyId) ?? ZERO).plus(i.sharePercent));
  }
  return weights;
}

function splitSlice(band: PolicyBand, amount: Big, scale: number, ctx: Context, inventors: Map<string, Big>): Split['lines'] {
  const keep = new Big(100).minus(sum(band.shares.map((s) => new Big(s.sharePercent))));
  const parts = allocate(amount, [...band.shares.map((s) => new Big(s.sharePercent)), keep], scale);
  const lines: Split['lines'] = [];
  band.shares.forEach((share, i) => {
    if (share.beneficiary !== 'inventors') return lines.push({ role: 'beneficiary', partyId: share.beneficiary, amount: parts[i] });
    if (inventors.size === 0) return lines.push({ role: 'retained', partyId: ctx.partyId, amount: parts[i] });
    const ids = [...inventors.keys()];
    allocate(parts[i], ids.map((id) => inventors.get(id) as Big), scale).forEach((a, j) => lines.push({ role: 'inventor', partyId: ids[j], amount: a }));
  });
  lines.push({ role: 'retained', partyId: ctx.partyId, amount: parts[parts.length - 1] });
  return lines;
}

/** What the party's own costs on the patents still owe it, in this currency, patent by patent. */
function recoverable(ctx: Context): { patentId: string; owed: Big }[] {
  return ctx.patents.map((p) => {
    const paid = sum(p.costs.filter((c) => c.partyId === ctx.partyId && c.currency === ctx.currency).map((c) => new Big(c.amount)));
    return { patentId: p.patentId, owed: paid.minus(ctx.state.recovered.get(`${p.patentId}/${ctx.currency}`) ?? '0') };
  });
}

/**
 * A positive amount under a policy: admin fee off the top, then (optionally) cost recovery, then the
 * distributable rest by band. `credit` runs the same split for a credit with nothing to reverse
 * (measured back from the cumulative income, without touching cost recovery), then negates it.
 */
export function splitByPolicy(amount: Big, policy: DistributionPolicy | undefined, ctx: Context, credit = false): Split {
  const scale = minorUnit(ctx.currency);
  if (!policy) {
    // No policy: the party keeps it all, as one layer of its own (band -1), so that a credit taking
    // income off the top finds all of it.
    const kept: Split['lines'] = [{ role: 'retained', partyId: ctx.partyId, amount }];
    return { adminFee: ZERO, costRecovery: [], lines: kept, slices: [{ band: NO_POLICY_BAND, amount, lines: kept }] };
  }
  const fee = new Big(policy.adminFeePercent);
  const [adminFee, rest] = allocate(amount, [fee, new Big(100).minus(fee)], scale);
  const costRecovery: Split['costRecovery'] = [];
  let distributable = rest;
  if (policy.recoverPatentCosts && !credit) {
    for (const { patentId, owed } of recoverable(ctx)) {
      if (owed.lte(0) || distributable.lte(0)) continue;
      const take = lesser(owed, distributable);
      costRecovery.push({ patentId, amount: take });
      distributable = distributable.minus(take);
    }
  }
  const cumulative = new Big(ctx.state.cumulative.get(incomeKey(ctx.source, ctx.currency)) ?? '0');
  const from = credit ? cumulative.minus(distributable) : cumulative;
  const inventors = inventorWeights(ctx.patents, ctx.partyId);
  const slices = bandSlices(policy.bands, from, distributable, scale).map((s) => ({
    band: policy.bands.indexOf(s.band), amount: s.amount, lines: splitSlice(s.band, s.amount, scale, ctx, inventors),
  }));
  const lines: Split['lines'] = [
    { role: 'admin-fee', partyId: ctx.partyId, amount: adminFee },
    ...costRecovery.map((r) => ({ role: 'cost-recovery' as const, partyId: ctx.partyId, amount: r.amount, patentId: r.patentId })),
    ...slices.flatMap((s) => s.lines),
  ];
  return { adminFee, costRecovery, lines, slices };
}

/** A line key's parts: role|party|patent. */
function lineOf(key: string, amount: Big): Split['lines'][number] {
  const [role, partyId, patentId] = key.split('|');
  return { role: role as DistributionRole, partyId, amount, ...(patentId ? { patentId } : {}) };
}

/**
 * A credit within what its source netted: its admin fee is the source's in proportion (or `feeBack`,
 * what its parts give back: source-parts.ts), so restating to zero takes the fee back exactly; the
 * rest is laid over the source's distributable lines still positive, only as weights for what
 * nothing holds (takeFromTheTop decides where the rest comes from).
 * Undefined for a credit beyond what its source netted.
 */
export function reverseProportionally(amount: Big, net: Record<string, string>, partyId: string, scale: number, feeBack?: Big): Split | undefined {
  const entries = Object.entries(net).map(([key, x]) => [key, new Big(x)] as const);
  const total = sum(entries.map(([, x]) => x));
  if (total.lte(0) || amount.abs().gt(total)) return undefined;
  const fees = sum(entries.filter(([key]) => key.split('|')[0] === 'admin-fee').map(([, x]) => x));
  const fee = fees.lte(0) ? ZERO : lesser(fees, total); // other lines of the source may be below zero: credits take from the license as a whole
  const [adminFee, rest] = feeBack === undefined ? allocate(amount, [fee, total.minus(fee)], scale) : [feeBack.neg(), amount.plus(feeBack)];
  const positive = entries.filter(([key, x]) => DISTRIBUTABLE_ROLES.has(key.split('|')[0]) && x.gt(0));
  const weights = positive.length ? positive : [[`retained|${partyId}|`, ONE] as const];
  const lines = [
    { role: 'admin-fee' as const, partyId, amount: adminFee },
    ...allocate(rest, weights.map(([, x]) => x), scale).map((x, i) => lineOf(weights[i][0], x)),
  ];
  return { adminFee, costRecovery: [], lines };
}

/** What one license's (or deal's) income holds for a party in one currency, for a credit to take back. */
export interface LicenseIncome {
  partyId: string;
  layers: readonly IncomeLayer[];
  /** Cost recovery allocated from it so far, per patent. */
  recovered: readonly { patentId: string; amount: Big }[];
}

/**
 * What a credit takes back beyond its admin fee, in this order: distributable income off the top of its
 * income layers (income-layers.ts), first those of the versions its source was given under (`prefer`,
 * so undoing a report never takes what a later report gave under another version), then its license's
 * cost recovery, then, for a credit beyond all of that, its own split. Cost recovery is income's first claim after the admin fee, so it goes back last:
 * only as far as the income left cannot carry it, whichever order restatements and shortfalls came in.
 * (Taking it back in proportion to the credit's source lost it: +1,000.00 allocated after a cost was
 * recovered, then a shortfall credit of -1,000.00 reversing its own 300.00 of recovery, left nothing
 * recovered on unchanged income.)
 */
export function takeFromTheTop(split: Split, income: LicenseIncome, scale: number, prefer: readonly Preferred[] = []): TakenBack {
  const total = sum(split.lines.filter((l) => l.role !== 'admin-fee').map((l) => l.amount)).abs();
  const peeled = peelPreferring(income.layers, total, scale, prefer);
  const held = income.recovered.filter((r) => r.amount.gt(0));
  const recovery = lesser(total.minus(peeled.amount), sum(held.map((r) => r.amount)));
  const recoveryLines = recovery.eq(0) ? [] : allocate(recovery, held.map((r) => r.amount), scale)
    .map((amount, i) => ({ role: 'cost-recovery' as const, partyId: income.partyId, amount: amount.times(-1), patentId: held[i].patentId }));
  const beyond = total.minus(peeled.amount).minus(recovery);
  const own = split.lines.filter((l) => DISTRIBUTABLE_ROLES.has(l.role) && !l.amount.eq(0));
  const ownOrKept = own.length ? own : [{ role: 'retained' as const, partyId: income.partyId, amount: ONE }];
  const rest = beyond.eq(0) ? [] : allocate(beyond.times(-1), ownOrKept.map((l) => l.amount.abs()), scale)
    .map((amount, i) => ({ ...ownOrKept[i], amount }));
  const lines = [
    ...split.lines.filter((l) => l.role === 'admin-fee'),
    ...[...peeled.taken].map(([key, amount]) => lineOf(key, amount.times(-1))),
    ...recoveryLines,
    ...rest,
  ];
  const costRecovery = recoveryLines.map((l) => ({ patentId: l.patentId, amount: l.amount }));
  return { split: { adminFee: split.adminFee, costRecovery, lines }, peeled: peeled.amount, peels: peeled.peels };
}

interface TakenBack {
  split: Split;
  /** Distributable income taken off the layers in all. */
  peeled: Big;
  /** What of it came from one version's layers first, in order (the rest came off the top). */
  peels: Preferred[];
}

/** Same (role, party, patent) lines summed, zero lines dropped, amounts formatted. */
export function finalLines(split: Split, format: (x: Big) => string): DistributionLine[] {
  const merged = new Map<string, Split['lines'][number]>();
  for (const l of split.lines) {
    const key = `${l.role}|${l.partyId}|${l.patentId ?? ''}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, amount: seen.amount.plus(l.amount) } : l);
  }
  return [...merged.values()].filter((l) => !l.amount.eq(0)).map((l) => ({
    role: l.role, partyId: l.partyId, amount: format(l.amount), ...(l.patentId ? { patentId: l.patentId } : {}),
  }));
}
