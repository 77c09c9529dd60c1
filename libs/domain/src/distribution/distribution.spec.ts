import { Big } from '../money/big';
import { DomainError } from '../shared/domain-error';
import { policyInForce } from './distribution';
import { DistributionPolicy } from './types';
import { CHEN, LIN, P1, SCHOOL, U, allocation, given, lines, policySet, registered, run, workedPolicy } from './distribution.test-kit';

describe('distribution policies', () => {
  it('versions each policy the party sets', () => {
    expect(given([registered]).when({ type: 'SetDistributionPolicy', data: { partyId: U, ...workedPolicy, knownParties: [SCHOOL] } })())
      .toEqual([policySet(workedPolicy, 1)]);
    const changed = { ...workedPolicy, adminFeePercent: '15' };
    expect(given([registered, policySet()]).when({ type: 'SetDistributionPolicy', data: { partyId: U, ...changed, knownParties: [SCHOOL] } })())
      .toEqual([policySet(changed, 2)]);
  });

  it('keeps the version when the policy in force is sent again (PUT is idempotent)', () => {
    expect(given([registered, policySet()]).when({ type: 'SetDistributionPolicy', data: { partyId: U, ...workedPolicy, knownParties: [SCHOOL] } })())
      .toEqual([]);
  });

  const setAgain = (policy: DistributionPolicy, inForce = workedPolicy) =>
    given([registered, policySet(inForce)]).when({ type: 'SetDistributionPolicy', data: { partyId: U, ...policy, knownParties: [SCHOOL] } })();
  const banded: DistributionPolicy = {
    adminFeePercent: '10', recoverPatentCosts: true,
    bands: [{ upTo: '200000.00', shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }, { shares: [{ beneficiary: 'inventors', sharePercent: '30' }] }],
  };

  it.each<[string, DistributionPolicy, DistributionPolicy]>([
    ['its keys in another order', { bands: [{ shares: [{ sharePercent: '50', beneficiary: 'inventors' }, { sharePercent: '20', beneficiary: SCHOOL }] }], recoverPatentCosts: false, adminFeePercent: '10' }, workedPolicy],
    ['"50.0" for "50" and "10.00" for "10"', { ...workedPolicy, adminFeePercent: '10.00', bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '50.0' }, { beneficiary: SCHOOL, sharePercent: '20' }] }] }, workedPolicy],
    ['a band bound "200000" for "200000.00"', { ...banded, bands: [{ shares: banded.bands[0].shares, upTo: '200000' }, banded.bands[1]] }, banded],
  ])('keeps the version when the policy in force comes back with %s', (_, again, inForce) => {
    expect(setAgain(again, inForce)).toEqual([]);
  });

  it.each<[string, Partial<DistributionPolicy>]>([
    ['another share', { bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '50.01' }, { beneficiary: SCHOOL, sharePercent: '20' }] }] }],
    ['the beneficiaries in another order', { bands: [{ shares: [{ beneficiary: SCHOOL, sharePercent: '20' }, { beneficiary: 'inventors', sharePercent: '50' }] }] }],
    ['a beneficiary fewer', { bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }] }],
    ['cost recovery switched on', { recoverPatentCosts: true }],
    ['another admin fee', { adminFeePercent: '10.5' }],
    ['a band more', { bands: [{ upTo: '100', shares: workedPolicy.bands[0].shares }, workedPolicy.bands[0]] }],
  ])('makes a new version for %s', (_, change) => {
    expect(setAgain({ ...workedPolicy, ...change })).toEqual([policySet({ ...workedPolicy, ...change }, 2)]);
  });

  it('makes a new version when a band bound moves', () => {
    const moved = { ...banded, bands: [{ ...banded.bands[0], upTo: '200000.01' }, banded.bands[1]] };
    expect(setAgain(moved, banded)).toEqual([policySet(moved, 2)]);
  });

  it.each([
    ['shares over 100', { bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '60' }, { beneficiary: SCHOOL, sharePercent: '40.01' }] }] }, 'bands[0].shares'],
    ['an unknown beneficiary', { bands: [{ shares: [{ beneficiary: 'nobody', sharePercent: '10' }] }] }, 'bands[0].shares[0].beneficiary'],
    ['the party itself as beneficiary', { bands: [{ shares: [{ beneficiary: U, sharePercent: '10' }] }] }, 'bands[0].shares[0].beneficiary'],
    ['a beneficiary twice', { bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '10' }, { beneficiary: 'inventors', sharePercent: '10' }] }] }, 'bands[0].shares[1].beneficiary'],
    ['an open band before the last', { bands: [{ shares: [] }, { shares: [] }] }, 'bands[0].upTo'],
    ['descending bands', { bands: [{ upTo: '200000.00', shares: [] }, { upTo: '100000.00', shares: [] }, { shares: [] }] }, 'bands[1].upTo'],
    ['an admin fee over 100', { adminFeePercent: '101' }, 'adminFeePercent'],
  ])('refuses %s, naming the field', (_, change, field) => {
    const command = { type: 'SetDistributionPolicy' as const, data: { partyId: U, ...workedPolicy, knownParties: [SCHOOL], ...change } };
    expect(given([registered]).when(command)).toThrow(expect.objectContaining({ field }));
  });

  it.each<[string, DistributionPolicy['bands'], string]>([
    ['an open band before the last', [{ shares: [] }, { shares: [] }], 'bands[0].upTo is required: only the last band is open-ended'],
    // Before, this one said "only the last band is open-ended" too, of the last band itself.
    ['a bounded last band', [{ upTo: '200000.00', shares: [] }], 'bands[0].upTo must be left out: the last band is open-ended'],
  ])('says which way %s is wrong', (_, bands, message) => {
    const command = { type: 'SetDistributionPolicy' as const, data: { partyId: U, ...workedPolicy, knownParties: [SCHOOL], bands } };
    expect(given([registered]).when(command)).toThrow(expect.objectContaining({ code: 'band-bounds', message: expect.stringContaining(message) }));
  });

  it('refuses a policy for an unregistered party as not found', () => {
    expect(given([]).when({ type: 'SetDistributionPolicy', data: { partyId: U, ...workedPolicy, knownParties: [SCHOOL] } }))
      .toThrow(expect.objectContaining({ kind: 'not-found' }));
  });

  it('picks the version recorded before the source position', () => {
    const versions = [{ version: 1, position: 10n }, { version: 2, position: 50n }];
    expect(policyInForce(versions, 5n)).toBeNull();
    expect(policyInForce(versions, 30n)).toBe(1);
    expect(policyInForce(versions, 51n)).toBe(2);
  });
});

