import { Big } from '../money/big';
import { PartyRegistered } from '../parties/party';
import { AllocationSource, DistributionEvent, DistributionLine, DistributionPolicy } from './types';

/** The party stream as revenue sharing sees it. Plain data: decimal strings, records keyed by text. */
export interface DistributionState {
  registered: boolean;
  policies: Record<number, DistributionPolicy>;
  latestVersion: number;
  /** Source event ids already allocated: a replay decides nothing. */
  allocated: Record<string, true>;
  /** Cumulative distributable income per `${licenseId|dealId}/${currency}`: what bands are measured on. */
  cumulative: Record<string, string>;
  /** Patent costs recovered so far per `${patentId}/${currency}`. */
  recovered: Record<string, string>;
  /** Net allocated per source key, per line key: what a credit reverses proportionally. */
  netBySource: Record<string, Record<string, string>>;
}

export const initialDistributionState = (): DistributionState => ({
  registered: false, policies: {}, latestVersion: 0, allocated: {}, cumulative: {}, recovered: {}, netBySource: {},
});

/** Amounts that answer for the same figure: all assessments of one report, or of one year's minimum. */
export function sourceKey(source: AllocationSource): string {
  if ((source.kind === 'royalty' || source.kind === 'adjustment') && source.reportId) return `${source.licenseId}/report/${source.reportId}`;
  if ((source.kind === 'shortfall' || source.kind === 'shortfall-adjustment') && source.year !== undefined) return `${source.licenseId}/year/${source.year}`;
  return `event/${source.eventId}`;
}

export const incomeKey = (source: AllocationSource, currency: string) => `${source.licenseId ?? source.dealId ?? 'other'}/${currency}`;
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
      const recovered = { ...state.recovered };
      for (const r of d.costRecovery) recovered[`${r.patentId}/${d.currency}`] = add(recovered[`${r.patentId}/${d.currency}`], r.amount);
      const key = sourceKey(d.source);
      const net = { ...(state.netBySource[key] ?? {}) };
      for (const l of d.lines) net[lineKey(l)] = add(net[lineKey(l)], l.amount);
      return {
        ...state,
        allocated: { ...state.allocated, [d.source.eventId]: true },
        cumulative: { ...state.cumulative, [income]: add(state.cumulative[income], distributable.toFixed()) },
        recovered,
        netBySource: { ...state.netBySource, [key]: net },
      };
    }
    default:
      return state;
  }
}
