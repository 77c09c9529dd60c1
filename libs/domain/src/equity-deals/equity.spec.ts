import fc from 'fast-check';
import { Big } from '../money/big';
import { fold } from '../shared/decider';
import { capTable } from './cap-table';
import { equityDecider } from './equity';
import { EquityCommand, EquityEvent, GrantEquityStake } from './types';

const U = 'university', LIN = 'lin', CHEN = 'chen', ISSUER = 'brightpath';
/** The caller's clock in these tests: every date below has come. */
const TODAY = '2030-01-01';
const grantCommand = (extra: Partial<GrantEquityStake['data']> = {}): GrantEquityStake => ({
  type: 'GrantEquityStake',
  data: {
    dealId: 'd', issuerId: ISSUER, holderId: U, licenseId: 'l1', shareClass: 'ordinary', shares: '500000', fullyDilutedShares: '10000000',
    pricePerShare: '1.00', currency: 'CNY', antiDilution: { untilRaised: '5000000.00' }, grantedOn: '2025-01-15',
    inventorsSharePercent: '50', policyVersion: 1, inventors: [{ partyId: LIN, sharePercent: '50' }, { partyId: CHEN, sharePercent: '50' }], today: TODAY, ...extra,
  },
});
const round = (roundId: string, newShares: string, pricePerShare: string, closedOn: string): EquityCommand =>
  ({ type: 'RecordFundingRound', data: { roundId, newShares, pricePerShare, closedOn, today: TODAY } });
const sale = (holderId: string, sharesSold: string, proceeds = '400000.00', occurredOn = '2026-03-31'): EquityCommand =>
  ({ type: 'RecordLiquidityEvent', data: { liquidityId: 's', holderId, sharesSold, proceeds, currency: 'CNY', occurredOn, today: TODAY } });

function run(commands: EquityCommand[], history: EquityEvent[] = []): EquityEvent[] {
  const events = [...history];
  for (const c of commands) events.push(...equityDecider.decide(c, fold(equityDecider, events)));
  return events;
}
const given = (events: EquityEvent[]) => ({ when: (c: EquityCommand) => () => equityDecider.decide(c, fold(equityDecider, events)) });
const holdings = (events: EquityEvent[], asOf?: string) => capTable(events, asOf)!.holders.map((h) => [h.partyId, h.shares, h.percent]);

