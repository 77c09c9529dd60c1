import { fold } from '../shared/decider';
import { distributionDecider } from './distribution';
import { DistributionState } from './state';
import { DistributionEvent } from './types';
import { allocation, policySet, registered } from './distribution.test-kit';

/** Decides and folds one allocation of 100.01 from report `reportId` of `licenseId`. */
function allocate(state: DistributionState, licenseId: string, reportId: string, position: number): DistributionState {
  const command = allocation('100.01', { source: { eventId: `e${position}`, position: String(position), licenseId, kind: 'royalty', reportId, period: '2025-01' } });
  return distributionDecider.decide(command, state).reduce((s, e) => distributionDecider.evolve(s, e), state);
}

describe("a party's distribution state", () => {
  // Copying every license's records on each allocation made a party's fold quadratic: a university
  // with thousands of licenses held the event loop for minutes folding its stream after a restart.
  it("shares every other license's records, and the license's other reports, with the state before an allocation", () => {
    let state = fold(distributionDecider, [registered, policySet()] as DistributionEvent[]);
    let position = 0;
    for (const licenseId of ['l1', 'l2', 'l3']) for (const reportId of ['r1', 'r2']) state = allocate(state, licenseId, reportId, ++position);

    const after = allocate(state, 'l2', 'r3', ++position);

    expect(after.netBySource.get('l1')).toBe(state.netBySource.get('l1'));
    expect(after.partsBySource.get('l3')).toBe(state.partsBySource.get('l3'));
    expect(after.layers.get('l1/CNY')).toBe(state.layers.get('l1/CNY'));
    expect(after.netBySource.get('l2')?.get('l2/report/r1')).toBe(state.netBySource.get('l2')?.get('l2/report/r1'));
    expect(after.partsBySource.get('l2')?.get('l2/report/r2')).toBe(state.partsBySource.get('l2')?.get('l2/report/r2'));
    // …and the state before is untouched: a snapshot another command decided on stays what it was.
    expect(state.netBySource.get('l2')?.has('l2/report/r3')).toBe(false);
    expect(after.netBySource.get('l2')?.get('l2/report/r3')).toEqual({
      'admin-fee|university|': '10', 'inventor|lin|': '22.51', 'inventor|chen|': '22.5', 'beneficiary|school|': '18', 'retained|university|': '27',
    });
    expect(after.cumulative.get('l2/CNY')).toBe('270.03');
    expect(state.cumulative.get('l2/CNY')).toBe('180.02');
  });
});
