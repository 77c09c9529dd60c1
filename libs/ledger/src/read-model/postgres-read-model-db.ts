import { ClientBase, Pool, PoolClient } from 'pg';
import { surviveDroppedConnections } from '@ledger/event-store';
import { DeferredWrites, Statement } from './deferred-writes';
import { ReadModelDb, SqlExecutor, SqlRow, TransactionExecutor } from './read-model-db';
import { FENCED_OUT, HEARTBEAT_MS, KEEPALIVES, PostgresLease, TAKE_OVER_STATEMENTS, fenceStatement } from './postgres-lease';
import { ReadModelLeaseLost, leaseRefusal, recordLeaseHolder } from './read-model-lease';

function executor(client: Pool | PoolClient): SqlExecutor {
  return {
    async query<T extends SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(sql, params as unknown[])).rows as T[];
    },
    async execute(sql, params = []) {
      return (await client.query(sql, params as unknown[])).rowCount ?? 0;
    },
  };
}

/**
 * Parameters of at most this many values in all are written into the statements' text instead: a
 * live page's writes (up to a few hundred events while ingest runs at full speed) then go with BEGIN
 * and COMMIT in one round trip. Bigger batches (a rebuild's pages of 5,000 events, ~250,000 values)
 * keep their parameters: round trips do not count there, and escaping does.
 */
const INLINE_UP_TO = 20_000;

/** A parameter as a literal, as the server would read it as a text parameter; undefined if it is not a plain value. */
function literal(client: PoolClient, value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return client.escapeLiteral(value);
  if (typeof value === 'bigint' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
    return `'${String(value)}'`;
  }
  return undefined;
}

/**
 * The statements with their parameters written in, if they are few and plain enough (INLINE_UP_TO).
 * Every `$n` of a statement's text is a placeholder: the deferred statements are constant templates,
 * none with a `$` inside a string literal or comment.
 */
function inlined(client: PoolClient, statements: readonly Statement[]): string[] | undefined {
  if (statements.reduce((n, s) => n + s.params.length, 0) > INLINE_UP_TO) return undefined;
  const texts: string[] = [];
  for (const { text, params } of statements) {
    const literals = params.map((p) => literal(client, p));
    if (literals.some((l) => l === undefined)) return undefined;
    texts.push(text.replace(/\$(\d+)/g, (_, n: string) => literals[Number(n) - 1] as string));
  }
  return texts;
}

/**
 * A transaction's executor: deferred writes are kept and sent, inserts merged into multi-row ones,
 * before the next query or statement and at the commit. BEGIN waits for the first thing sent, so a
 * transaction of deferred writes only (a live page of every projection with their checkpoints) is one
 * round trip: `BEGIN; …; COMMIT` as one simple query. One that writes nothing sends nothing.
 */
function transactionExecutor(client: PoolClient): TransactionExecutor & { commit(): Promise<void>; rollback(): Promise<void> } {
  const direct = executor(client);
  const pending = new DeferredWrites();
  let begun = false;
  const flush = async (end?: 'COMMIT') => {
    const statements = pending.take();
    if (statements.length === 0 && (!end || !begun)) return;
    const head = begun ? [] : ['BEGIN'];
    begun = true;
    const texts = inlined(client, statements);
    if (texts) {
      await client.query([...head, ...texts, ...(end ? [end] : [])].join(';\n'));
      return;
    }
    for (const sql of head) await client.query(sql);
    for (const { text, params } of statements) await client.query(text, params);
    if (end) await client.query(end);
  };
  const begin = async () => {
    await flush();
    if (!begun) await client.query('BEGIN');
    begun = true;
  };
  return {
    commit: () => flush('COMMIT'),
    async rollback() {
      if (begun) await client.query('ROLLBACK');
    },
    async query(sql, params) {
      await begin();
      return direct.query(sql, params);
    },
    async execute(sql, params) {
      await begin();
      return direct.execute(sql, params);
    },
    defer(sql, params = []) {
      pending.add(sql, params);
    },
  };
}

