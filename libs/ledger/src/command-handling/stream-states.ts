import { Decider, DomainEvent, SnapshotCodec } from '@ledger/domain';
import { EventStore, RecordedEvent } from '@ledger/event-store';

/** How a stream is folded into a value: a decider's evolve, or a fact gathered from the stream. */
export interface StreamFold<T> {
  initial(): T;
  step(value: T, event: RecordedEvent): T;
  /** How its value is saved between restarts, for folds of streams that grow long. */
  snapshot?: SnapshotCodec<T>;
}

/** Values of long streams kept beyond the process (persisted-snapshots.ts), for a restart to start from. */
export interface SavedSnapshots {
  /** The value saved for this stream and fold, if there is one and the log still holds what it was folded from. */
  restore<T>(streamId: string, fold: StreamFold<T>): Promise<{ value: T; revision: bigint } | undefined>;
  /** Every value folded or decided, as it is remembered: saved when the stream has grown enough since the last. */
  folded<T>(streamId: string, fold: StreamFold<T>, value: T, revision: bigint): void;
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
/** Events read and folded between turns of the event loop (~0.1–0.2 s of folding a party). */
const PAGE_SIZE = 1_000;

/**
 * In-memory snapshots of folded streams. Streams are append-only, so a value folded up to revision r
 * stays true: a command reads only the events appended since (one short read, whoever appended them,
 * this process or another) instead of the whole stream. Values must not be mutated: deciders return
 * new states. Least recently used streams are dropped beyond `capacity`.
 */
export class StreamStates {
  private readonly entries = new Map<string, Entry>();
  private readonly firsts = new Map<string, RecordedEvent>();
  private saved?: SavedSnapshots;

  constructor(
    private readonly store: EventStore,
    private readonly capacity = DEFAULT_CAPACITY,
    private readonly pageSize = PAGE_SIZE,
  ) {}

  /** Restores long streams from, and saves them to, `saved` (the API's read-model database). */
  keepSnapshotsIn(saved: SavedSnapshots): void {
    this.saved = saved;
  }

  async load<T>(streamId: string, fold: StreamFold<T>): Promise<Folded<T>> {
    const [folded] = await this.loadEach<[T]>(streamId, [fold]);
    return folded;
  }

  /**
   * One stream folded several ways with one read: from the oldest of their snapshots. A long tail (a
   * stream with no snapshot yet, as after a restart) is read and folded a page at a time, the event loop
   * given back between pages: folding a university's 250,000 allocations in one go held it for 44 s,
   * in which every request waited and /health timed out.
   */
  async loadEach<T extends unknown[]>(streamId: string, folds: { [K in keyof T]: StreamFold<T[K]> }): Promise<{ [K in keyof T]: Folded<T[K]> }> {
    const list = folds as StreamFold<unknown>[];
    const cached = await Promise.all(list.map((fold) => this.entries.get(keyOf(streamId, fold)) ?? this.restore(streamId, fold)));
    const since = cached.map((c) => c?.revision ?? -1n);
    const values = list.map((fold, i) => (cached[i] ? cached[i]!.value : fold.initial()));
    let last: bigint | undefined;
    // From the oldest snapshot; the whole stream if any fold has none.
    for await (const page of streamPages(this.store, streamId, since.reduce((min, r) => (r < min ? r : min)) + 1n, this.pageSize)) {
      for (const event of page) list.forEach((fold, i) => { if (event.revision > since[i]) values[i] = fold.step(values[i], event); });
      if (page.length > 0) last = page[page.length - 1].revision;
    }
    return list.map((fold, i) => {
      const revision = last ?? cached[i]?.revision;
      if (revision !== undefined) this.remember(streamId, fold, values[i], revision);
      return { value: values[i], revision };
    }) as { [K in keyof T]: Folded<T[K]> };
  }

  /**
   * A saved snapshot of a fold not in memory (after a restart), as if it had been folded here. Kept at
   * once: a command asking while the events since are read finds it, not another restore of seconds.
   */
  private async restore<T>(streamId: string, fold: StreamFold<T>): Promise<Entry | undefined> {
    if (!fold.snapshot || !this.saved) return undefined;
    const restored = await this.saved.restore(streamId, fold);
    if (!restored) return undefined;
    const entry: Entry = { fold: fold as StreamFold<unknown>, ...restored };
    const key = keyOf(streamId, fold);
    if (!this.entries.has(key)) this.keep(this.entries, key, entry); // one folded meanwhile is as new or newer
    return entry;
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
    if (fold.snapshot) this.saved?.folded(streamId, fold, value, revision);
  }

  /** Stores as most recently used (Map order is the recency order), dropping the least beyond capacity. */
  private keep<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.capacity) map.delete(map.keys().next().value as string);
  }
}

/** A stream's events from a revision to its end, a page at a time, the event loop given back between pages. */
export async function* streamPages(store: EventStore, streamId: string, from: bigint, pageSize: number): AsyncGenerator<RecordedEvent[]> {
  for (let first = true; ; first = false) {
    if (!first) await new Promise((resolve) => setImmediate(resolve));
    const page = await store.readStream(streamId, { ...(from > 0n ? { fromRevision: from } : {}), maxCount: pageSize });
    yield page;
    if (page.length < pageSize) return;
    from = page[page.length - 1].revision + 1n;
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
export function deciderFold<Event extends DomainEvent, State>(decider: Pick<Decider<never, Event, State>, 'initialState' | 'evolve' | 'snapshot'>): StreamFold<State> {
  let fold = deciderFolds.get(decider) as StreamFold<State> | undefined;
  if (!fold) {
    fold = { initial: () => decider.initialState(), step: (state, e) => decider.evolve(state, toDomainEvent<Event>(e)), snapshot: decider.snapshot };
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
