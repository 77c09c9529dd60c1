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
  private readonly firsts = new Map<string, RecordedEvent>();

  constructor(private readonly store: EventStore, private readonly capacity = DEFAULT_CAPACITY) {}

  async load<T>(streamId: string, fold: StreamFold<T>): Promise<Folded<T>> {
    const [folded] = await this.loadEach<[T]>(streamId, [fold]);
    return folded;
  }

  /** One stream folded several ways with one read: from the oldest of their snapshots. */
  async loadEach<T extends unknown[]>(streamId: string, folds: { [K in keyof T]: StreamFold<T[K]> }): Promise<{ [K in keyof T]: Folded<T[K]> }> {
    const cached = (folds as StreamFold<unknown>[]).map((fold) => this.entries.get(keyOf(streamId, fold)));
    // From the oldest snapshot; the whole stream if any fold has none.
    const revisions = cached.map((c) => c?.revision ?? -1n);
    const oldest = revisions.reduce((min, r) => (r < min ? r : min));
    const tail = await this.store.readStream(streamId, oldest >= 0n ? { fromRevision: oldest + 1n } : undefined);
    return (folds as StreamFold<unknown>[]).map((fold, i) => {
      const since = cached[i]?.revision ?? -1n;
      let value = cached[i] ? cached[i]!.value : fold.initial();
      for (const event of tail) if (event.revision > since) value = fold.step(value, event);
      const revision = tail.length > 0 ? tail[tail.length - 1].revision : cached[i]?.revision;
      if (revision !== undefined) this.remember(streamId, fold, value, revision);
      return { value, revision };
    }) as { [K in keyof T]: Folded<T[K]> };
  }

  /**
   * A stream's first event: it never changes (streams are append-only), so it is read once per
   * process. A license's grant says which patents it covers; an equity stream's, which license.
   */
  async first(streamId: string): Promise<RecordedEvent | undefined> {
    const event = this.firsts.get(streamId) ?? (await this.store.readStream(streamId, { maxCount: 1 }))[0];
    if (event) this.keep(this.firsts, streamId, event);
    return event;
  }

  /** Records a value the caller folded itself (after its own append). Never goes backwards. */
  remember<T>(streamId: string, fold: StreamFold<T>, value: T, revision: bigint): void {
    const key = keyOf(streamId, fold);
    const cached = this.entries.get(key);
    if (cached && cached.revision >= revision) return;
    this.keep(this.entries, key, { fold: fold as StreamFold<unknown>, value, revision });
  }

  /** Stores as most recently used (Map order is the recency order), dropping the least beyond capacity. */
  private keep<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.capacity) map.delete(map.keys().next().value as string);
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
