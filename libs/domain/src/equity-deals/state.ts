import { Big } from '../money/big';
import { Ratio, ZERO, exactly, minus, plus as plusRatio, ratio, scaled } from './ratio';
import { EquityEvent, EquityTerms, ShareHolding } from './types';

/** A deal's cap position. Exact decimal strings; holders keep the order they first appeared in. */
export interface GrantedDeal {
  granted: true;
  terms: EquityTerms;
  fullyDilutedShares: string;
  holders: string[];
  shares: Record<string, string>;
  /** What each holder paid for the shares it holds, exactly (a sale keeps the part of it its kept shares bear). */
  costBasis: Record<string, Ratio>;
  proceeds: Record<string, string>;
  cumulativeRaised: string;
  protectionEnded: boolean;
  /**
   * The fraction of fully diluted shares anti-dilution keeps the stake at, as a ratio of whole numbers
   * (a decimal would truncate 1/3 and lose a top-up at an exact half): its share at grant, scaled down by
   * every sale to what the holders kept. Protection covers shares still held, never shares sold.
   */
  protectedRatio: Ratio;
  /** The business date of the deal's latest event: rounds and sales are recorded in date order. */
  latestOn: string;
}
export type EquityState = { granted: false } | GrantedDeal;

/** Logs recorded before rounds and sales had to come in date order may hold one dated back: keep the latest. */
const later = (a: string, b: string) => (b > a ? b : a);

const plus = (a: string | undefined, b: Big | string) => new Big(a ?? '0').plus(b).toFixed();

function credit(deal: GrantedDeal, holdings: ShareHolding[], costPerShare: Big): GrantedDeal {
  const next = { ...deal, holders: [...deal.holders], shares: { ...deal.shares }, costBasis: { ...deal.costBasis } };
  for (const { partyId, shares } of holdings) {
    if (!next.holders.includes(partyId)) next.holders.push(partyId);
    next.shares[partyId] = plus(next.shares[partyId], shares);
    next.costBasis[partyId] = plusRatio(next.costBasis[partyId] ?? ZERO, exactly(costPerShare.times(shares)));
  }
  return next;
}

export function evolveEquity(state: EquityState, event: EquityEvent): EquityState {
  if (event.type === 'EquityStakeGranted') {
    const t = event.data;
    const deal: GrantedDeal = {
      granted: true, terms: t, fullyDilutedShares: t.fullyDilutedShares, holders: [], shares: {}, costBasis: {}, proceeds: {},
      // `== null`: deals in the log may carry `antiDilution: null`, which the API once let through.
      cumulativeRaised: '0', protectionEnded: t.antiDilution == null, protectedRatio: ratio(BigInt(t.shares), BigInt(t.fullyDilutedShares)),
      latestOn: t.grantedOn,
    };
    return credit(deal, [{ partyId: t.holderId, shares: t.shares }], new Big(t.pricePerShare));
  }
  if (!state.granted) return state;
  switch (event.type) {
    case 'EquityAwarded': {
      // Awarded shares move from the institution to the inventors together with their cost basis.
      const price = new Big(state.terms.pricePerShare);
      const total = event.data.awards.reduce((s, a) => s.plus(a.shares), new Big(0));
      const from = event.data.fromPartyId;
      const moved = credit(state, event.data.awards, price);
      return {
        ...moved,
        shares: { ...moved.shares, [from]: new Big(moved.shares[from]).minus(total).toFixed() },
        costBasis: { ...moved.costBasis, [from]: minus(moved.costBasis[from] ?? ZERO, exactly(price.times(total))) },
      };
    }
    case 'FundingRoundRecorded':
      return { ...state, fullyDilutedShares: event.data.fullyDilutedShares, cumulativeRaised: event.data.cumulativeRaised, latestOn: later(state.latestOn, event.data.closedOn) };
    case 'AntiDilutionTopUpIssued':
      return credit(state, event.data.topUps, new Big(0));
    case 'AntiDilutionEnded':
      return { ...state, protectionEnded: true };
    case 'EquityLiquidated': {
      const { holderId, sharesSold, proceeds } = event.data;
      const held = new Big(state.shares[holderId]);
      const before = BigInt(stake(state).toFixed());
      const { numerator, denominator } = state.protectedRatio;
      return {
        ...state,
        latestOn: later(state.latestOn, event.data.occurredOn),
        protectedRatio: ratio(BigInt(numerator) * (before - BigInt(sharesSold)), BigInt(denominator) * before),
        shares: { ...state.shares, [holderId]: held.minus(sharesSold).toFixed() },
        costBasis: { ...state.costBasis, [holderId]: scaled(state.costBasis[holderId] ?? ZERO, BigInt(held.minus(sharesSold).toFixed()), BigInt(held.toFixed())) },
        proceeds: { ...state.proceeds, [holderId]: plus(state.proceeds[holderId], proceeds) },
      };
    }
    default:
      return state;
  }
}

/** Shares held under the deal by everyone: the stake anti-dilution protects. */
export const stake = (deal: GrantedDeal) => deal.holders.reduce((s, id) => s.plus(deal.shares[id]), new Big(0));
