/**
 * The SQL behind read models and checkpoints. Statements are written once, PostgreSQL-style with $1
 * placeholders and portable SQL (ON CONFLICT upserts, TEXT for decimals and positions); the SQLite
 * implementation rewrites the placeholders.
 */
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  query<T extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** Inside a transaction, writes whose result is not needed can be deferred. */
export interface TransactionExecutor extends SqlExecutor {
  /**
   * A write that may travel with the ones after it: PostgreSQL sends the deferred writes in one round
   * trip before the next query or the commit (SQLite runs it at once). An error fails the transaction.
   */
  defer(sql: string, params?: readonly unknown[]): void;
}

export interface ReadModelDb extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Whether transactions on separate connections run at once (PostgreSQL), or one after another (SQLite's one writer). */
  readonly concurrentTransactions: boolean;
  /**
   * Runs fn in one transaction: everything it writes commits together or not at all. `durable`: on disk
   * before it resolves, also where read models trade that for speed (SQLite's synchronous=NORMAL, fine
   * for rows the log rebuilds): for what no log can rebuild, such as idempotency keys.
   */
  transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>, options?: { durable?: boolean }): Promise<T>;
  /**
   * After tables were written in bulk (a rebuild): PostgreSQL vacuums and analyzes them, so index-only
   * scans can skip the heap and the planner has statistics (what autovacuum does in time, if it runs).
   * SQLite has no visibility map and its plans here do not depend on statistics: nothing to do.
   */
  vacuum(tables: readonly string[]): Promise<void>;
  /**
   * Takes the read models' lease (read-model-lease.ts) until close, recording `holder` (leaseHolder);
   * throws ReadModelsInUse, naming the holder, if another process or connection has it. `onLost` is
   * called if the lease goes before close (a PostgreSQL session ended by the server).
   */
  claim(holder: string, onLost?: (reason: string) => void): Promise<void>;
  /** Fails if the database is unreachable, or if the lease this db took was lost since. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