describe('allocating what a licensor receives (DESIGN worked example)', () => {
  const history = [registered, policySet()];

  it('splits the upfront 60,000.00: admin 6,000.00, inventors 13,500.00 each, School 10,800.00, U keeps 16,200.00', () => {
    expect(lines(given(history).when(allocation('60000.00', { source: { eventId: 'up', position: '1', licenseId: 'l1', kind: 'upfront' } }))()))
      .toEqual([['admin-fee', U, '6000.00'], ['inventor', LIN, '13500.00'], ['inventor', CHEN, '13500.00'], ['beneficiary', SCHOOL, '10800.00'], ['retained', U, '16200.00']]);
  });

  it('splits Q1 8,640.00: 864.00, 1,944.00, 1,944.00, 1,555.20, 2,332.80', () => {
    expect(lines(given(history).when(allocation('8640.00'))()))
      .toEqual([['admin-fee', U, '864.00'], ['inventor', LIN, '1944.00'], ['inventor', CHEN, '1944.00'], ['beneficiary', SCHOOL, '1555.20'], ['retained', U, '2332.80']]);
  });

  it('gives the tie to the first listed: 0.05 split 50 / 50 → 0.03, 0.02', () => {
    const inventorsOnly = policySet({ adminFeePercent: '0', recoverPatentCosts: false, bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '100' }] }] });
    expect(lines(given([registered, inventorsOnly]).when(allocation('0.05'))())).toEqual([['inventor', LIN, '0.03'], ['inventor', CHEN, '0.02']]);
  });

  it("gives the inventors' share to the inventors of the licensed patents the party owns, not a co-licensor's", () => {
    const theirs = { patentId: 'p2', ownerIds: ['another-university'], inventors: [{ partyId: 'bob', sharePercent: '100' }], costs: [] };
    const both = { ...P1, ownerIds: [U, 'another-university'] };
    expect(lines(given(history).when(allocation('8640.00', { patents: [P1, theirs] }))()))
      .toEqual([['admin-fee', U, '864.00'], ['inventor', LIN, '1944.00'], ['inventor', CHEN, '1944.00'], ['beneficiary', SCHOOL, '1555.20'], ['retained', U, '2332.80']]);
    // A co-owned patent's inventors are both owners' inventors, weighted with the party's other patents.
    const own = { patentId: 'p3', ownerIds: [U], inventors: [{ partyId: 'ada', sharePercent: '100' }], costs: [] };
    expect(lines(given(history).when(allocation('8640.00', { patents: [both, own, theirs] }))()).filter(([role]) => role === 'inventor'))
      .toEqual([['inventor', LIN, '972.00'], ['inventor', CHEN, '972.00'], ['inventor', 'ada', '1944.00']]);
  });

  it('reverses a credit in proportion to what the report allocated: −540.00 → −54.00, −121.50 ×2, −97.20, −145.80', () => {
    const [q1] = run(history, [allocation('8640.00')]);
    const credit = allocation('-540.00', { source: { eventId: 'adj', position: '9', licenseId: 'l1', kind: 'adjustment', reportId: 'q1', period: '2025-Q1' } });
    expect(lines(given([...history, q1]).when(credit)()))
      .toEqual([['admin-fee', U, '-54.00'], ['inventor', LIN, '-121.50'], ['inventor', CHEN, '-121.50'], ['beneficiary', SCHOOL, '-97.20'], ['retained', U, '-145.80']]);
  });

  it('lets a party without a policy keep everything, and records no version', () => {
    const [event] = given([registered]).when(allocation('5760.00', { policyVersion: null }))();
    expect(event).toMatchObject({ data: { policyVersion: null, lines: [{ role: 'retained', partyId: U, amount: '5760.00' }] } });
  });

  it('allocates an amount on record whatever its size: one recorded before reports were bounded stopped every allocation after it', () => {
    const [event] = given(history).when(allocation('299999999999999999999.97'))();
    const split = (event.data as { lines: { amount: string }[] }).lines.map((l) => l.amount);
    expect(split.reduce((sum, a) => sum.plus(a), new Big(0)).toFixed(2)).toBe('299999999999999999999.97');
    expect(() => given(history).when(allocation(`1${'0'.repeat(50)}.00`))()).toThrow('amount must have at most 50 digits before the decimal point');
  });

  it('allocates a source once: the same command again decides nothing', () => {
    const command = allocation('8640.00');
    const [first] = run(history, [command]);
    expect(given([...history, first]).when(command)()).toEqual([]);
  });
});

