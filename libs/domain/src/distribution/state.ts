import { Map as PersistentMap } from 'immutable';
import { allocate } from '../money/allocate';
import { Big } from '../money/big';
import { minorUnit } from '../money/currency';
import { IncomeLayer, NO_POLICY_BAND, layOn, peel, peelPreferring } from './income-layers';
import { SourcePart, givePart, partsLeft, takeBack } from './source-parts';
import { PartyRegistered } from '../parties/party';
import { AllocationSource, DistributionAllocated, DistributionEvent, DistributionLine, DistributionPolicy } from './types';

/**
 * The party stream as revenue sharing sees it: decimal strings, keyed by text. What grows with the
 * number of licenses, or of a license's reports, is kept in persistent maps (immutable's), which an
 * allocation updates by sharing all but one branch: copying a whole Map on every event made folding
 * a party quadratic (1,000 licenses of 20 reports folded at ~0.35 ms an event; a university's
 * stream of 240,000 allocations held the event loop for minutes after a restart).
 */
export interface DistributionState {
  registered: boolean;
  policies: Record<number, DistributionPolicy>;
  latestVersion: number;
  /**
   * Log position of the latest source allocated. The process manager allocates sources in log
   * order, so a source at or before it is a replay and decides nothing. One value instead of a set
   * of ids: a party with a million allocations folds as fast as one with ten.
   */
  allocatedThrough: string | null;
  /** Cumulative distributable income per `${licenseId|dealId}/${currency}`: what bands are measured on. */
  cumulative: PersistentMap<string, string>;
  /** Patent costs recovered so far per `${patentId}/${currency}`. */
  recovered: PersistentMap<string, string>;
  /**
   * Net allocated per source key, per line key: what a credit reverses proportionally. Grouped by
   * license (or deal) so that an allocation copies one license's reports, not the party's whole history.
   */
  netBySource: PersistentMap<string, PersistentMap<string, Record<string, string>>>;
  /** Distributable income per incomeKey, layer on layer as the bands took it in: what credits take off the top. */
  layers: PersistentMap<string, IncomeLayer[]>;
  /** What each source gave under each policy version, grouped like netBySource: what its credits take back first. */
  partsBySource: PersistentMap<string, PersistentMap<string, SourcePart[]>>;
}

export const initialDistributionState = (): DistributionState => ({
  registered: false, policies: {}, latestVersion: 0, allocatedThrough: null, cumulative: PersistentMap(), recovered: PersistentMap(),
  netBySource: PersistentMap(), layers: PersistentMap(), partsBySource: PersistentMap(),
});

/** Amounts that answer for the same figure: all assessments of one report, or of one year's minimum. */
export function sourceKey(source: AllocationSource): string {
  if ((source.kind === 'royalty' || source.kind === 'adjustment') && source.reportId) return `${source.licenseId}/report/${source.reportId}`;
  if ((source.kind === 'shortfall' || source.kind === 'shortfall-adjustment') && source.year !== undefined) return `${source.licenseId}/year/${source.year}`;
  return `event/${source.eventId}`;
}

const origin = (source: AllocationSource) => source.licenseId ?? source.dealId ?? 'other';
const keyOf = (from: string, currency: string) => `${from}/${currency}`;
export const incomeKey = (source: AllocationSource, currency: string) => keyOf(origin(source), currency);

/** A license's distributable income received so far in a currency: where its bands stand. */
export const licenseIncome = (state: DistributionState, licenseId: string, currency: string) =>
  state.cumulative.get(keyOf(licenseId, currency)) ?? '0';

/** What a source has allocated so far, per line key. */
export const netAllocated = (state: DistributionState, source: AllocationSource): Record<string, string> =>
  state.netBySource.get(origin(source))?.get(sourceKey(source)) ?? {};

/** What a source gave so far, version by version. */
export const sourceParts = (state: DistributionState, source: AllocationSource): SourcePart[] =>
  state.partsBySource.get(origin(source))?.get(sourceKey(source)) ?? [];

/** Cost recovery allocated so far from a license's (or deal's) income, per patent: what its credits may take back last. */
export function recoveredFrom(state: DistributionState, source: AllocationSource): { patentId: string; amount: Big }[] {
  const byPatent = new Map<string, Big>();
  for (const lines of state.netBySource.get(origin(source))?.values() ?? []) {
    for (const [key, amount] of Object.entries(lines)) {
      const [role, , patentId] = key.split('|');
      if (role === 'cost-recovery') byPatent.set(patentId, (byPatent.get(patentId) ?? new Big(0)).plus(amount));
    }
  }
  return [...byPatent].map(([patentId, amount]) => ({ patentId, amount }));
}

