import {
  ANY, AllStreamResolvedEvent, AppendExpectedRevision, AppendResult as EsdbAppendResult, BACKWARDS, END, ErrorType,
  EventStoreDBClient, FORWARDS, JSONType, NO_STREAM, Position, RecordedEvent as EsdbRecordedEvent, START,
  STREAM_EXISTS, StreamNotFoundError, WrongExpectedVersionError, excludeSystemEvents, jsonEvent,
} from '@eventstore/db-client';
import {
  AppendOptions, AppendResult, EventHandler, EventMetadata, EventStore, ExpectedRevision, NewEvent, ReadAllOptions,
  ReadStreamOptions, RecordedEvent, SubscribeAllOptions, Subscription, WrongExpectedRevision,
} from '../port';
import { positionOrUnknown, toServerPosition } from './eventstoredb-position';

export { decodePosition, encodePosition, toServerPosition } from './eventstoredb-position';

export interface EventStoreDbOptions {
  /** Raw events per $all page; pages continue past system events until maxCount user events are found. */
  pageSize?: number;
  /** Longest an append or read waits for the server before it fails as not answering (the client sets none). */
  answerWithinMs?: number;
}

/**
 * The server did not answer in time. The client reads and appends with no deadline (a server that
 * takes connections and never answers held a request for ever, and its cached feature query every
 * append after it): `type` is the client's own for a deadline, so isStoreUnavailable answers it 503.
 */
export class EventStoreDbNotAnswering extends Error {
  readonly type = 'deadline-exceeded';
}

/** A call's stream, to cancel when its answer is late (a for-await over it would wait for ever). */
type Cancellable = { cancel?(): Promise<void>; destroy(error?: Error): unknown };

