import { fold } from '../shared/decider';
import { PartyRegistered } from '../parties/party';
import { distributionDecider } from './distribution';
import { AllocateDistribution, DistributionCommand, DistributionEvent, DistributionPolicy } from './types';

export const U = 'university', LIN = 'lin', CHEN = 'chen', SCHOOL = 'school';
export const registered: PartyRegistered = { type: 'PartyRegistered', data: { partyId: U, name: 'Eastlake', kind: 'university' } };
export const workedPolicy: DistributionPolicy = {
  adminFeePercent: '10', recoverPatentCosts: false,
  bands: [{ shares: [{ beneficiary: 'inventors', sharePercent: '50' }, { beneficiary: SCHOOL, sharePercent: '20' }] }],
};
export const policySet = (policy: DistributionPolicy = workedPolicy, version = 1): DistributionEvent =>
  ({ type: 'DistributionPolicySet', data: { partyId: U, version, ...policy } });
export const P1 = { patentId: 'p1', ownerIds: [U], inventors: [{ partyId: LIN, sharePercent: '50' }, { partyId: CHEN, sharePercent: '50' }], costs: [] };

let n = 0;
export function allocation(amount: string, extra: Partial<AllocateDistribution['data']> = {}): AllocateDistribution {
  n += 1;
  return {
    type: 'AllocateDistribution',
    data: {
      allocationId: `a${n}`, partyId: U, date: '2025-03-31', currency: 'CNY', amount, policyVersion: 1, patents: [P1],
      source: { eventId: `e${n}`, position: String(n), licenseId: 'l1', kind: 'royalty', reportId: 'q1', period: '2025-Q1' },
      ...extra,
    },
  };
}

/** given(events).when(command) → the decided events, or a thrown DomainError. */
export const given = (events: (DistributionEvent | PartyRegistered)[]) => ({
  when: (command: DistributionCommand) => () => distributionDecider.decide(command, fold(distributionDecider, events as DistributionEvent[])),
});

/** Decides and folds a whole sequence of commands, returning every event. */
export function run(history: (DistributionEvent | PartyRegistered)[], commands: DistributionCommand[]): DistributionEvent[] {
  const events = [...history] as DistributionEvent[];
  for (const command of commands) events.push(...distributionDecider.decide(command, fold(distributionDecider, events)));
  return events.slice(history.length);
}

export const lines = (events: DistributionEvent[]) =>
  events.flatMap((e) => (e.type === 'DistributionAllocated' ? e.data.lines.map((l) => [l.role, l.partyId, l.amount]) : []));
