import { DomainEvent } from '../shared/decider';
import { ShareLine } from '../patents/shares';

/** A beneficiary of a distribution policy: the licensed patents' inventors, or a named party. */
export interface PolicyShare {
  beneficiary: 'inventors' | string;
  sharePercent: string;
}

/** Shares of the distributable income up to `upTo` (cumulative per license or deal); the last band is open. */
export interface PolicyBand {
  upTo?: string;
  shares: PolicyShare[];
}

export interface DistributionPolicy {
  adminFeePercent: string;
  recoverPatentCosts: boolean;
  bands: PolicyBand[];
}

/** Where an allocated amount comes from: the RoyaltyAssessed (or equity proceeds) event and its provenance. */
export interface AllocationSource {
  eventId: string;
  position: string;
  licenseId?: string;
  dealId?: string;
  kind: string;
  reportId?: string;
  period?: string;
  milestone?: string;
  year?: number;
  /** Equity proceeds: the sale's id, as POST /liquidity-events answered it (absent on allocations recorded before). */
  liquidityId?: string;
}

export interface LicensedPatentFacts {
  patentId: string;
  /** Its owners: a licensor's `inventors` are those of the licensed patents it owns, not a co-licensor's. */
  ownerIds: string[];
  inventors: ShareLine[];
  costs: { costId: string; partyId: string; amount: string; currency: string }[];
}

export type DistributionRole = 'admin-fee' | 'cost-recovery' | 'inventor' | 'beneficiary' | 'retained';

export interface DistributionLine {
  role: DistributionRole;
  partyId: string;
  amount: string;
  patentId?: string;
}

export type SetDistributionPolicy = {
  type: 'SetDistributionPolicy';
  data: DistributionPolicy & { partyId: string; knownParties: string[] };
};
/** What an allocation is of: shared by the command and the event it decides. */
export interface AllocationBasis {
  allocationId: string;
  partyId: string;
  source: AllocationSource;
  date: string;
  currency: string;
  /** Signed: a negative amount is a credit (a restatement lowered the royalty). */
  amount: string;
  /** The version in force at the source's position (chosen by the caller); null: no policy, the party keeps all. */
  policyVersion: number | null;
}

export type AllocateDistribution = { type: 'AllocateDistribution'; data: AllocationBasis & { patents: LicensedPatentFacts[] } };
export type RecordPayout = {
  type: 'RecordPayout';
  /**
   * `payableBalance`: the least the party is owed on any business date from `paidOn` on, before this
   * payout (so a payout dated back cannot leave a later date owing); `today`: the caller's clock, UTC.
   */
  data: { payoutId: string; partyId: string; amount: string; currency: string; paidOn: string; reference: string; payableBalance: string; today: string };
};
export type DistributionCommand = SetDistributionPolicy | AllocateDistribution | RecordPayout;

export type DistributionPolicySet = DomainEvent<'DistributionPolicySet', DistributionPolicy & { partyId: string; version: number }>;
export type DistributionAllocated = DomainEvent<
  'DistributionAllocated',
  AllocationBasis & {
    adminFee: string; costRecovery: { patentId: string; amount: string }[]; lines: DistributionLine[];
    /**
     * A positive amount's distributable part by band, laid on its income layers (income-layers.ts);
     * `lines` only when it spans several bands (one: the distributable lines above).
     */
    layers?: { band: number; amount: string; lines?: DistributionLine[] }[];
    /** A credit: the distributable income it took off the top layers. */
    peeled?: string;
    /** A credit: what of `peeled` came first off the layers of one version, in order (the rest off the top). */
    peels?: { version: number | null; amount: string }[];
    /**
     * A credit within its source: the gross and admin fee it took back from what the source gave under
     * each version (source-parts.ts), last given first. `policyVersion` names the first.
     */
    takenBack?: { version: number | null; amount: string; adminFee: string }[];
  }
>;
export type PayoutRecorded = DomainEvent<
  'PayoutRecorded',
  { payoutId: string; partyId: string; amount: string; currency: string; paidOn: string; reference: string }
>;
export type DistributionEvent = DistributionPolicySet | DistributionAllocated | PayoutRecorded;
