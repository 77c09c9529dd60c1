import { Decider, DomainEvent } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { randomUUID } from 'node:crypto';
import { CommandContext, metadataFor } from './command-context';
import { Folded, deciderFold, streamStatesOf } from './stream-states';

export interface Handled<Event, State> {
  events: Event[];
  state: State;
  nextRevision: bigint;
  position: bigint;
}

export interface HandleOptions<State> {
  /** The stream's state as the caller already folded it, to avoid reading it twice. */
  loaded?: Folded<State>;
  /** Deterministic ids (process managers), so a replayed append is recognised as a retry. */
  eventId?: (index: number) => string;
}

export { toDomainEvent } from './stream-states';

/**
 * The write path of every command: load the stream's state (its snapshot plus the events appended
 * since), decide, append with the revision that was read. A concurrent writer makes the append fail
 * with WrongExpectedRevision (409).
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  ctx: CommandContext,
  options: HandleOptions<State> = {},
): Promise<Handled<Event, State>> {
  const states = streamStatesOf(store);
  const fold = deciderFold(decider);
  const loaded = options.loaded ?? (await states.load(streamId, fold));
  let state = loaded.value;
  const events = decider.decide(command, state);
  const expectedRevision = loaded.revision ?? 'no_stream';
  if (events.length === 0) return { events, state, nextRevision: loaded.revision ?? -1n, position: -1n };
  const metadata = metadataFor(ctx);
  const { nextRevision, position } = await store.append(
    streamId,
    events.map((e, i) => ({ id: options.eventId?.(i) ?? randomUUID(), type: e.type, data: e.data, metadata })),
    { expectedRevision },
  );
  for (const e of events) state = decider.evolve(state, e);
  states.remember(streamId, fold, state, nextRevision);
  return { events, state, nextRevision, position };
}
