import { Pool, PoolClient } from 'pg';
import { DeferredWrites } from './deferred-writes';
import { ReadModelDb, SqlExecutor, SqlRow, TransactionExecutor } from './read-model-db';

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
 * A transaction's executor: deferred writes are kept and sent, inserts merged into multi-row ones,
 * before the next query or statement and before the commit: a page of events costs a few round
 * trips instead of one per written row.
 */
function transactionExecutor(client: PoolClient): TransactionExecutor & { flush(): Promise<void> } {
  const direct = executor(client);
  const pending = new DeferredWrites();
  const flush = async () => {
    for (const { text, params } of pending.take()) await client.query(text, params);
  };
  return {
    flush,
    async query(sql, params) {
      await flush();
      return direct.query(sql, params);
    },
    async execute(sql, params) {
      await flush();
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

  constructor(connectionString: string, private readonly onIdleError: (error: Error) => void = () => undefined) {
    // Read models are small next to memory and read by key ranges: with the default random_page_cost
    // (4, tuned for spinning disks) a 10,000-line statement was read by bitmap scan and an on-disk sort
    // (38 ms in the server); at 1.1 it is an index scan in statement order (6 ms).
    this.pool = new Pool({ connectionString, max: 10, options: '-c random_page_cost=1.1' });
    // An idle connection the server drops (restart, admin termination) must not crash the process:
    // the pool discards it and the next query opens a new one.
    this.pool.on('error', (error) => this.onIdleError(error));
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
    try {
      await client.query('BEGIN');
      const tx = transactionExecutor(client);
      const result = await fn(tx);
      await tx.flush();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async vacuum(tables: readonly string[]) {
    if (tables.length > 0) await this.pool.query(`VACUUM (ANALYZE) ${tables.join(', ')}`);
  }

  async ping() {
    await this.pool.query('SELECT 1');
  }

  async close() {
    await this.pool.end();
  }
}
