import { requireDateByToday } from '../licensing/calendar';
import { allocate } from '../money/allocate';
import { Big, lesser } from '../money/big';
import { isCurrencyCode, minorUnit } from '../money/currency';
import { parseDecimal, parsePercent } from '../money/decimal';
import { formatAmount } from '../money/money';
import { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { EquityState, GrantedDeal, evolveEquity, stake } from './state';
import { EquityCommand, EquityEvent, GrantEquityStake, RecordFundingRound, RecordLiquidityEvent } from './types';

export const equityStream = (dealId: string) => `equity-${dealId}`;

function wholeShares(value: string, field: string): Big {
  const shares = parseDecimal(value, field, { maxScale: 0 });
  if (shares.lte(0)) throw new DomainError('shares-not-positive', `${field} must be a whole number above zero`, 'rule', field);
  return shares;
}

function positive(value: string, field: string, scale?: number): Big {
  const amount = parseDecimal(value, field, scale === undefined ? {} : { maxScale: scale });
  if (amount.lte(0)) throw new DomainError('amount-not-positive', `${field} must be above zero`, 'rule', field);
  return amount;
}

function grant(data: GrantEquityStake['data'], state: EquityState): EquityEvent[] {
  if (state.granted) throw new DomainError('deal-exists', `equity deal ${data.dealId} already exists`, 'conflict');
  const shares = wholeShares(data.shares, 'shares');
  if (wholeShares(data.fullyDilutedShares, 'fullyDilutedShares').lt(shares)) {
    throw new DomainError('fully-diluted-below-grant', 'fullyDilutedShares must include the shares granted', 'rule', 'fullyDilutedShares');
  }
  if (!isCurrencyCode(data.currency)) throw new DomainError('invalid-currency', 'currency must be an ISO 4217 code', 'rule', 'currency');
  positive(data.pricePerShare, 'pricePerShare');
  if (data.issuerId === data.holderId) throw new DomainError('issuer-is-holder', 'the holder must be another party than the issuer', 'rule', 'holderId');
  requireDateByToday(data.grantedOn, data.today, 'grantedOn');
  if (data.antiDilution != null) {
    positive(data.antiDilution.untilRaised, 'antiDilution.untilRaised', minorUnit(data.currency));
    // A stake of the whole company cannot keep 100 % once new shares exist: the top-up has no solution.
    if (shares.eq(data.fullyDilutedShares)) {
      throw new DomainError('anti-dilution-whole-company', 'antiDilution needs a stake below 100 % of fullyDilutedShares', 'rule', 'antiDilution');
    }
  }
  const { inventorsSharePercent, policyVersion, inventors, today: _today, ...terms } = data;
  const events: EquityEvent[] = [{ type: 'EquityStakeGranted', data: terms }];
  const percent = inventorsSharePercent === null ? new Big(0) : parsePercent(inventorsSharePercent, 'inventorsSharePercent');
  const weights = inventors.map((i) => new Big(i.sharePercent));
  if (percent.gt(0) && weights.some((w) => w.gt(0))) {
    const [awarded] = allocate(shares, [percent, new Big(100).minus(percent)], 0);
    const awards = allocate(awarded, weights, 0)
      .map((n, i) => ({ partyId: inventors[i].partyId, shares: n.toFixed() }))
      .filter((a) => a.shares !== '0');
    if (awards.length) {
      events.push({ type: 'EquityAwarded', data: { dealId: data.dealId, fromPartyId: data.holderId, policyVersion, awards, awardedOn: data.grantedOn } });
    }
  }
  return events;
}

function requireDeal(state: EquityState): GrantedDeal {
  if (!state.granted) throw new DomainError('deal-not-found', 'equity deal not found', 'not-found');
  return state;
}

/**
 * Rounds and sales are recorded in date order, none after today. One dated before the deal's latest
 * event would be decided on a cap table it did not have (a sale of shares not yet held, a round on top
 * of a later one), and an asOf view, which folds by date, would show it wrongly: refuse it.
 */
function requireInDateOrder(deal: GrantedDeal, date: string, today: string, field: string) {
  requireDateByToday(date, today, field);
  if (date < deal.latestOn) {
    const what = deal.latestOn === deal.terms.grantedOn ? 'the grant' : "the deal's latest round or sale";
    throw new DomainError('date-out-of-order', `${field} ${date} is before ${what} on ${deal.latestOn}: a deal's rounds and sales are recorded in date order`, 'rule', field);
  }
}

/**
 * Shares that keep the stake at its protected ratio n/d after `newShares`, to the nearest whole share
 * (half up), in whole numbers: (stake + t) / (FD + new + t) = n/d  ⇒  t = (n·(FD + new) − stake·d) / (d − n).
 */
function topUpShares(deal: GrantedDeal, newShares: Big): bigint {
  const n = BigInt(deal.protectedRatio.numerator), d = BigInt(deal.protectedRatio.denominator);
  const needed = n * (BigInt(deal.fullyDilutedShares) + BigInt(newShares.toFixed())) - BigInt(stake(deal).toFixed()) * d;
  if (needed <= 0n || d <= n) return 0n;
  return (2n * needed + (d - n)) / (2n * (d - n));
}

function fundingRound(data: RecordFundingRound['data'], state: EquityState): EquityEvent[] {
  const deal = requireDeal(state);
  const newShares = wholeShares(data.newShares, 'newShares');
  // Shares issued for nothing (a bonus issue, an option pool's growth) dilute as much as sold ones:
  // a round at 0 raises nothing, so while protection runs all of its shares are protected.
  const price = parseDecimal(data.pricePerShare, 'pricePerShare'); // refuses a negative one
  const raised = price.times(newShares);
  requireInDateOrder(deal, data.closedOn, data.today, 'closedOn');
  const currency = deal.terms.currency;
  const before = new Big(deal.cumulativeRaised);
  const cumulativeRaised = before.plus(raised);
  const protection = deal.terms.antiDilution;
  const isProtected = !deal.protectionEnded && protection != null && before.lt(protection.untilRaised);
  // Protection covers the money raised until the stated amount: of a round that crosses it, the first
  // shares up to the amount still missing (the one that crosses it included); the rest dilute the stake.
  const missing = isProtected ? new Big(protection.untilRaised).minus(before) : new Big(0);
  const protectedShares = !isProtected ? new Big(0) : price.eq(0) ? newShares : lesser(missing.div(price).round(0, Big.roundUp), newShares);
  const topUp = isProtected ? new Big(topUpShares(deal, protectedShares).toString()) : new Big(0);
  const fullyDilutedShares = new Big(deal.fullyDilutedShares).plus(newShares).plus(topUp).toFixed();
  const events: EquityEvent[] = [{
    type: 'FundingRoundRecorded',
    data: {
      roundId: data.roundId, newShares: newShares.toFixed(), pricePerShare: data.pricePerShare, raised: formatAmount(raised, currency),
      closedOn: data.closedOn, fullyDilutedShares, protected: isProtected, cumulativeRaised: formatAmount(cumulativeRaised, currency),
      ...(isProtected ? { protectedShares: protectedShares.toFixed() } : {}),
    },
  }];
  if (topUp.gt(0)) {
    const holders = deal.holders.filter((id) => new Big(deal.shares[id]).gt(0));
    const topUps = allocate(topUp, holders.map((id) => new Big(deal.shares[id])), 0)
      .map((n, i) => ({ partyId: holders[i], shares: n.toFixed() }))
      .filter((t) => t.shares !== '0');
    events.push({ type: 'AntiDilutionTopUpIssued', data: { roundId: data.roundId, topUps, closedOn: data.closedOn } });
  }
  if (isProtected && cumulativeRaised.gte(protection.untilRaised)) {
    events.push({ type: 'AntiDilutionEnded', data: { roundId: data.roundId, closedOn: data.closedOn } });
  }
  return events;
}

function liquidity(data: RecordLiquidityEvent['data'], state: EquityState): EquityEvent[] {
  const deal = requireDeal(state);
  if (!deal.holders.includes(data.holderId)) {
    throw new DomainError('not-a-holder', `holderId: party ${data.holderId} holds no shares in this deal`, 'rule', 'holderId');
  }
  const sold = wholeShares(data.sharesSold, 'sharesSold');
  if (sold.gt(deal.shares[data.holderId])) {
    throw new DomainError('shares-not-held', `sharesSold ${data.sharesSold} exceeds the ${deal.shares[data.holderId]} shares held`, 'rule', 'sharesSold');
  }
  if (!isCurrencyCode(data.currency)) throw new DomainError('invalid-currency', 'currency must be an ISO 4217 code', 'rule', 'currency');
  // The cap table shows each holder's proceeds as one amount in the deal's currency: a sale in another
  // would be added to them as if it were the same money.
  if (data.currency !== deal.terms.currency) {
    throw new DomainError('currency-not-deal-currency', `currency must be the deal's currency ${deal.terms.currency}`, 'rule', 'currency');
  }
  const proceeds = positive(data.proceeds, 'proceeds', minorUnit(data.currency));
  requireInDateOrder(deal, data.occurredOn, data.today, 'occurredOn');
  const { today: _today, ...sale } = data;
  return [{
    type: 'EquityLiquidated',
    data: { ...sale, dealId: deal.terms.dealId, sharesSold: sold.toFixed(), proceeds: formatAmount(proceeds, data.currency) },
  }];
}

export const equityDecider: Decider<EquityCommand, EquityEvent, EquityState> = {
  initialState: () => ({ granted: false }),
  decide(command, state) {
    switch (command.type) {
      case 'GrantEquityStake': return grant(command.data, state);
      case 'RecordFundingRound': return fundingRound(command.data, state);
      case 'RecordLiquidityEvent': return liquidity(command.data, state);
    }
  },
  evolve: evolveEquity,
};
