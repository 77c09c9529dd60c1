import { Big } from '../money/big';
import { formatAmount, roundToCurrency } from '../money/money';
import { EquityState, evolveEquity } from './state';
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
  return {
    dealId: deal.terms.dealId,
    issuerId: deal.terms.issuerId,
    shareClass: deal.terms.shareClass,
    currency,
    ...(asOf ? { asOf } : {}),
    fullyDilutedShares: deal.fullyDilutedShares,
    protectionEnded: deal.protectionEnded,
    holders: deal.holders.map((partyId) => ({
      partyId,
      shares: deal.shares[partyId],
      percent: new Big(deal.shares[partyId]).div(deal.fullyDilutedShares).times(100).round(4, Big.roundHalfUp).toFixed(4),
      // To 8 places first: a pro-rata reduction divides, and what the division could not keep exactly
      // (…4999… at 20 places) must not decide the rounding to the currency's unit.
      costBasis: formatAmount(roundToCurrency(new Big(deal.costBasis[partyId] ?? '0').round(8, Big.roundHalfUp), currency, 'half-up'), currency),
      proceeds: formatAmount(new Big(deal.proceeds[partyId] ?? '0'), currency),
    })),
  };
}
