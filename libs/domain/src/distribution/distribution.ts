import { requireDateByToday } from '../licensing/calendar';
import { Big } from '../money/big';
import { isCurrencyCode, minorUnit } from '../money/currency';
import { parseDecimal, parsePercent, RECORDED_INTEGER_DIGITS } from '../money/decimal';
import { formatAmount } from '../money/money';
import { PartyRegistered } from '../parties/party';
import { Decider } from '../shared/decider';
import { DomainError, requireText } from '../shared/domain-error';
import { Split, finalLines, reverseProportionally, splitByPolicy, takeFromTheTop } from './allocation';
import { takeBack } from './source-parts';
import { DistributionState, alreadyAllocated, evolveDistribution, incomeKey, initialDistributionState, netAllocated, recoveredFrom, sourceParts } from './state';
import { distributionSnapshot } from './snapshot';
import { AllocateDistribution, DistributionAllocated, DistributionCommand, DistributionEvent, DistributionPolicy, RecordPayout, SetDistributionPolicy } from './types';

function requireRegistered(state: DistributionState, partyId: string) {
  if (!state.registered) throw new DomainError('party-not-found', `party ${partyId} not found`, 'not-found');
}

function setPolicy({ partyId, adminFeePercent, recoverPatentCosts, bands, knownParties }: SetDistributionPolicy['data'], state: DistributionState): DistributionEvent[] {
  requireRegistered(state, partyId);
  parsePercent(adminFeePercent, 'adminFeePercent');
  if (bands.length === 0) throw new DomainError('bands-empty', 'a policy needs at least one band of shares', 'rule', 'bands');
  const known = new Set(knownParties);
  let previous: Big | undefined;
  bands.forEach((band, i) => {
    const last = i === bands.length - 1;
    if (last !== (band.upTo === undefined)) {
      const why = last ? 'must be left out: the last band is open-ended' : 'is required: only the last band is open-ended';
      throw new DomainError('band-bounds', `bands[${i}].upTo ${why}`, 'rule', `bands[${i}].upTo`);
    }
    if (band.upTo !== undefined) {
      const upTo = parseDecimal(band.upTo, `bands[${i}].upTo`);
      if (upTo.lte(previous ?? 0)) throw new DomainError('band-order', `bands[${i}].upTo must be above the previous band's`, 'rule', `bands[${i}].upTo`);
      previous = upTo;
    }
    const seen = new Set<string>();
    let total = new Big(0);
    band.shares.forEach((share, j) => {
      const field = `bands[${i}].shares[${j}]`;
      total = total.plus(parsePercent(share.sharePercent, `${field}.sharePercent`));
      if (seen.has(share.beneficiary)) throw new DomainError('duplicate-beneficiary', `${field}.beneficiary appears twice`, 'rule', `${field}.beneficiary`);
      seen.add(share.beneficiary);
      if (share.beneficiary === partyId) throw new DomainError('self-beneficiary', `${field}.beneficiary: the party keeps the remainder itself`, 'rule', `${field}.beneficiary`);
      if (share.beneficiary !== 'inventors' && !known.has(share.beneficiary)) {
        throw new DomainError('unknown-party', `${field}.beneficiary: party ${share.beneficiary} is not registered`, 'rule', `${field}.beneficiary`);
      }
    });
    if (total.gt(100)) throw new DomainError('shares-over-100', `bands[${i}].shares sum to ${total.toFixed()} %, over 100 %`, 'rule', `bands[${i}].shares`);
  });
  // PUT semantics: the policy in force sent again is no change, so no new version.
  const current = state.policies[state.latestVersion];
  if (current && samePolicy(current, { adminFeePercent, recoverPatentCosts, bands })) return [];
  return [{ type: 'DistributionPolicySet', data: { partyId, version: state.latestVersion + 1, adminFeePercent, recoverPatentCosts, bands } }];
}

/**
 * Field by field, numbers by value: key order, "50.0" for "50" or "10.00" for "10" is the same
 * policy, and a new version of it would only split income layers and show on statements.
 */
function samePolicy(a: DistributionPolicy, b: DistributionPolicy): boolean {
  const sameNumber = (x: string | undefined, y: string | undefined) => (x === undefined || y === undefined ? x === y : new Big(x).eq(y));
  return sameNumber(a.adminFeePercent, b.adminFeePercent) && a.recoverPatentCosts === b.recoverPatentCosts && a.bands.length === b.bands.length
    && a.bands.every((band, i) => {
      const other = b.bands[i];
      return sameNumber(band.upTo, other.upTo) && band.shares.length === other.shares.length
        && band.shares.every((s, j) => s.beneficiary === other.shares[j].beneficiary && sameNumber(s.sharePercent, other.shares[j].sharePercent));
    });
}

