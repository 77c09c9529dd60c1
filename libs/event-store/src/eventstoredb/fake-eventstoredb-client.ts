import {
  AllStreamResolvedEvent, EventData, EventStoreDBClient, Position, StreamNotFoundError, WrongExpectedVersionError,
} from '@eventstore/db-client';
import { PassThrough, Readable } from 'node:stream';
import { retriedAppend } from '../idempotent-retry';
import { IdempotencyViolation, NewEvent, RecordedEvent } from '../port';

/** One record of the fake transaction log, shaped like the client's AllStreamRecordedEvent. */
export interface FakeRecord {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  isJson: boolean;
  created: Date;
  position: Position;
}

type Pos = Position | 'start' | 'end';
type Sub = PassThrough & { unsubscribe(): Promise<void> };

export interface FakeOptions {
  /** Events of one append share the commit position (an explicit transaction) instead of each its own. */
  sharedCommit?: boolean;
  /** A server before 22.6: stream reads carry no $all position (ulong.MaxValue). */
  noStreamPositions?: boolean;
  /** The server's MaxAppendSize: an append whose events' data and metadata pass it is refused whole. */
  maxAppendBytes?: number;
}

const cmp = (a: Position, b: Position) => (a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0);
const MAX = (1n << 64n) - 1n;

/**
 * An in-memory stand-in for EventStoreDBClient: just the calls the adapter makes, with the server's
 * semantics as documented (expected revisions, idempotent retries, inclusive forward / exclusive
 * backward $all reads, exclusive subscription start, the client's real error classes).
 */
export class FakeEventStoreDbClient {
  readonly log: FakeRecord[] = [];
  readonly appendCalls: { streamName: string; events: EventData[]; options: Record<string, unknown> }[] = [];
  readonly readAllCalls: Record<string, unknown>[] = [];
  readonly subscribeCalls: Record<string, unknown>[] = [];
  readonly live = new Set<Sub>();
  disposed = false;
  private next = 1000n;

  constructor(private readonly options: FakeOptions = {}) {}

  asClient(): EventStoreDBClient {
    return this as unknown as EventStoreDBClient;
  }

  /** Writes records the server itself would write ($-streams, $-types, links). */
  system(streamId: string, type: string, data: unknown = {}): void {
    this.write(streamId, [{ id: `sys-${this.next}`, type, data, metadata: undefined, contentType: 'application/json' } as never]);
  }