/** Whether this source comes at or before the latest one allocated: a replay. */
export const alreadyAllocated = (state: DistributionState, source: AllocationSource) =>
  state.allocatedThrough !== null && BigInt(source.position) <= BigInt(state.allocatedThrough);
export const lineKey = (line: Pick<DistributionLine, 'role' | 'partyId' | 'patentId'>) => `${line.role}|${line.partyId}|${line.patentId ?? ''}`;
export const DISTRIBUTABLE_ROLES = new Set(['inventor', 'beneficiary', 'retained']);

const add = (a: string | undefined, b: string) => new Big(a ?? '0').plus(b).toFixed();

export function evolveDistribution(state: DistributionState, event: DistributionEvent | PartyRegistered): DistributionState {
  switch (event.type) {
    case 'PartyRegistered':
      return { ...state, registered: true };
    case 'DistributionPolicySet': {
      const { adminFeePercent, recoverPatentCosts, bands, version } = event.data;
      return { ...state, latestVersion: version, policies: { ...state.policies, [version]: { adminFeePercent, recoverPatentCosts, bands } } };
    }
    case 'DistributionAllocated': {
      const d = event.data;
      const income = incomeKey(d.source, d.currency);
      const distributable = d.lines.filter((l) => DISTRIBUTABLE_ROLES.has(l.role)).reduce((s, l) => s.plus(l.amount), new Big(0));
      let recovered = state.recovered;
      for (const r of d.costRecovery) recovered = recovered.update(`${r.patentId}/${d.currency}`, (was) => add(was, r.amount));
      const net = { ...netAllocated(state, d.source) };
      for (const l of d.lines) net[lineKey(l)] = add(net[lineKey(l)], l.amount);
      const group = origin(d.source);
      const source = sourceKey(d.source);
      let layers = state.layers.get(income) ?? [];
      const lay = (band: number, amount: string, lines: DistributionLine[]) =>
        (layers = layOn(layers, { band, version: d.policyVersion, amount, lines: Object.fromEntries(lines.map((l) => [lineKey(l), l.amount])) }));
      const own = d.lines.filter((l) => DISTRIBUTABLE_ROLES.has(l.role));
      for (const layer of d.layers ?? []) lay(layer.band, layer.amount, layer.lines ?? own);
      const prefer = (d.peels ?? []).map((p) => ({ version: p.version, amount: new Big(p.amount) }));
      if (d.peeled !== undefined) layers = peelPreferring(layers, new Big(d.peeled), minorUnit(d.currency), prefer).left;
      if (d.layers === undefined && d.peeled === undefined) {
        // Recorded before there were layers: its distributable part laid on, or taken off the top, as a whole.
        if (distributable.gt(0)) lay(NO_POLICY_BAND, distributable.toFixed(), own);
        else if (distributable.lt(0)) layers = peel(layers, distributable.abs(), minorUnit(d.currency)).left;
      }
      return {
        ...state,
        partsBySource: state.partsBySource.update(group, PersistentMap(), (sources) => sources.set(source, partsAfter(state, d))),
        allocatedThrough: alreadyAllocated(state, d.source) ? state.allocatedThrough : d.source.position,
        cumulative: state.cumulative.update(income, (was) => add(was, distributable.toFixed())),
        recovered,
        netBySource: state.netBySource.update(group, PersistentMap(), (sources) => sources.set(source, net)),
        layers: state.layers.set(income, layers),
      };
    }
    default:
      return state;
  }
}

/** A source's parts after an allocation: a positive one given under its version; a credit's taken back. */
function partsAfter(state: DistributionState, d: DistributionAllocated['data']): SourcePart[] {
  const parts = sourceParts(state, d.source);
  const amount = new Big(d.amount);
  if (amount.gt(0)) return givePart(parts, { version: d.policyVersion, amount: d.amount, adminFee: d.adminFee });
  if (d.takenBack) return partsLeft(parts, d.takenBack);
  // A credit recorded before `takenBack`: its gross off the parts, last given first, and the fee it
  // really took (at the source's blended rate) spread over them, so the parts' fees keep summing to
  // the source's net fee and a later restatement to zero returns the fee to zero exactly.
  const taken = takeBack(parts, amount.abs(), minorUnit(d.currency));
  if (taken === undefined) return []; // beyond all it gave
  const fee = new Big(d.adminFee).abs();
  const weights = taken.map((t) => new Big(taken.some((x) => new Big(x.adminFee).gt(0)) ? t.adminFee : t.amount));
  const fees = fee.eq(0) || weights.every((w) => w.eq(0)) ? taken.map(() => new Big(0)) : allocate(fee, weights, minorUnit(d.currency));
  return partsLeft(parts, taken.map((t, i) => ({ ...t, adminFee: fees[i].toFixed() })));
}
