import { Big } from '../money/big';
import { CHEN, LIN, SCHOOL, U, allocation, lines, policySet, registered, run, workedPolicy } from './distribution.test-kit';
import { DistributionEvent } from './types';

// A credit undoes what its own source gave, under the versions it gave it under, whatever income
// came in under other versions since: found by three reviews (a report from before the office set its
// policy, restated to zero, took 630.00 from the beneficiaries of a later, untouched report).
const onReport = (reportId: string, eventId: string, position: string, kind = 'adjustment') =>
  ({ source: { eventId, position, licenseId: 'l1', kind, reportId, period: '2025-Q1' } });
const totals = (events: DistributionEvent[]) => {
  const held: Record<string, string> = {};
  for (const [role, party, amount] of lines(events)) held[`${role} ${party}`] = new Big(held[`${role} ${party}`] ?? '0').plus(amount).toFixed(2);
  return held;
};
const credits = (events: DistributionEvent[]) =>
  events.flatMap((e) => (e.type === 'DistributionAllocated' && new Big(e.data.amount).lt(0) ? [e.data] : []));

describe('a credit after the policy changed', () => {
  it('restating a report kept before there was a policy takes back only what the party kept, not a later report\'s shares', () => {
    const kept = run([registered], [allocation('1000.00', { policyVersion: null, ...onReport('q1', 'e1', '1', 'royalty') })]);
    const q2 = run([registered, ...kept, policySet()], [allocation('1000.00', onReport('q2', 'e2', '3', 'royalty'))]);
    const undo = run([registered, ...kept, policySet(), ...q2], [allocation('-1000.00', onReport('q1', 'e3', '4'))]);
    expect(lines(undo)).toEqual([['retained', U, '-1000.00']]);
    expect(credits(undo)[0]).toMatchObject({ policyVersion: null, takenBack: [{ version: null, amount: '1000.00', adminFee: '0.00' }] });
    // Q2's 1,000.00 as v1 split it: fee 100.00, inventors 225.00 each, School 180.00, U keeps 270.00
    expect(totals([...kept, ...q2, ...undo])).toEqual({
      'retained university': '270.00', 'admin-fee university': '100.00', 'inventor lin': '225.00', 'inventor chen': '225.00', 'beneficiary school': '180.00',
    });
  });

  it('takes each version\'s admin fee back at that version\'s rate', () => {
    const v2 = policySet({ ...workedPolicy, adminFeePercent: '20' }, 2);
    const first = run([registered, policySet()], [allocation('10000.00', onReport('q1', 'e1', '1', 'royalty'))]);
    const later = run([registered, policySet(), ...first, v2], [
      allocation('5000.00', { policyVersion: 2, ...onReport('q1', 'e2', '3') }),
      allocation('-5000.00', { policyVersion: 2, ...onReport('q1', 'e3', '4') }),
    ]);
    // before: the fee went back at the source's blended 13.33 % and stayed at 1,333.33 on 10,000.00
    expect(totals([...first, ...later])).toEqual(totals(first));
    expect(totals(first)['admin-fee university']).toBe('1000.00');
  });

  it('names the version whose amounts it takes back, not the one in force at the restatement', () => {
    const v2 = policySet({ adminFeePercent: '20', recoverPatentCosts: false, bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '30' }] }] }, 2);
    const first = run([registered, policySet()], [allocation('1000.00', onReport('q1', 'e1', '1', 'royalty'))]);
    const undo = run([registered, policySet(), ...first, v2], [allocation('-1000.00', { policyVersion: 2, ...onReport('q1', 'e2', '3') })]);
    expect(credits(undo)[0].policyVersion).toBe(1);
    expect(lines(undo)).toEqual(lines(first).map(([role, party, amount]) => [role, party, `-${amount}`]));
  });

  it('folds a fee taken back at the old blended rate into the parts, so restating to zero later returns every line to zero', () => {
    const v2 = policySet({ ...workedPolicy, adminFeePercent: '20' }, 2);
    const first = run([registered, policySet()], [allocation('10000.00', onReport('q1', 'e1', '1', 'royalty'))]);
    const up = run([registered, policySet(), ...first, v2], [allocation('5000.00', { policyVersion: 2, ...onReport('q1', 'e2', '3') })]);
    // As the old rule decided it (found by the diff review): the fee back at the source's blended 2,000 / 15,000.
    const [old] = run([registered, policySet(), ...first, v2, ...up], [allocation('-5000.00', { policyVersion: 2, ...onReport('q1', 'e3', '4') })]);
    if (old.type !== 'DistributionAllocated') throw new Error('not an allocation');
    // Fee 5,000 × 2,000 / 15,000 = 666.67; 4,333.33 off the top: v2's layer (4,000.00), then 333.33 of v1's.
    const blended = { ...old, data: { ...old.data, adminFee: '-666.67', takenBack: undefined, peels: undefined, peeled: '4333.33', lines: [
      { role: 'admin-fee' as const, partyId: U, amount: '-666.67' }, { role: 'inventor' as const, partyId: LIN, amount: '-1083.33' },
      { role: 'inventor' as const, partyId: CHEN, amount: '-1083.33' }, { role: 'beneficiary' as const, partyId: SCHOOL, amount: '-866.67' },
      { role: 'retained' as const, partyId: U, amount: '-1300.00' },
    ] } };
    const toZero = run([registered, policySet(), ...first, v2, ...up, blended], [allocation('-10000.00', { policyVersion: 2, ...onReport('q1', 'e4', '5') })]);
    for (const [line, amount] of Object.entries(totals([...first, ...up, blended, ...toZero]))) expect([line, amount]).toEqual([line, '0.00']);
  });

  it('folds a credit recorded before takenBack and peels as it was decided then: off the top', () => {
    const kept = run([registered], [allocation('1000.00', { policyVersion: null, ...onReport('q1', 'e1', '1', 'royalty') })]);
    const q2 = run([registered, ...kept, policySet()], [allocation('1000.00', onReport('q2', 'e2', '3', 'royalty'))]);
    // As the old rule decided it: v1's layer off the top, the fee back at the source's rate (none).
    const old: DistributionEvent = { type: 'DistributionAllocated', data: {
      allocationId: 'old', partyId: U, source: onReport('q1', 'e3', '4').source, date: '2025-03-31', currency: 'CNY', amount: '-1000.00',
      policyVersion: 1, adminFee: '0.00', costRecovery: [], peeled: '1000.00',
      lines: [{ role: 'inventor', partyId: LIN, amount: '-225.00' }, { role: 'inventor', partyId: CHEN, amount: '-225.00' }, { role: 'beneficiary', partyId: SCHOOL, amount: '-180.00' }, { role: 'retained', partyId: U, amount: '-370.00' }],
    } };
    // Q2 restated to zero after it: what is left is the kept 1,000.00 (one layer, no policy) and Q2's fee.
    const after = run([registered, ...kept, policySet(), ...q2, old], [allocation('-1000.00', onReport('q2', 'e4', '5'))]);
    expect(lines(after)).toEqual([['admin-fee', U, '-100.00'], ['retained', U, '-900.00']]);
    expect(totals([...kept, ...q2, old, ...after])).toMatchObject({ 'inventor lin': '0.00', 'beneficiary school': '0.00', 'admin-fee university': '0.00' });
  });
});