  async appendToStream(streamName: string, events: EventData[], options: { expectedRevision?: unknown } = {}) {
    this.appendCalls.push({ streamName, events, options });
    await Promise.resolve(); // let racing appends interleave like network calls would
    const size = events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata ?? null)), 0);
    if (this.options.maxAppendBytes !== undefined && size > this.options.maxAppendBytes) {
      throw Object.assign(new Error(`Maximum Append Size of ${this.options.maxAppendBytes} Exceeded.`), { type: 'maximum-append-size-exceeded', maxAppendSize: this.options.maxAppendBytes });
    }
    const expected = options.expectedRevision ?? 'any';
    const mine = this.log.filter((r) => r.streamId === streamName);
    const current = mine.length ? mine[mine.length - 1].revision : -1n;
    const ids = new Set(events.map((e) => e.id));
    const known = mine.filter((r) => ids.has(r.id)).map((r) => this.asRecorded(r));
    const portExpected = expected === 'stream_exists' ? 'exists' : (expected as 'any' | 'no_stream' | bigint);
    let retried;
    try {
      retried = retriedAppend(streamName, events as unknown as NewEvent[], portExpected, known);
    } catch (err) {
      if (!(err instanceof IdempotencyViolation)) throw err;
    }
    if (retried) return { success: true, nextExpectedRevision: retried.nextRevision, position: undefined };
    const ok = known.length === 0 && (expected === 'any' || (expected === 'no_stream' && current === -1n)
      || (expected === 'stream_exists' && current >= 0n) || expected === current);
    if (!ok) {
      throw new WrongExpectedVersionError(undefined, {
        streamName, expected: expected as never, current: current === -1n ? 'no_stream' : current,
      });
    }
    const last = this.write(streamName, events);
    return { success: true, nextExpectedRevision: last.revision, position: { commit: last.position.commit, prepare: last.position.commit } };
  }

  readStream(streamName: string, o: { fromRevision?: bigint | 'start' | 'end'; maxCount?: number | bigint; direction?: string } = {}) {
    // The client checks the bounds before it calls: a negative revision throws at once.
    if (typeof o.fromRevision === 'bigint' && o.fromRevision < 0n) throw new Error(`fromRevision ${o.fromRevision} is out of bounds`);
    const mine = this.log.filter((r) => r.streamId === streamName);
    const backwards = o.direction === 'backwards';
    const from = o.fromRevision === undefined || o.fromRevision === 'start' ? 0n : o.fromRevision === 'end' ? -1n : o.fromRevision;
    const hide = this.options.noStreamPositions;
    const out = (backwards ? [...mine].reverse().filter((r) => from === -1n || r.revision <= from) : mine.filter((r) => r.revision >= from))
      .slice(0, Number(o.maxCount ?? Number.MAX_SAFE_INTEGER))
      .map((r) => ({ event: hide ? { ...r, position: { commit: MAX, prepare: MAX } } : r }));
    return Readable.from(
      (async function* () {
        if (mine.length === 0) throw new StreamNotFoundError(undefined, streamName);
        yield* out;
      })(),
    );
  }

  readAll(o: { fromPosition?: Pos; maxCount?: number | bigint; direction?: string } = {}) {
    this.readAllCalls.push(o);
    const max = Number(o.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = o.fromPosition ?? 'start';
    if (typeof from === 'object' && from.commit < from.prepare) {
      return Readable.from((async function* () { throw new Error('commit position cannot be less than prepare position'); })());
    }
    let records: FakeRecord[];
    if (o.direction === 'backwards') {
      const before = from === 'end' || from === 'start' ? this.log : this.log.filter((r) => cmp(r.position, from) < 0);
      records = [...before].reverse();
    } else {
      records = from === 'start' || from === 'end' ? this.log : this.log.filter((r) => cmp(r.position, from) >= 0);
    }
    return Readable.from(records.slice(0, max).map((r): AllStreamResolvedEvent => ({ event: r as never, commitPosition: r.position.commit })));
  }

  subscribeToAll(o: { fromPosition?: Pos; filter?: { regex?: string } } = {}) {
    this.subscribeCalls.push(o);
    const from = o.fromPosition ?? 'start';
    const regex = o.filter?.regex ? new RegExp(o.filter.regex) : undefined;
    const sub = new PassThrough({ objectMode: true, highWaterMark: 1 }) as Sub;
    sub.unsubscribe = async () => {
      this.live.delete(sub);
      sub.end();
    };
    const accepts = (r: FakeRecord) => !regex || regex.test(r.type);
    for (const r of this.log) {
      if ((from === 'start' || (from !== 'end' && cmp(r.position, from) > 0)) && accepts(r)) sub.write({ event: r });
    }
    (sub as unknown as { accepts: typeof accepts }).accepts = accepts;
    this.live.add(sub);
    return sub;
  }

  /** Pushes an entry without an event (a link whose event was deleted) to live subscriptions. */
  pushUnresolvedLink(): void {
    for (const sub of this.live) sub.write({ link: undefined });
  }

  failSubscriptions(error: Error): void {
    for (const sub of this.live) sub.destroy(error);
    this.live.clear();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  private write(streamName: string, events: EventData[]): FakeRecord {
    const mine = this.log.filter((r) => r.streamId === streamName);
    let revision = mine.length ? mine[mine.length - 1].revision : -1n;
    const commit = this.next + BigInt(events.length + 1) * 100n; // a commit record after the prepares
    const written = events.map((e) => {
      const prepare = (this.next += 100n);
      revision += 1n;
      const record: FakeRecord = {
        streamId: streamName, id: e.id, revision, type: e.type, data: e.data, metadata: e.metadata,
        isJson: true, created: new Date(), position: { commit: this.options.sharedCommit ? commit : prepare, prepare },
      };
      this.log.push(record);
      return record;
    });
    if (this.options.sharedCommit) this.next = commit;
    for (const sub of this.live) {
      const accepts = (sub as unknown as { accepts: (r: FakeRecord) => boolean }).accepts;
      for (const r of written) if (accepts(r)) sub.write({ event: r });
    }
    return written[written.length - 1];
  }

  private asRecorded(r: FakeRecord): RecordedEvent {
    return { ...r, data: r.data, metadata: r.metadata as never, position: 0n };
  }
}
