import { EventRow, toRecorded } from '../event-row';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Client, Pool, PoolClient } from 'pg';
import { sqlStoreSubscription } from '../polling-subscription';
import {
  AppendOptions, AppendResult, EventHandler, EventStore, ExpectedRevision, IdempotencyViolation, NewEvent,
  ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeAllOptions, Subscription, wrongRevision,
} from '../port';
import { AppendOutcome, BatchedAppend, GroupCommit } from '../group-commit';
import { appendBatchLocked } from './batch-append';
import { appendInOneStatement, fitsOneStatement } from './one-statement-append';
import { surviveDroppedConnections } from './pool-errors';


export interface PostgresEventStoreOptions {
  /** Poll even without a NOTIFY: covers a lost listener connection. */
  idlePollMs?: number;
}

/** Advisory lock keys (per database): one serializes schema creation, the other every append. */
const SCHEMA_LOCK = 7_411_682_390_001;
export const APPEND_LOCK = 7_411_682_390_002;
const CHANNEL = 'ledger_event_store_appended';

// data and metadata are `text` holding JSON: jsonb rejects "\u0000" and would reorder object keys.
// CACHE 1 (the default, spelled out): a per-session sequence cache would hand out positions out of
// commit order even under the append lock.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position  BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
  stream_id TEXT   NOT NULL,
  revision  BIGINT NOT NULL,
  event_id  TEXT   NOT NULL,
  type      TEXT   NOT NULL,
  data      TEXT   NOT NULL,
  metadata  TEXT   NOT NULL,
  CONSTRAINT events_stream_revision_uq UNIQUE (stream_id, revision),
  CONSTRAINT events_event_id_uq UNIQUE (event_id)
);`;

/**
 * PostgreSQL adapter (server mode). The store owns its pool: close() ends it.
 *
 * Gap-safe global order by serialized appends: each append transaction takes
 * pg_advisory_xact_lock(APPEND_LOCK) before its INSERT draws positions from the sequence, and
 * PostgreSQL releases transaction locks only after the commit is visible to other sessions. So a
 * transaction drawing position p runs after every lower position has committed (or rolled back,
 * leaving a permanent hole): any snapshot that sees p also sees everything below it, and a reader
 * resuming after p can never miss an event that commits later with a lower position.
 * The price is one append transaction at a time per database; appends asked for together share one
 * (group commit), so concurrent writers are not limited to one commit each. A batch is first tried as
 * one statement (appendInOneStatement), so the lock is held only while the server runs it, never
 * across a round trip to a busy client.
 */
export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private readonly idlePollMs: number;
  private readonly appended = new EventEmitter();
  /** Names this store's notifications, so its listener tells them from other processes'. */
  private readonly instance = randomUUID();
  private readonly subscriptions = new Set<Subscription>();
  private listener?: Client;
  private listening: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly batches = new GroupCommit((batch) => this.commitBatch(batch));
  /** False once the server refused the one-statement append as such. */
  private oneStatement = true;

  constructor(poolOrUrl: Pool | string, options: PostgresEventStoreOptions = {}) {
    this.pool = surviveDroppedConnections(typeof poolOrUrl === 'string' ? new Pool({ connectionString: poolOrUrl }) : poolOrUrl);
    this.idlePollMs = options.idlePollMs ?? 250;
    this.appended.setMaxListeners(0);
  }

  static async open(connectionString: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(connectionString, options);
    try {
      return await store.init();
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /** Creates the schema; safe to call concurrently from several processes. */
  async init(): Promise<this> {
    await this.transaction(async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
      await client.query(SCHEMA);
    });
    return this;
  }

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return this.batches.append(streamId, events, options);
  }

  /**
   * One statement when every append of the batch goes through. Otherwise (a wrong revision, a retry,
   * a race, an id used elsewhere) one transaction and one take of the append lock for the whole batch
   * (appendBatchLocked): a wrong revision or a retry is settled before anything is written, so the
   * others go on; anything that fails the transaction itself (an event id used in another stream fails
   * the insert) sends the batch again one append at a time, refusing only its cause.
   */
  private async commitBatch(batch: readonly BatchedAppend[]): Promise<AppendOutcome[]> {
    if (this.oneStatement && fitsOneStatement(batch)) {
      try {
        const outcomes = await appendInOneStatement(this.pool, APPEND_LOCK, { channel: CHANNEL, payload: this.instance }, batch);
        if (outcomes) {
          this.appended.emit('append');
          return outcomes;
        }
      } catch (err) {
        // A server that cannot run the statement (syntax or feature: SQLSTATE classes 42 and 0A) never
        // will: the transaction path alone from now on. Otherwise whether it committed is unknown, and
        // the transaction path recognises its events as a retry.
        if (/^(42|0A)/.test(String((err as { code?: unknown }).code))) this.oneStatement = false;
        else this.appended.emit('append');
      }
    }
    try {
      const { outcomes, wrote } = await this.transaction(async (client) => {
        // The lock before any position is drawn; the notification goes out at commit (if nothing is
        // written, subscribers look once and find nothing).
        await client.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK}), pg_notify('${CHANNEL}', '${this.instance}')`);
        return appendBatchLocked(client, batch);
      });
      if (wrote) this.appended.emit('append');
      return outcomes;
    } catch (err) {
      // The commit may have gone through before the error (a connection lost on its reply), and this
      // store ignores its own notification: a wake-up that finds nothing costs one read.
      this.appended.emit('append');
      if (batch.length > 1) {
        const outcomes: AppendOutcome[] = [];
        for (const a of batch) outcomes.push(...(await this.commitBatch([a])));
        return outcomes;
      }
      return [{ error: await this.uniqueViolation(err, batch[0].streamId, batch[0].options.expectedRevision) }];
    }
  }

  /** A unique key the insert broke: an event id used elsewhere (the usual case), or, should a racing duplicate slip past the lock, a revision. */
  private async uniqueViolation(err: unknown, streamId: string, expected: ExpectedRevision): Promise<unknown> {
    const pgErr = err as { code?: string; constraint?: string };
    if (pgErr.code !== '23505') return err;
    if (pgErr.constraint === 'events_event_id_uq') {
      return new IdempotencyViolation(streamId, 'an event id is already used in another stream or position');
    }
    const client = await this.pool.connect();
    try {
      return wrongRevision(streamId, expected, await this.streamRevision(client, streamId));
    } finally {
      client.release();
    }
  }

  private async streamRevision(client: PoolClient, streamId: string): Promise<bigint> {
    const { rows } = await client.query<{ r: string | null }>(
      'SELECT MAX(revision) AS r FROM events WHERE stream_id = $1', [streamId],
    );
    return rows[0].r === null ? -1n : BigInt(rows[0].r);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      'SELECT * FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3',
      [streamId, String(options.fromRevision ?? 0n), options.maxCount ?? null],
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      'SELECT * FROM events WHERE position >= $1 ORDER BY position LIMIT $2',
      [String(options.fromPosition ?? 0n), options.maxCount ?? null],
    );
    return rows.map(toRecorded);
  }

  subscribeAll(options: SubscribeAllOptions, handler: EventHandler): Subscription {
    this.listen();
    const sub = sqlStoreSubscription(this, this.appended, this.idlePollMs, options, handler);
    this.subscriptions.add(sub);
    sub.done.then(() => this.subscriptions.delete(sub), () => this.subscriptions.delete(sub));
    return sub;
  }

  /** One dedicated connection LISTENs for appends of every process; started by the first subscriber. */
  private listen(): void {
    if (this.listener || this.closed) return;
    const client = new Client(this.pool.options);
    this.listener = client;
    // This store's own appends woke its subscribers at commit already: a second wake-up would only
    // cost each of them one more read that finds nothing.
    client.on('notification', (n) => n.payload !== this.instance && this.appended.emit('append'));
    client.on('error', () => this.dropListener(client));
    client.on('end', () => this.dropListener(client));
    this.listening = client
      .connect()
      .then(() => client.query(`LISTEN ${CHANNEL}`))
      .then(() => undefined, () => this.dropListener(client));
  }

  /** Polling covers the outage; a new listener is tried while subscriptions remain. */
  private dropListener(client: Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    setTimeout(() => this.subscriptions.size > 0 && this.listen(), Math.max(this.idlePollMs, 1000)).unref();
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.pool.query<{ p: string | null }>('SELECT MAX(position) AS p FROM events');
    return rows[0].p === null ? -1n : BigInt(rows[0].p);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await this.listening;
      await listener.end().catch(() => undefined);
    }
    if (!this.pool.ending && !this.pool.ended) await this.pool.end();
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => { broken = rollbackErr; });
      throw err;
    } finally {
      client.release(broken); // a connection that cannot roll back is destroyed, not reused
    }
  }
}
