import { SqlExecutor } from '../read-model/read-model-db';

/** Positions are stored as text: EventStoreDB's encoded positions exceed 64 bits. */
export const CHECKPOINT_SCHEMA =
  'CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL)';

export async function loadCheckpoint(db: SqlExecutor, name: string): Promise<bigint | undefined> {
  const [row] = await db.query<{ position: string }>('SELECT position FROM projection_checkpoints WHERE name = $1', [name]);
  return row ? BigInt(row.position) : undefined;
}

export async function saveCheckpoint(tx: SqlExecutor, name: string, position: bigint): Promise<void> {
  await tx.execute(
    `INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    [name, position.toString()],
  );
}

export async function deleteCheckpoint(tx: SqlExecutor, name: string): Promise<void> {
  await tx.execute('DELETE FROM projection_checkpoints WHERE name = $1', [name]);
}