/** Read models in PostgreSQL: server mode, whichever store holds the events. */
export class PostgresReadModelDb implements ReadModelDb {
  readonly concurrentTransactions = true;
  readonly dialect = 'postgres' as const;
  private readonly pool: Pool;
  private readonly exec: SqlExecutor;
  private lease?: PostgresLease;
  /** Once the lease is held: every transaction is fenced by it (fenceStatement). */
  private generation?: number;

  /** `schema`: tables are made and read there instead of the role's default (`verify` rebuilds into one of its own). */
  constructor(
    private readonly connectionString: string,
    private readonly onIdleError: (error: Error) => void = () => undefined,
    private readonly schema?: string,
    private readonly leaseHeartbeatMs = HEARTBEAT_MS,
  ) {
    // Settings by statements on each new connection, not in pg's `options`, which options in the URL
    // would replace. The pool awaits onConnect before it hands the connection out.
    // - Read models are small next to memory and read by key ranges: with the default random_page_cost
    //   (4, tuned for spinning disks) a 10,000-line statement was read by bitmap scan and an on-disk
    //   sort (38 ms in the server); at 1.1 it is an index scan in statement order (6 ms).
    // - UTF8 whatever the server's or role's default: small transactions are sent with their values
    //   written in by escapeLiteral, which is only safe in an encoding where a multibyte character
    //   never contains the byte of a backslash or a quote.
    // - Server-side keepalives (postgres-lease.ts): a partitioned process's open transactions end
    //   within ~25 s.
    // - The schema, for verify's scratch rebuild.
    const settings = ['SET random_page_cost = 1.1', "SET client_encoding = 'UTF8'", KEEPALIVES, ...(schema === undefined ? [] : [`SET search_path TO ${schema}`])];
    const onConnect = (client: ClientBase) => client.query(settings.join('; '));
    // A connection the server drops (restart, admin termination) must not crash the process: the pool
    // discards it and the next query opens a new one.
    this.pool = surviveDroppedConnections(new Pool({ connectionString, max: 10, onConnect }), (error) => this.onIdleError(error));
    this.exec = executor(this.pool);
  }

  query<T extends SqlRow>(sql: string, params?: readonly unknown[]) {
    return this.exec.query<T>(sql, params);
  }

  execute(sql: string, params?: readonly unknown[]) {
    return this.exec.execute(sql, params);
  }

  async transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = transactionExecutor(client);
    if (this.generation !== undefined) tx.defer(fenceStatement(this.generation));
    let broken: Error | undefined;
    try {
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (error) {
      // A connection whose ROLLBACK fails is discarded, never handed out again inside a transaction.
      broken = await tx.rollback().then(() => undefined, (e: Error) => e);
      const thrown = fencedOut(error);
      // Lost, as when its session ends: projections stop, /health says so (an idle ledger said nothing).
      if (thrown instanceof ReadModelLeaseLost) this.lease?.fencedOut();
      throw thrown;
    } finally {
      client.release(broken);
    }
  }

  async vacuum(tables: readonly string[]) {
    if (tables.length > 0) await this.pool.query(`VACUUM (ANALYZE) ${tables.join(', ')}`);
  }

  /** See PostgresLease. */
  async claim(holder: string, onLost: (reason: string) => void = () => undefined) {
    if (this.lease) return;
    const taken = await PostgresLease.take(this.connectionString, this.schema, onLost, this.onIdleError, this.leaseHeartbeatMs);
    if (!(taken instanceof PostgresLease)) throw await leaseRefusal(this, taken.heldElsewhere);
    this.lease = taken;
    this.generation = await recordLeaseHolder(this, holder, new Date(), TAKE_OVER_STATEMENTS);
  }

  async ping() {
    this.lease?.check();
    await this.pool.query('SELECT 1');
  }

  async close() {
    await this.pool.end();
    await this.lease?.release(); // last: the read models are closed before another process may take them
  }
}

/**
 * The fence's refusal (another process took the lease) as what it is: a lost lease, which a request
 * is told as a 503 naming it, not an unexpected error (a 500 with a stack trace per request).
 */
function fencedOut(error: unknown): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === FENCED_OUT ? new ReadModelLeaseLost(`${String(message)}: restart this one`) : error;
}
