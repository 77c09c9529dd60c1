import { Big } from '../money/big';
import { formatAmount } from '../money/money';
import { allocate } from '../money/allocate';
import { minorUnit } from '../money/currency';
import { ZERO, commonNumerators, plus, toCurrency } from './ratio';
import { EquityState, GrantedDeal, evolveEquity } from './state';
import { EquityEvent } from './types';

/** The business date of each event: what `asOf` filters on. */
function businessDate(event: EquityEvent): string {
  switch (event.type) {
    case 'EquityStakeGranted': return event.data.grantedOn;
    case 'EquityAwarded': return event.data.awardedOn;
    case 'EquityLiquidated': return event.data.occurredOn;
    default: return event.data.closedOn;
  }
}

/** Each holder's shares, percent of fully diluted (4 decimals), cost basis and realized proceeds. */
export function capTable(events: readonly { type: string; data: unknown }[], asOf?: string) {
  let state: EquityState = { granted: false };
  for (const event of events as EquityEvent[]) if (asOf === undefined || businessDate(event) <= asOf) state = evolveEquity(state, event);
  if (!state.granted) return undefined;
  const deal = state;
  const { currency } = deal.terms;
  const bases = costBases(deal);
  return {
    dealId: deal.terms.dealId,
    issuerId: deal.terms.issuerId,
    shareClass: deal.terms.shareClass,
    currency,
    ...(asOf ? { asOf } : {}),
    fullyDilutedShares: deal.fullyDilutedShares,
    protectionEnded: deal.protectionEnded,
    holders: deal.holders.map((partyId, i) => ({
      partyId,
      shares: deal.shares[partyId],
      percent: new Big(deal.shares[partyId]).div(deal.fullyDilutedShares).times(100).round(4, Big.roundHalfUp).toFixed(4),
      costBasis: bases[i],
      proceeds: formatAmount(new Big(deal.proceeds[partyId] ?? '0'), currency),
    })),
  };
}

/**
 * Each holder's cost basis, exact until here (a ratio: a sale divides by the shares held), then rounded
 * once as the stake's whole and split between the holders by their exact figures (largest remainder),
 * so they add up to it. Rounded each on its own, two inventors' 0.005 showed 0.01 each of a 0.01 stake.
 */
function costBases(deal: GrantedDeal): string[] {
  const { currency } = deal.terms;
  const exact = deal.holders.map((partyId) => deal.costBasis[partyId] ?? ZERO);
  const whole = toCurrency(exact.reduce(plus, ZERO), currency);
  const weights = commonNumerators(exact).map((n) => new Big(n.toString()));
  const parts = weights.some((w) => !w.eq(0)) ? allocate(whole, weights, minorUnit(currency)) : weights;
  return parts.map((part) => formatAmount(part, currency));
}
