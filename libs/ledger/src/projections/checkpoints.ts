import { ReadModelDb, SqlExecutor, TransactionExecutor } from '../read-model/read-model-db';
import { Projection } from './projection';

/** Positions are stored as text: EventStoreDB's encoded positions exceed 64 bits. */
export const CHECKPOINT_SCHEMA =
  'CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL)';

/**
 * Consumers whose checkpoint lies beyond the log's head: read models projected from another ledger's
 * log (a read-model file left beside a new event store, a DATABASE_URL pointed at another database).
 * Fed this log, they would skip its events up to there and go on serving the other ledger's rows.
 */
export async function checkpointsBeyond(db: ReadModelDb, head: bigint): Promise<string | undefined> {
  await db.execute(CHECKPOINT_SCHEMA);
  const rows = await db.query<{ name: string; position: string }>('SELECT name, position FROM projection_checkpoints ORDER BY name');
  const ahead = rows.filter((r) => BigInt(r.position) > head).map((r) => `${r.name} at ${r.position}`);
  if (ahead.length === 0) return undefined;
  return `the read models are ahead of the event store, whose log ends at ${head} (${ahead.join(', ')}): they were projected from another ledger's log. Remove them (the read-models file beside the SQLite events, or the read models' PostgreSQL tables), and this log is projected into new ones`;
}

export async function loadCheckpoint(db: SqlExecutor, name: string): Promise<bigint | undefined> {
  const [row] = await db.query<{ position: string }>('SELECT position FROM projection_checkpoints WHERE name = $1', [name]);
  return row ? BigInt(row.position) : undefined;
}

export async function saveCheckpoint(tx: SqlExecutor, name: string, position: bigint): Promise<void> {
  await saveCheckpoints(tx, [{ name, position }]);
}

/**
 * Several consumers' checkpoints (distinct names) in one statement. Inside a transaction it is
 * deferred, so it travels with the page's writes (PostgreSQL: one round trip for a live page).
 */
export async function saveCheckpoints(tx: SqlExecutor | TransactionExecutor, checkpoints: readonly { name: string; position: bigint }[]): Promise<void> {
  if (checkpoints.length === 0) return;
  const values = checkpoints.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
  const sql = `INSERT INTO projection_checkpoints (name, position) VALUES ${values}
     ON CONFLICT (name) DO UPDATE SET position = excluded.position`;
  const params = checkpoints.flatMap(({ name, position }) => [name, position.toString()]);
  if ('defer' in tx) tx.defer(sql, params);
  else await tx.execute(sql, params);
}

export async function deleteCheckpoint(tx: SqlExecutor, name: string): Promise<void> {
  await tx.execute('DELETE FROM projection_checkpoints WHERE name = $1', [name]);
}

export const VERSIONS_SCHEMA = 'CREATE TABLE IF NOT EXISTS projection_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)';

/**
 * Creates a projection's tables. Tables stored under another version (a read model from before its
 * version was recorded counts as version 1) are dropped with the checkpoint first, so the projection
 * is rebuilt from the start of the log in its new shape.
 */
export async function prepareTables(db: ReadModelDb, projection: Projection): Promise<void> {
  const version = projection.version ?? 1;
  const [row] = await db.query<{ version: number | string }>('SELECT version FROM projection_versions WHERE name = $1', [projection.name]);
  const stored = row ? Number(row.version) : (await loadCheckpoint(db, projection.name)) === undefined ? undefined : 1;
  await db.transaction(async (tx) => {
    if (stored !== undefined && stored !== version) {
      for (const table of projection.tables) await tx.execute(`DROP TABLE IF EXISTS ${table}`);
      await deleteCheckpoint(tx, projection.name);
    }
    for (const ddl of projection.schema) await tx.execute(typeof ddl === 'string' ? ddl : ddl[db.dialect]);
    await tx.execute(
      'INSERT INTO projection_versions (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = excluded.version',
      [projection.name, version],
    );
  });
}
