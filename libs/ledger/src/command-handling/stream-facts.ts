import { PartyEvent, PatentEvent, fold, partyDecider, partyStream, patentDecider, patentStream, RegisteredPatent } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { toDomainEvent } from './handle-command';

/**
 * Facts a command needs from other streams, read from the streams themselves (the source of truth),
 * never from possibly-lagging read models.
 */
export async function registeredParties(store: EventStore, partyIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(partyIds)];
  const states = await Promise.all(
    unique.map(async (id) => fold(partyDecider, (await store.readStream(partyStream(id))).map((e) => toDomainEvent<PartyEvent>(e)))),
  );
  return unique.filter((_, i) => states[i].registered);
}

export async function registeredPatent(store: EventStore, patentId: string): Promise<RegisteredPatent | undefined> {
  const state = fold(patentDecider, (await store.readStream(patentStream(patentId))).map((e) => toDomainEvent<PatentEvent>(e)));
  return state.registered ? state : undefined;
}
