import { RecordedEvent } from '@ledger/event-store';
import { TransactionExecutor } from '../read-model/read-model-db';

/**
 * A read model fed from the global log. `apply` runs inside the runner's transaction together with
 * the checkpoint write, so each event takes effect exactly once.
 */
export interface Projection {
  readonly name: string;
  /** Idempotent DDL (CREATE TABLE IF NOT EXISTS …), portable, or written for each dialect. */
  readonly schema: readonly (string | { sqlite: string; postgres: string })[];
  /**
   * Version of its tables' shape. A read model stored under another version is dropped and projected
   * again from the start when the runner starts: a schema change needs no manual migration.
   */
  readonly version?: number;
  /** Tables emptied by a rebuild. */
  readonly tables: readonly string[];
  /** Event types it reacts to; others only move its position. */
  readonly handles: ReadonlySet<string>;
  apply(event: RecordedEvent, tx: TransactionExecutor): Promise<void>;
}

/**
 * A table kept in primary-key order on SQLite (WITHOUT ROWID): one B-tree instead of a rowid table
 * plus an index for its key, so each row is written once. PostgreSQL has no such table.
 */
export const keyOrdered = (createTable: string) => ({ sqlite: `${createTable} WITHOUT ROWID`, postgres: createTable });
