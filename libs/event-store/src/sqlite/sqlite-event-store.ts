import { EventRow, toRecorded } from '../event-row';
import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppendOutcome, BatchedAppend, GroupCommit } from '../group-commit';
import { retriedAppend } from '../idempotent-retry';
import { sqlStoreSubscription } from '../polling-subscription';
import { WriteQueue, writeQueueFor } from './write-queue';
import { WalCheckpointer } from './wal-checkpointer';
import {
  AppendOptions, AppendResult, EventHandler, EventStore, IdempotencyViolation, NewEvent, ReadAllOptions, ReadStreamOptions,
  RecordedEvent, SubscribeAllOptions, Subscription, revisionMatches, wrongRevision,
} from '../port';


const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  event_id  TEXT    NOT NULL UNIQUE,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);`;

/**
 * The embedded default: one SQLite file, WAL, synchronous=FULL so an acknowledged append survives a
 * crash. better-sqlite3 is synchronous, so an append is atomic with no interleaving inside this
 * process (appends asked for together share one transaction, each in its own savepoint); other
 * processes are serialized by SQLite's write lock (busy_timeout waits).
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly stmts;
  private readonly writes: WriteQueue;
  private readonly byIdsCache = new Map<number, Database.Statement>();
  private readonly batches = new GroupCommit((batch) => this.writes.run(() => this.commitBatch(batch)));
  /** A nested better-sqlite3 transaction is a savepoint. */
  private readonly appendInSavepoint;
  private readonly checkpointer?: WalCheckpointer;

  constructor(readonly path: string, private readonly idlePollMs = 250) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.writes = writeQueueFor(path);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.defaultSafeIntegers(true);
    this.db.exec(SCHEMA);
    this.appended.setMaxListeners(0);
    this.appendInSavepoint = this.db.transaction(this.appendTx);
    this.stmts = {
      head: this.db.prepare('SELECT MAX(revision) AS r FROM events WHERE stream_id = ?'),
      insert: this.db.prepare(
        'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      byIds: (n: number) => {
        let stmt = this.byIdsCache.get(n);
        if (!stmt) {
          // `+stream_id` keeps SQLite on the event_id index: through the (stream_id, revision) index, which
          // also gives the order, it walked the whole stream on every append (a party stream with 100,000
          // allocations took seconds per append).
          const sql = `SELECT * FROM events WHERE +stream_id = ? AND event_id IN (${Array(n).fill('?').join(',')}) ORDER BY revision`;
          this.byIdsCache.set(n, (stmt = this.db.prepare(sql)));
        }
        return stmt;
      },
      stream: this.db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      all: this.db.prepare('SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT ?'),
      headPosition: this.db.prepare('SELECT MAX(position) AS p FROM events'),
    };
    if (path !== ':memory:') this.checkpointer = new WalCheckpointer(path); // last: nothing after it can throw
  }

  private readonly appendTx = (streamId: string, events: readonly NewEvent[], options: AppendOptions): AppendResult => {
    const existing = (this.stmts.byIds(events.length).all(streamId, ...events.map((e) => e.id)) as EventRow[]).map(toRecorded);
    const retried = retriedAppend(streamId, events, options.expectedRevision, existing);
    if (retried) return retried;
    const head = this.stmts.head.get(streamId) as { r: bigint | null };
    const current = head.r === null ? -1n : BigInt(head.r);
    if (!revisionMatches(options.expectedRevision, current)) {
      throw wrongRevision(streamId, options.expectedRevision, current);
    }
    let revision = current;
    let position = 0n;
    for (const e of events) {
      revision += 1n;
      let info: Database.RunResult;
      try {
        info = this.stmts.insert.run(streamId, revision, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
      } catch (error) {
        // As on PostgreSQL: an id used in another stream (or twice in this append) is the port's error, not the driver's.
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String(error).includes('events.event_id')) {
          throw new IdempotencyViolation(streamId, 'an event id is already used in another stream or position');
        }
        throw error;
      }
      position = BigInt(info.lastInsertRowid);
    }
    return { nextRevision: revision, position };
  };

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return this.batches.append(streamId, events, options);
  }

  /** One transaction for the batch; each append in its own savepoint, so a refused one leaves the rest. */
  private commitBatch(batch: readonly BatchedAppend[]): AppendOutcome[] {
    const outcomes: AppendOutcome[] = [];
    this.db.transaction(() => {
      for (const a of batch) {
        try {
          outcomes.push({ result: this.appendInSavepoint(a.streamId, a.events, a.options) });
        } catch (error) {
          // Some failures (disk full, I/O) roll back the whole transaction, not just the savepoint:
          // then nothing of the batch is written, and the rest must not run outside a transaction.
          if (!this.db.inTransaction) throw error;
          outcomes.push({ error });
        }
      }
    }).immediate();
    if (outcomes.some((o) => 'result' in o)) this.appended.emit('append');
    return outcomes;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = this.stmts.stream.all(streamId, options.fromRevision ?? 0n, options.maxCount ?? -1) as EventRow[];
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const rows = this.stmts.all.all(options.fromPosition ?? 0n, options.maxCount ?? -1) as EventRow[];
    return rows.map(toRecorded);
  }

  subscribeAll(options: SubscribeAllOptions, handler: EventHandler): Subscription {
    return sqlStoreSubscription(this, this.appended, this.idlePollMs, options, handler);
  }

  async headPosition(): Promise<bigint> {
    const row = this.stmts.headPosition.get() as { p: bigint | null };
    return row.p === null ? -1n : BigInt(row.p);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}