function allocateDistribution(data: AllocateDistribution['data'], state: DistributionState): DistributionEvent[] {
  if (!/^\d+$/.test(data.source.position)) {
    throw new DomainError('invalid-position', `source.position: ${data.source.position} is not a log position`, 'rule', 'source.position');
  }
  if (alreadyAllocated(state, data.source)) return []; // a replay: this source is already allocated
  // The assessed amount on record, whatever its size (RECORDED_INTEGER_DIGITS).
  const amount = parseDecimal(data.amount, 'amount', { allowNegative: true, maxIntegerDigits: RECORDED_INTEGER_DIGITS });
  if (amount.eq(0)) return [];
  const scale = minorUnit(data.currency);
  const policy = data.policyVersion === null ? undefined : state.policies[data.policyVersion];
  if (data.policyVersion !== null && !policy) {
    throw new DomainError('policy-version-unknown', `policy version ${data.policyVersion} is not on party ${data.partyId}'s stream`, 'rule');
  }
  const ctx = { partyId: data.partyId, currency: data.currency, source: data.source, patents: data.patents, state };
  const format = (x: Big) => formatAmount(x, data.currency);
  let split: Split;
  let credit: Pick<DistributionAllocated['data'], 'peeled' | 'peels' | 'takenBack'> | undefined;
  let version = policy ? data.policyVersion : null;
  if (amount.gt(0)) split = splitByPolicy(amount, policy, ctx);
  else {
    // Within what its source gave, a credit takes it back version by version, last given first: each
    // version's fee at its own rate, and its distributable part off that version's layers first.
    const taken = takeBack(sourceParts(state, data.source), amount.abs(), scale);
    const feeBack = taken?.reduce((sum, t) => sum.plus(t.adminFee), new Big(0));
    const net = netAllocated(state, data.source);
    const within = reverseProportionally(amount, net, data.partyId, scale, feeBack);
    const reversed = within ?? negate(splitByPolicy(amount.abs(), policy, ctx, true));
    const prefer = within && taken ? taken.map((t) => ({ version: t.version, amount: new Big(t.amount).minus(t.adminFee) })) : [];
    const income = { partyId: data.partyId, layers: state.layers.get(incomeKey(data.source, data.currency)) ?? [], recovered: recoveredFrom(state, data.source) };
    const back = takeFromTheTop(reversed, income, scale, prefer);
    split = back.split;
    credit = {
      peeled: format(back.peeled),
      ...(back.peels.length ? { peels: back.peels.map((p) => ({ version: p.version, amount: format(p.amount) })) } : {}),
      ...(within && taken ? { takenBack: taken.map((t) => ({ ...t, amount: format(new Big(t.amount)), adminFee: format(new Big(t.adminFee)) })) } : {}),
    };
    if (within && taken?.length) version = taken[0].version;
  }
  const slices = (split.slices ?? []).filter((s) => !s.amount.eq(0));
  const layers = slices.map((s) => ({
    band: s.band, amount: format(s.amount), ...(slices.length > 1 ? { lines: finalLines({ ...split, lines: s.lines }, format) } : {}),
  }));
  // Always one or the other: an event with neither was recorded before there were layers (state.ts).
  const laid = credit ?? { layers };
  return [{
    type: 'DistributionAllocated',
    data: {
      allocationId: data.allocationId, partyId: data.partyId, source: data.source, date: data.date, currency: data.currency,
      amount: format(amount), policyVersion: version, adminFee: format(split.adminFee),
      costRecovery: split.costRecovery.filter((r) => !r.amount.eq(0)).map((r) => ({ patentId: r.patentId, amount: format(r.amount) })),
      lines: finalLines(split, format),
      ...laid,
    },
  }];
}

const negate = (split: Split): Split => ({
  adminFee: split.adminFee.times(-1),
  costRecovery: split.costRecovery.map((r) => ({ ...r, amount: r.amount.times(-1) })),
  lines: split.lines.map((l) => ({ ...l, amount: l.amount.times(-1) })),
});

function recordPayout(data: RecordPayout['data'], state: DistributionState): DistributionEvent[] {
  requireRegistered(state, data.partyId);
  if (!isCurrencyCode(data.currency)) throw new DomainError('invalid-currency', 'currency must be an ISO 4217 code', 'rule', 'currency');
  const amount = parseDecimal(data.amount, 'amount', { maxScale: minorUnit(data.currency) });
  if (amount.lte(0)) throw new DomainError('payout-not-positive', 'amount must be above zero', 'rule', 'amount');
  const paidOn = requireDateByToday(data.paidOn, data.today, 'paidOn');
  const balance = new Big(data.payableBalance);
  if (amount.gt(balance)) {
    throw new DomainError('payout-exceeds-balance',
      `amount ${data.amount} exceeds the payable balance of ${formatAmount(balance, data.currency)} ${data.currency} (the least owed on any date from ${paidOn} on)`, 'rule', 'amount');
  }
  const reference = requireText(data.reference, 'reference');
  const { payoutId, partyId, currency } = data;
  return [{ type: 'PayoutRecorded', data: { payoutId, partyId, amount: formatAmount(amount, currency), currency, paidOn, reference } }];
}

/** Revenue sharing on the party stream: policy versions, allocations of what the party receives, payouts. */
export const distributionDecider: Decider<DistributionCommand, DistributionEvent, DistributionState> = {
  initialState: initialDistributionState,
  decide(command, state) {
    switch (command.type) {
      case 'SetDistributionPolicy': return setPolicy(command.data, state);
      case 'AllocateDistribution': return allocateDistribution(command.data, state);
      case 'RecordPayout': return recordPayout(command.data, state);
    }
  },
  evolve: (state, event) => evolveDistribution(state, event as DistributionEvent | PartyRegistered),
  snapshot: distributionSnapshot,
};

/** The policy version in force for a source event: the latest one recorded before its position. */
export function policyInForce(policies: readonly { version: number; position: bigint }[], sourcePosition: bigint): number | null {
  const before = policies.filter((p) => p.position < sourcePosition);
  return before.length ? before[before.length - 1].version : null;
}
