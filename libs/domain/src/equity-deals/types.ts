import { DomainEvent } from '../shared/decider';
import { ShareLine } from '../patents/shares';

/** Share counts are whole numbers written as strings ("500000"); money as decimal strings. */
export interface ShareHolding {
  partyId: string;
  shares: string;
}

export interface EquityTerms {
  dealId: string;
  issuerId: string;
  holderId: string;
  licenseId?: string;
  shareClass: string;
  shares: string;
  /** The issuer's fully diluted shares outstanding after the grant. */
  fullyDilutedShares: string;
  pricePerShare: string;
  currency: string;
  /** Keep the stake's percentage until this much new money has been raised. */
  antiDilution?: { untilRaised: string };
  grantedOn: string;
}

export type GrantEquityStake = {
  type: 'GrantEquityStake';
  /** The inventors' part comes from the holder's policy, and the inventors from the license (both gathered by the caller). */
  data: EquityTerms & { inventorsSharePercent: string | null; policyVersion: number | null; inventors: ShareLine[]; today: string };
};
/** `today`: the caller's business day: a grant, round or sale is recorded once it has happened. */
export type RecordFundingRound = { type: 'RecordFundingRound'; data: { roundId: string; newShares: string; pricePerShare: string; closedOn: string; today: string } };
export type RecordLiquidityEvent = {
  type: 'RecordLiquidityEvent';
  data: { liquidityId: string; holderId: string; sharesSold: string; proceeds: string; currency: string; occurredOn: string; today: string };
};
export type EquityCommand = GrantEquityStake | RecordFundingRound | RecordLiquidityEvent;

export type EquityStakeGranted = DomainEvent<'EquityStakeGranted', EquityTerms>;
export type EquityAwarded = DomainEvent<'EquityAwarded', { dealId: string; fromPartyId: string; policyVersion: number | null; awards: ShareHolding[]; awardedOn: string }>;
export type FundingRoundRecorded = DomainEvent<'FundingRoundRecorded', {
  roundId: string; newShares: string; pricePerShare: string; raised: string; closedOn: string;
  fullyDilutedShares: string; protected: boolean; cumulativeRaised: string;
  /** Of a protected round, the new shares protection covered (the rest were raised past `untilRaised`); absent on rounds recorded before. */
  protectedShares?: string;
}>;
export type AntiDilutionTopUpIssued = DomainEvent<'AntiDilutionTopUpIssued', { roundId: string; topUps: ShareHolding[]; closedOn: string }>;
export type AntiDilutionEnded = DomainEvent<'AntiDilutionEnded', { roundId: string; closedOn: string }>;
export type EquityLiquidated = DomainEvent<'EquityLiquidated', {
  liquidityId: string; dealId: string; holderId: string; sharesSold: string; proceeds: string; currency: string; occurredOn: string;
}>;
export type EquityEvent = EquityStakeGranted | EquityAwarded | FundingRoundRecorded | AntiDilutionTopUpIssued | AntiDilutionEnded | EquityLiquidated;
