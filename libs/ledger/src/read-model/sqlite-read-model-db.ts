import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { WalCheckpointer, WriteQueue, writeQueueFor } from '@ledger/event-store';
import { ReadModelDb, SqlRow, TransactionExecutor } from './read-model-db';
import { leaseRefusal, recordLeaseHolder } from './read-model-lease';
import { lockLeaseFile } from './sqlite-lease';

/** `$n` placeholders become `?` in order of appearance; the params are reordered to match. */
function toSqlite(sql: string): { text: string; order: number[] } {
  const order: number[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { text, order };
}

function executor(db: Database.Database): TransactionExecutor {
  const cache = new Map<string, { stmt: Database.Statement; order: number[] }>();
  const prepare = (sql: string, params: readonly unknown[]) => {
    let entry = cache.get(sql);
    if (!entry) {
      const { text, order } = toSqlite(sql);
      cache.set(sql, (entry = { stmt: db.prepare(text), order }));
    }
    const values = entry.order.map((i) => (typeof params[i] === 'boolean' ? Number(params[i]) : params[i]));
    return { stmt: entry.stmt, values };
  };
  return {
    async query<T extends SqlRow>(sql: string, params: readonly unknown[] = []) {
      const { stmt, values } = prepare(sql, params);
      return stmt.all(...values) as T[];
    },
    async execute(sql, params = []) {
      const { stmt, values } = prepare(sql, params);
      return stmt.run(...values).changes;
    },
    defer(sql, params = []) {
      const { stmt, values } = prepare(sql, params);
      stmt.run(...values);
    },
  };
}

/**
 * Read models in a SQLite file (by default beside the events': sqliteReadModelPath). Two connections:
 * transactions run on the writer, one at a time through the file's write queue (shared with any other
 * writer of the same file in this process, since a transaction may await between statements), while
 * queries use the reader and never see a half-applied transaction.
 */
export class SqliteReadModelDb implements ReadModelDb {
  readonly concurrentTransactions = false;
  readonly dialect = 'sqlite' as const;
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private readonly writeExec: TransactionExecutor;
  private readonly readExec: TransactionExecutor;
  private readonly writes: WriteQueue;
  private readonly checkpointer?: WalCheckpointer;
  /** The connection keeping the lease file's write lock (sqlite-lease.ts), once claimed. */
  private lease?: Database.Database;

  constructor(private readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.writes = writeQueueFor(path);
    this.writer = open(path, WRITER_CACHE);
    this.reader = path === ':memory:' ? this.writer : open(path, READER_CACHE);
    if (path !== ':memory:') this.checkpointer = new WalCheckpointer(path);
    this.writeExec = executor(this.writer);
    this.readExec = executor(this.reader);
  }

  query<T extends SqlRow>(sql: string, params?: readonly unknown[]) {
    return this.readExec.query<T>(sql, params);
  }

  /** A statement outside any projection transaction (schema set-up), queued behind running ones. */
  execute(sql: string, params?: readonly unknown[]) {
    return this.transaction((tx) => tx.execute(sql, params));
  }

  transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>, options?: { durable?: boolean }): Promise<T> {
    const run = async () => {
      // The write queue runs one transaction at a time: the setting holds for this one's commit only.
      if (options?.durable) this.writer.pragma('synchronous = FULL');
      this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.writeExec);
        this.writer.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw error;
      } finally {
        if (options?.durable) this.writer.pragma(`synchronous = ${READ_MODEL_SYNCHRONOUS}`);
      }
    };
    return this.writes.run(run);
  }

  async vacuum() {
    // See ReadModelDb.vacuum: nothing SQLite needs.
  }

  /** See lockLeaseFile. An in-memory database is private to its connection: nothing to lock. */
  async claim(holder: string) {
    if (this.path === ':memory:' || this.lease) return;
    const lease = lockLeaseFile(this.path);
    if (!lease) throw await leaseRefusal(this, this.path);
    this.lease = lease;
    await recordLeaseHolder(this, holder, new Date()); // no fence: this process keeps the lock as long as it lives
  }

  async ping() {
    this.reader.prepare('SELECT 1').get();
  }

  async close() {
    await this.writes.run(() => undefined);
    await this.checkpointer?.stop(); // its thread ends with the database
    if (this.reader !== this.writer && this.reader.open) this.reader.close();
    if (this.writer.open) this.writer.close();
    this.lease?.close(); // last: the read models are closed before another process may take them
  }
}

/**
 * Page caches, in KiB (negative cache_size). A projection page writes ~2 MB of rows into B-trees bigger
 * than the default 2 MB cache: 256 MB keeps their upper levels cached (bench: 200,000-event rebuild
 * 13,800 → 14,800 events/s). Queries read key ranges: a statement of 10,000 lines is ~4 MB.
 */
const WRITER_CACHE = 256 * 1024;
const READ_MODEL_SYNCHRONOUS = 'NORMAL';
const READER_CACHE = 64 * 1024;

function open(path: string, cacheKiB: number) {
  const db = new Database(path);
  // Read-model rows are wide (a statement line with its rendered JSON is ~500 bytes) and their tables
  // keep them in key order: 16 KB pages hold four times as many per page, so pages split less often
  // (100,000-event rebuild, interleaved runs: 10.7–12.1 s at 4 KB → 8.4–9.8 s). Takes effect for a
  // new file only: an existing one keeps its page size.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  // NORMAL is enough here: a read model and its checkpoint commit together, so a lost tail is simply
  // projected again from the event log, which stays synchronous=FULL. What no log rebuilds (idempotency
  // keys) commits in durable transactions, FULL.
  db.pragma(`synchronous = ${READ_MODEL_SYNCHRONOUS}`);
  db.pragma('busy_timeout = 10000');
  // Checkpoints run on a thread of their own (WalCheckpointer); a commit checkpoints only as a backstop,
  // past 10,000 pages (160 MB at 16 KB). Projection pages rewrite the same index pages: checkpointing
  // every 40 MB of WAL instead of 4 MB (at 4 KB pages) had cut a rebuild's commit time by a third.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma(`cache_size = -${cacheKiB}`);
  return db;
}
