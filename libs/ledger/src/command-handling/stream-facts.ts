import { DistributionState, PatentState, RegisteredPatent, distributionDecider, partyDecider, partyStream, patentDecider, patentStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { Folded, StreamFold, deciderFold, streamStatesOf } from './stream-states';

/**
 * Facts a command needs from other streams, read from the streams themselves (the source of truth,
 * through their snapshots), never from possibly-lagging read models.
 */
export async function registeredParties(store: EventStore, partyIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(partyIds)];
  const states = await Promise.all(unique.map((id) => streamStatesOf(store).load(partyStream(id), deciderFold(partyDecider))));
  return unique.filter((_, i) => states[i].value.registered);
}

export async function registeredPatent(store: EventStore, patentId: string): Promise<RegisteredPatent | undefined> {
  const { value } = await streamStatesOf(store).load(patentStream(patentId), deciderFold(patentDecider));
  return value.registered ? value : undefined;
}

/** A registered patent, with where in the log each of its costs was recorded (by costId). */
export interface PatentFacts {
  patent: RegisteredPatent;
  costPositions: ReadonlyMap<string, bigint>;
}

const costPositionsFold: StreamFold<ReadonlyMap<string, bigint>> = {
  initial: () => new Map(),
  step: (positions, e) =>
    e.type === 'PatentCostRecorded' ? new Map(positions).set((e.data as { costId: string }).costId, e.position) : positions,
};

/** A patent and its costs' positions, from one read of its stream; undefined if it is not registered. */
export async function patentFacts(store: EventStore, patentId: string): Promise<PatentFacts | undefined> {
  const [patent, costPositions] = await streamStatesOf(store).loadEach<[PatentState, ReadonlyMap<string, bigint>]>(
    patentStream(patentId), [deciderFold(patentDecider), costPositionsFold],
  );
  return patent.value.registered ? { patent: patent.value, costPositions: costPositions.value } : undefined;
}

export interface PolicyVersion {
  version: number;
  /** Where it was set in the log: a source allocates under the version in force at its own position. */
  position: bigint;
}

const policyVersionsFold: StreamFold<PolicyVersion[]> = {
  initial: () => [],
  step: (versions, e) =>
    e.type === 'DistributionPolicySet' ? [...versions, { version: (e.data as { version: number }).version, position: e.position }] : versions,
  // Read with the party's allocations: without a snapshot of its own, a restart would read them all for it.
  snapshot: {
    name: 'policy-versions',
    version: 1,
    encode: (versions) => versions.map((v) => [v.version, String(v.position)]),
    decode: (snapshot) => {
      if (!Array.isArray(snapshot)) throw new Error('not a list of policy versions');
      return (snapshot as [number, string][]).map(([version, position]) => ({ version, position: BigInt(position) }));
    },
  },
};

/**
 * A party's distribution policy versions (with their log positions) and its distribution state (its
 * allocations so far), from one read of its stream.
 */
export async function partyFacts(store: EventStore, partyId: string): Promise<{ policies: PolicyVersion[]; allocations: Folded<DistributionState> }> {
  const [policies, allocations] = await streamStatesOf(store).loadEach<[PolicyVersion[], DistributionState]>(
    partyStream(partyId), [policyVersionsFold, deciderFold(distributionDecider)],
  );
  return { policies: policies.value, allocations };
}

/** A party's distribution policy versions alone (an allocation's explanation names the one it applied). */
export async function partyPolicyVersions(store: EventStore, partyId: string): Promise<PolicyVersion[]> {
  return (await streamStatesOf(store).load(partyStream(partyId), policyVersionsFold)).value;
}

/** Every fold whose value is saved between restarts: `ledger-cli verify` checks their snapshots against the log. */
export const SNAPSHOT_FOLDS: readonly StreamFold<unknown>[] = [
  deciderFold(distributionDecider), policyVersionsFold, deciderFold(partyDecider),
] as StreamFold<unknown>[];
