import { Decider, DomainEvent } from '@ledger/domain';
import { EventStore, RecordedEvent } from '@ledger/event-store';

/** How a stream is folded into a value: a decider's evolve, or a fact gathered from the stream. */
export interface StreamFold<T> {
  initial(): T;
  step(value: T, event: RecordedEvent): T;
}

export interface Folded<T> {
  value: T;
  /** Revision of the last event folded in; undefined when the stream does not exist. */
  revision: bigint | undefined;
}

interface Entry {
  fold: StreamFold<unknown>;
  value: unknown;
  revision: bigint;
}

const DEFAULT_CAPACITY = 20_000;

/**
 * In-memory snapshots of folded streams. Streams are append-only, so a value folded up to revision r
 * stays true: a command reads only the events appended since (one short read, whoever appended them,
 * this process or another) instead of the whole stream. Values must not be mutated: deciders return
 * new states. Least recently used streams are dropped beyond `capacity`.
 */
export class StreamStates {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly store: EventStore, private readonly capacity = DEFAULT_CAPACITY) {}

  async load<T>(streamId: string, fold: StreamFold<T>): Promise<Folded<T>> {
    const key = keyOf(streamId, fold);
    const cached = this.entries.get(key);
    const tail = await this.store.readStream(streamId, cached ? { fromRevision: cached.revision + 1n } : undefined);
    let value = (cached ? cached.value : fold.initial()) as T;
    for (const event of tail) value = fold.step(value, event);
    const revision = tail.length > 0 ? tail[tail.length - 1].revision : cached?.revision;
    if (revision !== undefined) this.remember(streamId, fold, value, revision);
    return { value, revision };
  }

  /** Records a value the caller folded itself (after its own append). Never goes backwards. */
  remember<T>(streamId: string, fold: StreamFold<T>, value: T, revision: bigint): void {
    const key = keyOf(streamId, fold);
    const cached = this.entries.get(key);
    if (cached && cached.revision >= revision) return;
    this.entries.delete(key); // re-insert: Map order is the recency order
    this.entries.set(key, { fold: fold as StreamFold<unknown>, value, revision });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

const foldIds = new WeakMap<object, number>();
let nextFoldId = 0;
/** A stream folded two ways (a party stream by parties and by revenue sharing) is cached twice. */
function keyOf(streamId: string, fold: StreamFold<unknown>): string {
  let id = foldIds.get(fold);
  if (id === undefined) foldIds.set(fold, (id = nextFoldId++));
  return `${id}\u0000${streamId}`;
}

/** A recorded event as its decider sees it: type and data only. */
export const toDomainEvent = <E extends DomainEvent>(e: RecordedEvent): E => ({ type: e.type, data: e.data }) as E;

const deciderFolds = new WeakMap<object, StreamFold<unknown>>();
/** A decider's evolve as a stream fold (one per decider, so its states share one cache entry). */
export function deciderFold<Event extends DomainEvent, State>(decider: Pick<Decider<never, Event, State>, 'initialState' | 'evolve'>): StreamFold<State> {
  let fold = deciderFolds.get(decider) as StreamFold<State> | undefined;
  if (!fold) {
    fold = { initial: () => decider.initialState(), step: (state, e) => decider.evolve(state, toDomainEvent<Event>(e)) };
    deciderFolds.set(decider, fold as StreamFold<unknown>);
  }
  return fold;
}

const perStore = new WeakMap<EventStore, StreamStates>();
/** The snapshots of one store, shared by every handler that writes to it. */
export function streamStatesOf(store: EventStore): StreamStates {
  let states = perStore.get(store);
  if (!states) perStore.set(store, (states = new StreamStates(store)));
  return states;
}
