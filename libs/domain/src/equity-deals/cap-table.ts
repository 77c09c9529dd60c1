import { Big } from '../money/big';
import { formatAmount } from '../money/money';
import { ZERO, toCurrency } from './ratio';
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
      // Exact until here (a ratio: a sale divides by the shares held), then rounded once.
      costBasis: formatAmount(toCurrency(deal.costBasis[partyId] ?? ZERO, currency), currency),
      proceeds: formatAmount(new Big(deal.proceeds[partyId] ?? '0'), currency),
    })),
  };
}