/**
 * EventStoreDB adapter. The server enforces expected revisions and makes same-id retries idempotent;
 * this class maps the port's vocabulary onto the client's and the {commit, prepare} pairs onto one
 * bigint (see ./eventstoredb-position). Stream reads carry $all positions from server 22.6 on.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: EventStoreDBClient;
  private readonly pageSize: number;
  private readonly answerWithinMs: number;
  private readonly subscriptions = new Set<Subscription>();

  constructor(client: EventStoreDBClient | string, options: EventStoreDbOptions = {}) {
    if (typeof client === 'string' && /[?&]throwOnAppendFailure=false(&|$)/i.test(client)) {
      // The client then answers a conflict as a result whose revision is not the stream's (BigInt(true)).
      throw new Error('ESDB_CONNECTION_STRING: throwOnAppendFailure=false is not supported; leave it out');
    }
    this.client = typeof client === 'string' ? EventStoreDBClient.connectionString(client) : client;
    this.pageSize = Math.max(2, options.pageSize ?? 512);
    this.answerWithinMs = options.answerWithinMs ?? 10_000;
  }

  /**
   * `work`, failed as EventStoreDbNotAnswering once the server has been silent for answerWithinMs: no
   * answer to an append, no event of a read for that long (a long stream read steadily is not cut
   * off). The late call alone is cancelled: the client stays, as do the other calls on it (disposing it
   * ended their reads early as if they had reached the end). A hung feature query, which the client
   * keeps for every append after it, holds them until the server answers or the API is restarted.
   */
  private async answered<T>(what: string, work: (call: { opened(stream: Cancellable): void; alive(): void }) => Promise<T>): Promise<T> {
    const streams: Cancellable[] = [];
    let timer: NodeJS.Timeout | undefined;
    let fail: (error: Error) => void = () => undefined;
    const late = new Promise<never>((_, reject) => { fail = reject; });
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        for (const stream of streams) void Promise.resolve(stream.cancel?.() ?? stream.destroy()).catch(() => undefined);
        fail(new EventStoreDbNotAnswering(`EventStoreDB did not answer ${what} within ${this.answerWithinMs} ms`));
      }, this.answerWithinMs);
    };
    arm();
    try {
      // Started in a promise, so a work that throws at once leaves no timer armed behind it.
      const running = Promise.resolve().then(() => work({ opened: (stream) => streams.push(stream), alive: arm }));
      running.catch(() => undefined); // settled after the deadline, it is nobody's to handle
      return await Promise.race([running, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const expected = options.expectedRevision;
    let result: EsdbAppendResult;
    try {
      result = await this.answered(`an append to ${streamId}`, () => this.client.appendToStream(
        streamId,
        events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: e.metadata })),
        { expectedRevision: toEsdbExpected(expected) },
      ));
    } catch (err) {
      if (isWrongExpectedVersion(err)) {
        throw new WrongExpectedRevision(streamId, expected, err.actualVersion === NO_STREAM ? 'no_stream' : BigInt(err.actualVersion));
      }
      if ((err as { type?: unknown })?.type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED) {
        const limit = (err as { maxAppendSize?: number }).maxAppendSize;
        throw new Error(`EventStoreDB refused an append of ${events.length} events to ${streamId}: larger than its MaxAppendSize` +
          ` (${limit ?? 'its'} bytes; 1 MiB unless set): raise EVENTSTORE_MAX_APPEND_SIZE (docker/compose.yaml sets 16 MiB)`, { cause: err });
      }
      throw err;
    }
    if (!result.success) {
      // Only a client told throwOnAppendFailure=false (refused in a connection string), whose result's
      // revision is not the stream's: read it.
      throw new WrongExpectedRevision(streamId, expected, await this.currentRevision(streamId));
    }
    return { nextRevision: result.nextExpectedRevision, position: await this.positionOfLast(streamId, result) };
  }

  /**
   * The $all position of the append's last event, read back from the stream: the append response's
   * position is the write's commit (not necessarily that event's $all position for a batch) and an
   * idempotent retry may carry none. Falls back to the response's position on servers before 22.6,
   * and when the read back fails: the append is committed, and must not be reported as failed (its
   * caller would decide it again, with new event ids).
   */
  private async positionOfLast(streamId: string, result: EsdbAppendResult): Promise<bigint> {
    const [last] = await this.readStream(streamId, { fromRevision: result.nextExpectedRevision, maxCount: 1 }).catch(() => []);
    if (last && last.position >= 0n) return last.position;
    return positionOrUnknown(result.position);
  }

  private async currentRevision(streamId: string): Promise<bigint | 'no_stream'> {
    const [last] = await this.readWhole(`a read of ${streamId}`, () =>
      this.client.readStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })).catch((err) => {
      if (isStreamNotFound(err)) return [];
      throw err;
    });
    return last?.event ? last.event.revision : 'no_stream';
  }

  /** Every entry a read answers, each next one within answered()'s deadline for silence. */
  private readWhole<E>(what: string, open: () => AsyncIterable<E> & Cancellable): Promise<E[]> {
    return this.answered(what, async (call) => {
      const read = open();
      call.opened(read);
      const entries: E[] = [];
      for await (const entry of read) {
        call.alive();
        entries.push(entry);
      }
      return entries;
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    // The client refuses a negative revision outright; the SQL stores read the whole stream.
    const fromRevision = options.fromRevision === undefined || options.fromRevision < 0n ? START : options.fromRevision;
    const entries = await this.readWhole(`a read of ${streamId}`, () => this.client.readStream(streamId, {
      fromRevision, direction: FORWARDS, ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
    })).catch((err) => {
      if (isStreamNotFound(err)) return [];
      throw err;
    });
    return entries.flatMap((resolved) => (resolved.event ? [toRecorded(resolved.event)] : []));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Infinity;
    const events: RecordedEvent[] = [];
    let lower = options.fromPosition !== undefined && options.fromPosition > 0n ? options.fromPosition : 0n;
    while (events.length < maxCount) {
      // +1: a lowered server position (see toServerPosition) may return one event before `lower`.
      const count = Math.min(this.pageSize, maxCount - events.length + 1);
      const page = await this.readAllPage(lower === 0n ? START : toServerPosition(lower), count, FORWARDS);
      for (const resolved of page) {
        const recorded = userEvent(resolved);
        if (!recorded || recorded.position < lower) continue;
        events.push(recorded);
        if (events.length === maxCount) break;
      }
      const last = page[page.length - 1]?.event?.position;
      if (page.length < count || !last) break;
      lower = positionOrUnknown(last) + 1n;
    }
    return events;
  }

  async headPosition(): Promise<bigint> {
    let from: Position | typeof END = END;
    for (;;) {
      const page = await this.readAllPage(from, this.pageSize, BACKWARDS);
      for (const resolved of page) {
        const recorded = userEvent(resolved);
        if (recorded) return recorded.position;
      }
      const last = page[page.length - 1]?.event?.position;
      if (page.length < this.pageSize || !last) return -1n;
      from = last; // a backwards read from an event's position starts just before it
    }
  }

  private readAllPage(fromPosition: Position | typeof START | typeof END, maxCount: number, direction: typeof FORWARDS | typeof BACKWARDS) {
    return this.readWhole('a read of $all', () => this.client.readAll({ fromPosition, maxCount, direction }));
  }

  subscribeAll(options: SubscribeAllOptions, handler: EventHandler): Subscription {
    const from = options.fromPosition;
    const checkpoint = from === undefined || from === 'start' || from < 0n ? undefined : from;
    const source = this.client.subscribeToAll({
      fromPosition: checkpoint === undefined ? START : toServerPosition(checkpoint), // exclusive, like the port
      filter: excludeSystemEvents(),
    });
    let stopped = false;
    let unsubscribed: Promise<void> | undefined;
    const unsubscribe = () => (unsubscribed ??= source.unsubscribe().catch(() => undefined));

    const loop = async () => {
      try {
        for await (const resolved of source) {
          if (stopped) break;
          const recorded = userEvent(resolved); // also skips links whose event is gone
          if (!recorded || (checkpoint !== undefined && recorded.position <= checkpoint)) continue;
          await handler(recorded);
        }
      } catch (err) {
        if (!stopped) throw err;
      } finally {
        await unsubscribe();
      }
      if (!stopped) throw new Error('EventStoreDB subscription to $all ended unexpectedly');
    };
    const done = loop();
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        await unsubscribe();
        source.destroy(); // releases a pending read even if the cancelled call never ends the stream
        await done.catch(() => undefined);
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    await this.readAllPage(END, 1, BACKWARDS);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'exists') return STREAM_EXISTS;
  return expected;
}

function isWrongExpectedVersion(err: unknown): err is WrongExpectedVersionError {
  return err instanceof WrongExpectedVersionError || (err as { type?: unknown })?.type === ErrorType.WRONG_EXPECTED_VERSION;
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof StreamNotFoundError || (err as { type?: unknown })?.type === ErrorType.STREAM_NOT_FOUND;
}

/** The user event of a resolved $all entry; undefined for system events (type or stream starting with '$'). */
function userEvent(resolved: AllStreamResolvedEvent | undefined): RecordedEvent | undefined {
  const event = resolved?.event;
  if (!event || event.type.startsWith('$') || event.streamId.startsWith('$')) return undefined;
  return toRecorded(event);
}

/** jsonEvent data and metadata come back parsed by the client. */
function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata as EventMetadata,
    streamId: event.streamId,
    revision: event.revision,
    position: positionOrUnknown(event.position),
  };
}
