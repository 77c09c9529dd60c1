import { Decider, DomainEvent } from '@ledger/domain';
import { EventStore, NewEvent, WrongExpectedRevision } from '@ledger/event-store';
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
 * with WrongExpectedRevision (409). A command that changes nothing (a key revoked again, the policy in
 * force sent again) appends nothing, and its position is the log's head: what a client passes back as
 * `?minPosition=` to read the state that made it a no-op, never -1, which that parameter refuses.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  ctx: CommandContext,
  options: HandleOptions<State> = {},
): Promise<Handled<Event, State>> {
  const handled = await handleCommands(store, streamId, decider, [{ command, ctx, eventId: options.eventId }], options.loaded);
  return handled.events.length > 0 ? handled : { ...handled, position: await store.headPosition() };
}

export interface QueuedCommand<Command> {
  command: Command;
  ctx: CommandContext;
  eventId?: (index: number) => string;
}

/**
 * Several commands on one stream, each decided on the state the previous ones leave, appended in
 * one append: all of them or none. Process managers use it to write a page of reactions at once.
 */
export async function handleCommands<Command, Event extends DomainEvent, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  commands: readonly QueuedCommand<Command>[],
  preloaded?: Folded<State>,
): Promise<Handled<Event, State>> {
  const states = streamStatesOf(store);
  const fold = deciderFold(decider);
  const loaded = preloaded ?? (await states.load(streamId, fold));
  let state = loaded.value;
  const events: Event[] = [];
  const appending: NewEvent[] = [];
  for (const { command, ctx, eventId } of commands) {
    const metadata = metadataFor(ctx);
    decider.decide(command, state).forEach((e, i) => {
      state = decider.evolve(state, e);
      events.push(e);
      appending.push({ id: eventId?.(i) ?? randomUUID(), type: e.type, data: e.data, metadata });
    });
  }
  if (events.length === 0) return { events, state, nextRevision: loaded.revision ?? -1n, position: -1n };
  const { nextRevision, position } = await store.append(streamId, appending, { expectedRevision: loaded.revision ?? 'no_stream' });
  states.remember(streamId, fold, state, nextRevision);
  return { events, state, nextRevision, position };
}

/** How often a command whose append lost a race is decided again before the conflict reaches the client. */
const CONFLICT_ATTEMPTS = 8;

/**
 * Runs a command's whole handling (its reads of read models included) again when its append lost a
 * race for the stream: no client states an expected revision, so the conflict is only that the state
 * it was decided on is gone, and the ledger itself appends to some streams (allocations to a party's)
 * at any moment. Each attempt decides on the stream as it now is, so a rule (a payout's balance) is
 * checked against what won the race. Past the last attempt the conflict stands (409).
 */
export async function retryingConflicts<T>(handle: () => Promise<T>, attempts = CONFLICT_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle();
    } catch (error) {
      if (!(error instanceof WrongExpectedRevision) || attempt >= attempts) throw error;
    }
    // A few ms, random, so writers that lost together do not read and race again in step.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * attempt));
  }
}
