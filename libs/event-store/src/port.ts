/**
 * The event store port. Every adapter (sqlite, postgres, eventstoredb) implements it and passes the
 * one contract suite in ./contract.
 *
 * Numbering is EventStoreDB's everywhere: a stream's first event has revision 0n. A global position
 * is an opaque bigint: strictly increasing in commit order, compared only within one store.
 */

export interface Actor {
  id: string;
  role: string;
}

export interface EventMetadata {
  actor: Actor;
  correlationId: string;
  causationId: string;
  /** ISO-8601 instant at which the ledger recorded the event. */
  recordedAt: string;
  [extra: string]: unknown;
}

/** An event to append: plain data, never a class instance. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  revision: bigint;
  position: bigint;
}

export type ExpectedRevision = 'any' | 'no_stream' | 'exists' | bigint;

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream (the next append's expected revision). */
  nextRevision: bigint;
  /** Global position of the last appended event. */
  position: bigint;
}

export interface ReadStreamOptions {
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Inclusive: the first event returned has a position >= fromPosition. */
  fromPosition?: bigint;
  maxCount?: number;
}

export interface SubscribeAllOptions {
  /**
   * A checkpoint: the position of the last event the subscriber has handled. Delivery starts strictly
   * after it. Omit it (or pass 'start') to start at the beginning of the log.
   */
  fromPosition?: bigint | 'start';
}

export type EventHandler = (event: RecordedEvent) => Promise<void> | void;

export interface Subscription {
  /** Stops delivery; resolves once no handler call is in flight. */
  stop(): Promise<void>;
  /** Resolves when the subscription ends because its handler threw or the store failed. */
  readonly done: Promise<void>;
}

export interface EventStore {
  readonly kind: 'sqlite' | 'postgres' | 'eventstoredb';
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Events of one stream in revision order; an empty array for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** User events of the global log in position order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up then live delivery, one event at a time, each handler call awaited before the next. */
  subscribeAll(options: SubscribeAllOptions, handler: EventHandler): Subscription;
  /** Position of the newest user event, or -1n for an empty store. */
  headPosition(): Promise<bigint>;
  /** Cheap round trip for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class WrongExpectedRevision extends Error {
  override readonly name = 'WrongExpectedRevision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** Raised when a retry reuses some but not all event ids of an earlier append. */
export class IdempotencyViolation extends Error {
  override readonly name = 'IdempotencyViolation';
  constructor(readonly streamId: string, detail: string) {
    super(`stream ${streamId}: ${detail}`);
  }
}

/** Checks an expected revision against a stream's current revision (-1n: the stream does not exist). */
export function revisionMatches(expected: ExpectedRevision, current: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1n;
  if (expected === 'exists') return current >= 0n;
  return expected === current;
}

export function wrongRevision(streamId: string, expected: ExpectedRevision, current: bigint): WrongExpectedRevision {
  return new WrongExpectedRevision(streamId, expected, current === -1n ? 'no_stream' : current);
}
