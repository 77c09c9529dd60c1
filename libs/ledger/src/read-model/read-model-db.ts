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

export interface ReadModelDb extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs fn in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