describe('bands and cost recovery', () => {
  const banded = policySet({
    adminFeePercent: '0', recoverPatentCosts: false,
    bands: [{ upTo: '200000.00', shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }, { shares: [{ beneficiary: 'inventors', sharePercent: '30' }] }],
  });

  it('splits an amount that crosses a band boundary at the boundary', () => {
    // 150,000 then 100,000: the second straddles 200,000: 50,000 at 50 % and 50,000 at 30 %.
    const events = run([registered, banded], [allocation('150000.00'), allocation('100000.00')]);
    expect(lines(events.slice(1))).toEqual([['inventor', LIN, '20000.00'], ['inventor', CHEN, '20000.00'], ['retained', U, '60000.00']]);
  });

  it('takes a credit off the top of the bands, so income earned again is split as the first time', () => {
    const tiered = policySet({ ...workedPolicy, adminFeePercent: '10', bands: [
      { upTo: '200000.00', shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }, { shares: [{ beneficiary: 'inventors', sharePercent: '30' }] },
    ] });
    const report = (eventId: string, position: string, kind = 'adjustment') => ({ source: { eventId, position, licenseId: 'l1', kind, reportId: 'q1', period: '2025-Q1' } });
    const inventors = (events: ReturnType<typeof run>) => lines(events).filter(([role]) => role === 'inventor').map(([, , amount]) => amount);
    const first = run([registered, tiered], [allocation('250000.00', report('e1', '1', 'royalty'))]);
    expect(inventors(first)).toEqual(['53750.00', '53750.00']); // 225,000 distributable: 200,000 × 50 % + 25,000 × 30 %
    const credit = run([registered, tiered, ...first], [allocation('-50000.00', report('e2', '2'))]);
    // 45,000 off the top: 25,000 at 30 % and 20,000 at 50 % (was −10,750.00 each, at the report's blended rate), leaving 90,000 = 180,000 × 50 %
    expect(inventors(credit)).toEqual(['-8750.00', '-8750.00']);
    const again = run([registered, tiered, ...first, ...credit], [allocation('50000.00', report('e3', '3'))]);
    expect(inventors(again)).toEqual(['8750.00', '8750.00']); // 53,750.00 each again, as for 225,000 (was 51,750.00)
  });

  it('takes back only what was given, under the version it was given under, when the policy changed since', () => {
    const v2 = policySet({ ...workedPolicy, bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '20' }, { beneficiary: 'newcomer', sharePercent: '30' }] }] }, 2);
    const report = (eventId: string, position: string, kind = 'adjustment') => ({ source: { eventId, position, licenseId: 'l1', kind, reportId: 'q1', period: '2025-Q1' } });
    const first = run([registered, policySet()], [allocation('10000.00', report('e1', '1', 'royalty'))]);
    const credit = run([registered, policySet(), ...first, v2], [allocation('-10000.00', { ...report('e2', '3'), policyVersion: 2 })]);
    expect(lines(credit).map(([role, party, amount]) => `${role} ${party} ${amount}`).sort()).toEqual(
      lines(first).map(([role, party, amount]) => `${role} ${party} -${amount}`).sort(),
    );
  });

  const totals = (events: ReturnType<typeof run>) => {
    const held: Record<string, string> = {};
    for (const [role, party, amount] of lines(events)) held[`${role} ${party}`] = new Big(held[`${role} ${party}`] ?? '0').plus(amount).toFixed(2);
    return held;
  };
  const onReport = (reportId: string, eventId: string, position: string, kind = 'adjustment') =>
    ({ source: { eventId, position, licenseId: 'l1', kind, reportId, period: '2025-Q1' } });

  it('takes income kept without a policy back like any other: nobody is left owing', () => {
    const kept = run([registered], [allocation('100000.00', { policyVersion: null, ...onReport('r1', 'e1', '1', 'royalty') })]);
    const later = run([registered, ...kept, policySet()], [
      allocation('10000.00', onReport('r2', 'e2', '3', 'royalty')),
      allocation('-5000.00', onReport('r1', 'e3', '4')),
      allocation('-10000.00', onReport('r2', 'e4', '5')),
    ]);
    expect(totals([...kept, ...later])).toEqual({ // before: Lin and Chen −1,250.00, School −1,000.00
      'retained university': '95000.00', 'admin-fee university': '0.00', 'inventor lin': '0.00', 'inventor chen': '0.00', 'beneficiary school': '0.00',
    });
  });

  it('takes income recorded before there were layers back like any other', () => {
    const [old] = run([registered, policySet()], [allocation('100000.00', onReport('r1', 'e1', '2', 'royalty'))]);
    delete (old.data as { layers?: unknown }).layers; // as an event recorded before this field
    const v2 = policySet({ ...workedPolicy, bands: [{ shares: [{ beneficiary: 'newcomer', sharePercent: '30' }] }] }, 2);
    const later = run([registered, policySet(), old, v2], [
      allocation('10000.00', { policyVersion: 2, ...onReport('r2', 'e2', '4', 'royalty') }),
      allocation('-5000.00', { policyVersion: 2, ...onReport('r1', 'e3', '5') }),
      allocation('-10000.00', { policyVersion: 2, ...onReport('r2', 'e4', '6') }),
    ]);
    expect(totals(later)['beneficiary newcomer']).toBe('0.00'); // before: −1,350.00
  });

  it('recovers patent costs once across licenses, until fully recovered, and gives recovery back on a credit', () => {
    const recovering = policySet({ adminFeePercent: '10', recoverPatentCosts: true, bands: workedPolicy.bands });
    const withCosts = { ...P1, costs: [{ costId: 'c1', partyId: U, amount: '1500.00', currency: 'CNY' }, { costId: 'c2', partyId: 'other', amount: '999.00', currency: 'CNY' }] };
    // Sources in log order, as the process manager allocates them.
    const first = allocation('1000.00', { patents: [withCosts], source: { eventId: 'l1', position: '100', licenseId: 'l1', kind: 'royalty', reportId: 'q1', period: '2025-Q1' } });
    const second = allocation('1000.00', { patents: [withCosts], source: { eventId: 'l2', position: '101', licenseId: 'l2', kind: 'upfront' } });
    const third = allocation('1000.00', { patents: [withCosts], source: { eventId: 'l2b', position: '102', licenseId: 'l2', kind: 'milestone', milestone: 'm' } });
    const allocated = run([registered, recovering], [first, second, third]);
    const recovered = allocated.map((e) => (e.type === 'DistributionAllocated' ? e.data.costRecovery : []));
    expect(recovered).toEqual([[{ patentId: 'p1', amount: '900.00' }], [{ patentId: 'p1', amount: '600.00' }], []]);
    const credit = allocation('-1000.00', { patents: [withCosts], source: { ...first.data.source, eventId: 'credit', position: '103', kind: 'adjustment' } });
    const [reversed] = run([registered, recovering, ...allocated], [credit]);
    expect(reversed.type === 'DistributionAllocated' && reversed.data.costRecovery).toEqual([{ patentId: 'p1', amount: '-900.00' }]);
  });

  it('takes cost recovery back last, so restatements and shortfalls in any order leave it recovered on unchanged income', () => {
    const recovering = policySet({ adminFeePercent: '0', recoverPatentCosts: true, bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }] });
    const patents = [{ ...P1, inventors: [{ partyId: LIN, sharePercent: '100' }], costs: [{ costId: 'c1', partyId: U, amount: '300.00', currency: 'CNY' }] }];
    const on = (amount: string, position: string, source: object) =>
      allocation(amount, { patents, source: { eventId: `s${position}`, position, licenseId: 'l1', kind: 'royalty', ...source } });
    // Q1 and Q2 of 1,000.00 each, the year closed with no shortfall; Q1 restated to zero (a shortfall of
    // 1,000.00 appears), then back (the shortfall goes): the income is 2,000.00 throughout the end.
    const events = run([registered, recovering], [
      on('1000.00', '1', { reportId: 'q1', period: '2025-Q1' }),
      on('1000.00', '2', { reportId: 'q2', period: '2025-Q2' }),
      on('-1000.00', '3', { kind: 'adjustment', reportId: 'q1', period: '2025-Q1' }),
      on('1000.00', '4', { kind: 'shortfall', year: 2025 }),
      on('1000.00', '5', { kind: 'adjustment', reportId: 'q1', period: '2025-Q1' }),
      on('-1000.00', '6', { kind: 'shortfall-adjustment', year: 2025 }),
    ]);
    expect(totals(events)).toEqual({ 'cost-recovery university': '300.00', 'inventor lin': '850.00', 'retained university': '850.00' });
    // before: cost recovery 0.00, inventor 1,000.00 (the shortfall's credit took back the 300.00 it had recovered)
  });
});

