import { Decider, DomainEvent } from '@ledger/domain';
import { EventStore, RecordedEvent } from '@ledger/event-store';
import { randomUUID } from 'node:crypto';
import { CommandContext, metadataFor } from './command-context';

export interface Handled<Event, State> {
  events: Event[];
  state: State;
  nextRevision: bigint;
  position: bigint;
}

export interface HandleOptions {
  /** The stream as already read by the caller, to avoid reading it twice. */
  loaded?: RecordedEvent[];
  /** Deterministic ids (process managers), so a replayed append is recognised as a retry. */
  eventId?: (index: number) => string;
}

export const toDomainEvent = <E extends DomainEvent>(e: RecordedEvent): E => ({ type: e.type, data: e.data }) as E;

/**
 * The write path of every command: load the stream, fold it with evolve, decide, append with the
 * revision that was read. A concurrent writer makes the append fail with WrongExpectedRevision (409).
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  ctx: CommandContext,
  options: HandleOptions = {},
): Promise<Handled<Event, State>> {
  const recorded = options.loaded ?? (await store.readStream(streamId));
  let state = decider.initialState();
  for (const e of recorded) state = decider.evolve(state, toDomainEvent<Event>(e));
  const events = decider.decide(command, state);
  const expectedRevision = recorded.length ? recorded[recorded.length - 1].revision : 'no_stream';
  if (events.length === 0) {
    return { events, state, nextRevision: recorded.length ? (expectedRevision as bigint) : -1n, position: -1n };
  }
  const metadata = metadataFor(ctx);
  const { nextRevision, position } = await store.append(
    streamId,
    events.map((e, i) => ({ id: options.eventId?.(i) ?? randomUUID(), type: e.type, data: e.data, metadata })),
    { expectedRevision },
  );
  for (const e of events) state = decider.evolve(state, e);
  return { events, state, nextRevision, position };
}