describe('equity for IP', () => {
  it('grants 500,000 of 10,000,000 shares and awards the policy\'s 50 % to the inventors in whole shares', () => {
    const events = run([grantCommand()]);
    expect(events.map((e) => e.type)).toEqual(['EquityStakeGranted', 'EquityAwarded']);
    expect(events[1].data).toMatchObject({ awards: [{ partyId: LIN, shares: '125000' }, { partyId: CHEN, shares: '125000' }], policyVersion: 1 });
    expect(holdings(events)).toEqual([[U, '250000', '2.5000'], [LIN, '125000', '1.2500'], [CHEN, '125000', '1.2500']]);
    expect(capTable(events)!.holders.map((h) => h.costBasis)).toEqual(['250000.00', '125000.00', '125000.00']);
  });

  it('awards nothing without an inventors share in the policy, and splits odd shares by largest remainder', () => {
    expect(run([grantCommand({ inventorsSharePercent: null })]).map((e) => e.type)).toEqual(['EquityStakeGranted']);
    const odd = run([grantCommand({ shares: '7', fullyDilutedShares: '100', inventorsSharePercent: '100',
      inventors: [{ partyId: LIN, sharePercent: '1' }, { partyId: CHEN, sharePercent: '1' }, { partyId: 'wu', sharePercent: '1' }] })]);
    expect(odd[1].data).toMatchObject({ awards: [{ partyId: LIN, shares: '3' }, { partyId: CHEN, shares: '2' }, { partyId: 'wu', shares: '2' }] });
  });

  it('tops the stake up to its 5 % in the protected round and ends protection once 5,000,000.00 is raised', () => {
    const events = run([grantCommand(), round('r1', '2500000', '2.00', '2025-06-30')]);
    const decided = events.slice(2);
    expect(decided.map((e) => e.type)).toEqual(['FundingRoundRecorded', 'AntiDilutionTopUpIssued', 'AntiDilutionEnded']);
    expect(decided[0].data).toMatchObject({ raised: '5000000.00', protected: true, fullyDilutedShares: '12631579' });
    expect(decided[1].data).toMatchObject({ topUps: [{ partyId: U, shares: '65789' }, { partyId: LIN, shares: '32895' }, { partyId: CHEN, shares: '32895' }] });
    const later = run([round('r2', '2500000', '4.00', '2025-12-31')], events).slice(events.length);
    expect(later.map((e) => e.type)).toEqual(['FundingRoundRecorded']);
    expect(later[0].data).toMatchObject({ protected: false, fullyDilutedShares: '15131579' });
  });

  it('protects only the part of a round raised until the stated amount: the rest dilutes the stake', () => {
    // 10,000,000.00 raised where 5,000,000.00 was protected: the first 5,000,000 shares are topped up, the others are not.
    const events = run([grantCommand(), round('r1', '10000000', '1.00', '2025-06-30')]);
    const [recorded, topUp] = events.slice(2);
    expect(recorded.data).toMatchObject({ protected: true, protectedShares: '5000000', fullyDilutedShares: '20263158', cumulativeRaised: '10000000.00' });
    // t = (5 % × 15,000,000 − 500,000) / 95 % = 263,157.9 → 263,158 (before: 526,316, as if all 10,000,000 were protected)
    expect(topUp.data).toMatchObject({ topUps: [{ partyId: U, shares: '131579' }, { partyId: LIN, shares: '65790' }, { partyId: CHEN, shares: '65789' }] });
    expect(holdings(events).map(([, , percent]) => percent)).toEqual(['1.8831', '0.9416', '0.9416']); // 763,158 of 20,263,158: 3.7662 %
    // The share that crosses the amount is protected: 4,999,999.50 raised, then 2 shares at 1.00 (0.50 still missing).
    const nearly = run([round('r1', '9999999', '0.50', '2025-03-31'), round('r2', '2', '1.00', '2025-06-30')], run([grantCommand()]));
    expect(nearly.filter((e) => e.type === 'FundingRoundRecorded').map((e) => (e.data as { protectedShares?: string }).protectedShares)).toEqual(['9999999', '1']);
  });

  it('records a sale within the holding, realizing proceeds and reducing cost basis pro rata', () => {
    const events = run([grantCommand(), sale(U, '100000')]);
    const holder = capTable(events)!.holders[0];
    expect(holder).toMatchObject({ shares: '150000', proceeds: '400000.00', costBasis: '150000.00' });
  });

  it('protects only the shares still held: after half the stake is sold, a round tops up to half the percentage', () => {
    const grant = grantCommand({ shares: '1000', fullyDilutedShares: '10000', inventorsSharePercent: null, antiDilution: { untilRaised: '1000000.00' } });
    const sold = run([grant, sale(U, '500', '500.00')]);
    const afterSale = run([round('r1', '1', '1.00', '2026-06-30')], sold).slice(sold.length);
    expect(afterSale.map((e) => e.type)).toEqual(['FundingRoundRecorded']); // 5 % of 10,001 is 500.05: no whole share to top up
    const bigRound = run([round('r1', '10000', '1.00', '2026-06-30')], sold).slice(sold.length);
    expect(bigRound[1].data).toMatchObject({ topUps: [{ partyId: U, shares: '526' }] }); // (5 % × 20,000 − 500) / 95 % = 526.3
    expect(holdings([...sold, ...bigRound])).toEqual([[U, '1026', '4.9985']]); // 1,026 of 20,526: 5 % to the whole share
  });

  it('shows cost basis at the currency\'s minor unit', () => {
    const basis = (currency: string, pricePerShare: string) =>
      capTable(run([grantCommand({ shares: '1', fullyDilutedShares: '10', currency, pricePerShare, inventorsSharePercent: null, antiDilution: undefined })]))!.holders[0].costBasis;
    expect([basis('KWD', '1.005'), basis('JPY', '0.6'), basis('CNY', '1.005')]).toEqual(['1.005', '1', '1.01']);
  });

  it('records a round of shares issued for nothing: it raises nothing, and while protection runs it is all protected', () => {
    // Before: 422 amount-not-positive, so a bonus issue or an option pool's growth could not be recorded and the cap table drifted.
    const events = run([grantCommand(), round('pool', '1000000', '0', '2025-03-31')]);
    const [recorded, topUp] = events.slice(2);
    expect(recorded.data).toMatchObject({ raised: '0.00', cumulativeRaised: '0.00', protected: true, protectedShares: '1000000', fullyDilutedShares: '11052632' });
    // (5 % × 11,000,000 − 500,000) / 95 % = 52,631.6 → 52,632, split by holding.
    expect(topUp.data).toMatchObject({ topUps: [{ partyId: U, shares: '26316' }, { partyId: LIN, shares: '13158' }, { partyId: CHEN, shares: '13158' }] });
    const unprotected = run([round('pool', '1000', '0', '2025-03-31')], run([grantCommand({ antiDilution: undefined })]));
    expect(unprotected.map((e) => e.type).slice(-1)).toEqual(['FundingRoundRecorded']);
    expect(given(run([grantCommand()])).when(round('r', '10', '-1', '2025-03-31'))).toThrow('pricePerShare must not be negative');
  });

  it('rounds cost basis once, from the exact pro-rata figure a sale leaves', () => {
    // 1 share at 0.01, topped up by 2,000,000; 1,000,001 sold: 0.01 × 1,000,000 / 2,000,001 = 0.0049999975 is 0.00.
    // Before: cut at 40 places, rounded to 8 (0.00500000), then to the cent: 0.01.
    const grant = grantCommand({ shares: '1', fullyDilutedShares: '2', pricePerShare: '0.01', inventorsSharePercent: null, antiDilution: { untilRaised: '10000000.00' } });
    const topped = run([grant, round('r1', '2000000', '1.00', '2025-01-16')]);
    expect(capTable(topped)!.holders[0]).toMatchObject({ shares: '2000001', costBasis: '0.01' });
    const sold = run([sale(U, '1000001', '1.00', '2025-01-17')], topped);
    expect(capTable(sold)!.holders[0]).toMatchObject({ shares: '1000000', costBasis: '0.00' });
  });

  it("splits the stake's cost between its holders so that their cost bases add up to it", () => {
    // 3 shares at 0.005: the stake cost 0.015, shown 0.02; rounded each on its own, the three showed 0.01 each (0.03).
    const events = run([grantCommand({ shares: '3', fullyDilutedShares: '100', pricePerShare: '0.005', inventorsSharePercent: '66.67', antiDilution: undefined })]);
    expect(holdings(events)).toEqual([[U, '1', '1.0000'], [LIN, '1', '1.0000'], [CHEN, '1', '1.0000']]);
    expect(capTable(events)!.holders.map((h) => h.costBasis)).toEqual(['0.01', '0.01', '0.00']); // ties to the listed order
  });

  it("shows cost bases that add up to the stake's cost rounded once, each within a unit of its share of it (property)", () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.integer({ min: 0, max: 6 }), fc.bigInt({ min: 1n, max: 10n ** 7n }),
      fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 99 }), fc.constantFrom(['CNY', 2], ['JPY', 0], ['KWD', 3]), fc.double({ min: 0, max: 1, noNaN: true }),
      (priceDigits, scale, shares, inventorsPercent, linPercent, [currency, digits], sold) => {
        const pricePerShare = new Big(priceDigits.toString()).div(new Big(10).pow(scale)).toFixed();
        let events = run([grantCommand({
          shares: shares.toString(), fullyDilutedShares: (shares * 10n).toString(), pricePerShare, antiDilution: undefined, currency,
          inventorsSharePercent: String(inventorsPercent),
          inventors: [{ partyId: LIN, sharePercent: String(linPercent) }, { partyId: CHEN, sharePercent: String(100 - linPercent) }],
        })]);
        // Then, some of the time, the university sells part of what it kept: its basis keeps the part its kept shares bear.
        const kept = BigInt(capTable(events)!.holders[0].shares);
        if (sold > 0.5 && kept >= 2n) {
          const sharesSold = (1n + BigInt(Math.floor((sold - 0.5) * 2 * Number(kept - 2n)))).toString();
          events = run([{ type: 'RecordLiquidityEvent', data: { liquidityId: 's', holderId: U, sharesSold, proceeds: '1', currency, occurredOn: '2026-01-01', today: TODAY } }], events);
        }
        const holders = capTable(events)!.holders;
        const held = holders.reduce((s, h) => s.plus(h.shares), new Big(0));
        const sum = holders.reduce((s, h) => s.plus(h.costBasis), new Big(0));
        // Independently: price × the shares held, exact, rounded half-up once at the currency's unit.
        const whole = new Big(pricePerShare).times(held).round(digits as number, Big.roundHalfUp);
        expect(sum.eq(whole)).toBe(true);
        // Largest remainder: each part within a unit of its exact share of that whole (its shares' part of those held).
        const unit = new Big(10).pow(-(digits as number));
        for (const h of holders) expect(new Big(h.costBasis).minus(whole.times(h.shares).div(held)).abs().lt(unit)).toBe(true);
      },
    ));
  });

  it('rounds the cost basis a sale leaves as the exact pro-rata figure, half-up to the unit (property)', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.integer({ min: 0, max: 6 }), fc.bigInt({ min: 2n, max: 10n ** 7n }), fc.double({ min: 0, max: 1, noNaN: true }),
      (priceDigits, scale, shares, part) => {
        const pricePerShare = new Big(priceDigits.toString()).div(new Big(10).pow(scale)).toFixed();
        const sold = 1n + BigInt(Math.floor(part * Number(shares - 2n))); // 1 … shares − 1
        const events = run([sale(U, sold.toString(), '1.00', '2026-01-01')],
          run([grantCommand({ shares: shares.toString(), fullyDilutedShares: (shares * 10n).toString(), pricePerShare, inventorsSharePercent: null, antiDilution: undefined })]));
        // Independently: price × kept shares, exact (no division), rounded half-up once.
        const expected = new Big(pricePerShare).times((shares - sold).toString()).round(2, Big.roundHalfUp).toFixed(2);
        expect(capTable(events)!.holders[0].costBasis).toBe(expected);
      },
    ));
  });

  it.each([
    ['a sale in another currency than the deal\'s', [{ ...sale(LIN, '1'), data: { ...sale(LIN, '1').data, currency: 'USD' } } as EquityCommand], 'currency'],
    ['selling more than held', [sale(LIN, '125001')], 'sharesSold'],
    ['selling for someone who holds nothing', [sale('stranger', '1')], 'holderId'],
    ['a fractional sale', [sale(LIN, '1.5')], 'sharesSold'],
    ['proceeds below the currency unit', [sale(LIN, '1', '0.001')], 'proceeds'],
  ])('refuses %s, naming the field', (_, [command], field) => {
    expect(given(run([grantCommand()])).when(command)).toThrow(expect.objectContaining({ field }));
  });

  it.each([
    ['zero shares', { shares: '0' }, 'shares'],
    ['fully diluted below the grant', { fullyDilutedShares: '1000' }, 'fullyDilutedShares'],
    ['the issuer as holder', { holderId: ISSUER }, 'holderId'],
    ['a bad date', { grantedOn: '2025-02-30' }, 'grantedOn'],
    ['anti-dilution on the whole company', { shares: '100', fullyDilutedShares: '100' }, 'antiDilution'],
  ])('refuses a grant with %s', (_, extra, field) => {
    expect(given([]).when(grantCommand(extra))).toThrow(expect.objectContaining({ field }));
  });

  it('refuses a round or a sale dated before the grant', () => {
    expect(given(run([grantCommand()])).when(round('r', '1', '1.00', '2025-01-14'))).toThrow(expect.objectContaining({ code: 'date-out-of-order', field: 'closedOn' }));
    expect(given(run([grantCommand()])).when(sale(U, '1', '1.00', '2025-01-01'))).toThrow(expect.objectContaining({ code: 'date-out-of-order', field: 'occurredOn' }));
  });

  it('refuses a round or a sale dated before the deal\'s latest one, which an asOf view would fold out of order', () => {
    // A sale dated before the round whose top-up it would sell: the university held 250,000 then, not 315,789.
    const rounded = run([grantCommand(), round('r1', '2500000', '2.00', '2025-06-30')]);
    expect(given(rounded).when(sale(U, '300000', '1.00', '2025-03-01'))).toThrow(expect.objectContaining({ code: 'date-out-of-order', field: 'occurredOn' }));
    expect(given(rounded).when(round('r0', '1000', '1.00', '2025-06-29'))).toThrow(expect.objectContaining({ code: 'date-out-of-order', field: 'closedOn' }));
    const sold = run([sale(U, '1', '1.00', '2025-08-01')], rounded);
    expect(given(sold).when(round('r2', '1000', '1.00', '2025-07-31'))).toThrow(expect.objectContaining({ field: 'closedOn' }));
    // The same date is in order.
    expect(run([round('r2', '1000', '1.00', '2025-08-01')], sold).at(-1)).toMatchObject({ type: 'FundingRoundRecorded' });
  });

  it('keeps the latest date of a log recorded before date order was required, whatever came last', () => {
    // Such a log may end with a sale dated back before a round: the round's date still bounds what comes next.
    const rounded = run([grantCommand(), round('r1', '2500000', '2.00', '2025-06-30')]);
    const backdated: EquityEvent = { type: 'EquityLiquidated', data: {
      liquidityId: 'old', dealId: 'd', holderId: U, sharesSold: '1', proceeds: '1.00', currency: 'CNY', occurredOn: '2025-03-01' } };
    expect(given([...rounded, backdated]).when(round('r2', '1000', '1.00', '2025-04-01'))).toThrow(expect.objectContaining({ code: 'date-out-of-order', field: 'closedOn' }));
  });

  it('refuses a grant, round or sale dated after today', () => {
    const future = (field: string) => expect.objectContaining({ code: 'date-in-future', field });
    expect(given([]).when(grantCommand({ grantedOn: '2030-01-02' }))).toThrow(future('grantedOn'));
    expect(given(run([grantCommand()])).when(round('r', '1', '1.00', '2030-01-02'))).toThrow(future('closedOn'));
    expect(given(run([grantCommand()])).when(sale(U, '1', '1.00', '2030-01-02'))).toThrow(future('occurredOn'));
    expect(run([sale(U, '1', '1.00', TODAY)], run([grantCommand()])).at(-1)).toMatchObject({ type: 'EquityLiquidated' });
  });

  it('keeps a stake of exactly one third: a round needing half a share tops up one (half up), exactly', () => {
    // (1,000 + t) / (3,001 + t) = 1/3 ⇒ t = 0.5. As a decimal, 1/3 truncated made t 0.4999… and lost the share.
    const grant = grantCommand({ shares: '1000', fullyDilutedShares: '3000', inventorsSharePercent: null, antiDilution: { untilRaised: '1000000.00' } });
    const events = run([grant, round('r1', '1', '1.00', '2025-06-30')]);
    expect(events.find((e) => e.type === 'AntiDilutionTopUpIssued')?.data).toMatchObject({ topUps: [{ partyId: U, shares: '1' }] });
  });

  it('treats a deal recorded with antiDilution null as unprotected', () => {
    const events = run([grantCommand({ antiDilution: null as unknown as undefined }), round('r1', '100', '1.00', '2025-06-30')]);
    expect(events.slice(-1).map((e) => e.type)).toEqual(['FundingRoundRecorded']);
    expect(capTable(events)!.protectionEnded).toBe(true);
  });

  it('refuses a second grant (409) and rounds on a missing deal (404)', () => {
    expect(given(run([grantCommand()])).when(grantCommand())).toThrow(expect.objectContaining({ kind: 'conflict' }));
    expect(given([]).when(round('r', '1', '1.00', '2025-01-01'))).toThrow(expect.objectContaining({ kind: 'not-found' }));
  });

  it('shows the cap table as of a business date', () => {
    const events = run([grantCommand(), round('r1', '2500000', '2.00', '2025-06-30')]);
    expect(capTable(events, '2025-03-01')!.fullyDilutedShares).toBe('10000000');
    expect(capTable(events, '2024-12-31')).toBeUndefined();
  });

  it('never creates or loses a share through awards and top-ups', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 50 }), fc.integer({ min: 0, max: 100 }),
      fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 5_000_000 }), fc.integer({ min: 1, max: 500 })), { maxLength: 4 }),
      (shares, multiple, inventorsPct, inventorWeights, rounds) => {
        const inventors = inventorWeights.map((w, i) => ({ partyId: `inv${i}`, sharePercent: String(w) }));
        const events = run([
          grantCommand({ shares: String(shares), fullyDilutedShares: String(shares * multiple), inventorsSharePercent: String(inventorsPct), inventors,
            antiDilution: { untilRaised: '1000000.00' } }),
          ...rounds.map(([n, cents], i) => round(`r${i}`, String(n), new Big(cents).div(100).toFixed(2), '2025-06-30')),
        ]);
        const topUps = events.flatMap((e) => (e.type === 'AntiDilutionTopUpIssued' ? e.data.topUps : [])).reduce((s, t) => s + Number(t.shares), 0);
        const newShares = events.flatMap((e) => (e.type === 'FundingRoundRecorded' ? [Number(e.data.newShares)] : [])).reduce((s, n) => s + n, 0);
        const table = capTable(events)!;
        const held = table.holders.reduce((s, h) => s + Number(h.shares), 0);
        expect(held).toBe(shares + topUps);
        expect(Number(table.fullyDilutedShares)).toBe(shares * multiple + newShares + topUps);
        // Two-part largest remainder gives the awarded part the extra share exactly when its fraction is ≥ .5.
        const awarded = events.flatMap((e) => (e.type === 'EquityAwarded' ? e.data.awards : [])).reduce((sum, a) => sum + Number(a.shares), 0);
        expect(awarded).toBe(Number(new Big(shares).times(inventorsPct).div(100).round(0, Big.roundHalfUp)));
      },
    ), { numRuns: 150 });
  });
});