describe('replays', () => {
  it('decides nothing for a source at or before the latest allocated one, and allocates a later one', () => {
    const [done] = run([registered, policySet()], [allocation('100.00', { source: { eventId: 's9', position: '900', licenseId: 'l1', kind: 'upfront' } })]);
    const history = [registered, policySet(), done];
    expect(given(history).when(allocation('100.00', { source: { eventId: 's9', position: '900', licenseId: 'l1', kind: 'upfront' } }))()).toEqual([]);
    expect(given(history).when(allocation('100.00', { source: { eventId: 's8', position: '899', licenseId: 'l1', kind: 'upfront' } }))()).toEqual([]);
    expect(given(history).when(allocation('100.00', { source: { eventId: 's10', position: '901', licenseId: 'l1', kind: 'upfront' } }))()).toHaveLength(1);
  });

  it('refuses a source position that is not a log position', () => {
    expect(given([registered, policySet()]).when(allocation('1.00', { source: { eventId: 'x', position: 'abc', licenseId: 'l1', kind: 'upfront' } })))
      .toThrow(expect.objectContaining({ code: 'invalid-position', field: 'source.position' }));
  });
});

describe('payouts', () => {
  const payout = (amount: string, payableBalance: string) => ({
    type: 'RecordPayout' as const,
    data: { payoutId: 'po', partyId: U, amount, currency: 'CNY', paidOn: '2026-01-15', reference: 'PAY', payableBalance, today: '2026-02-01' },
  });
  it('records a payout within the payable balance', () => {
    expect(given([registered]).when(payout('5000.00', '20250.00'))()).toEqual([
      { type: 'PayoutRecorded', data: { payoutId: 'po', partyId: U, amount: '5000.00', currency: 'CNY', paidOn: '2026-01-15', reference: 'PAY' } },
    ]);
  });
  it('refuses a payout above the balance, naming amount', () => {
    const error = (() => { try { given([registered]).when(payout('20250.01', '20250.00'))(); } catch (e) { return e; } })() as DomainError;
    expect(error).toMatchObject({ code: 'payout-exceeds-balance', field: 'amount', kind: 'rule' });
  });
  it('refuses a payout dated after today, naming paidOn', () => {
    const later = { ...payout('5000.00', '20250.00'), data: { ...payout('5000.00', '20250.00').data, paidOn: '2026-02-02' } };
    expect(given([registered]).when(later)).toThrow(expect.objectContaining({ code: 'date-in-future', field: 'paidOn', kind: 'rule' }));
  });
  it('refuses a blank reference, as a payment does (it was recorded blank)', () => {
    const blank = { ...payout('5000.00', '20250.00'), data: { ...payout('5000.00', '20250.00').data, reference: '  ' } };
    expect(given([registered]).when(blank)).toThrow(expect.objectContaining({ code: 'required', field: 'reference', kind: 'rule' }));
  });
  it('refuses a zero payout and a payout finer than the currency unit', () => {
    expect(given([registered]).when(payout('0.00', '100.00'))).toThrow(expect.objectContaining({ field: 'amount' }));
    expect(given([registered]).when(payout('1.001', '100.00'))).toThrow(expect.objectContaining({ field: 'amount' }));
  });
});
