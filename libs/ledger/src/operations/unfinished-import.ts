import { ReadModelDb } from '../read-model/read-model-db';

/**
 * An import that stopped midway (killed, a file changed under it) leaves a store holding only the start
 * of a ledger, which looks whole: it verified and exported as one, and an API started on it appended
 * allocations of its own, after which the import could no longer resume. A row here, beside the read
 * models, says an import has begun appending and not finished; the API, export, verify and rebuild
 * refuse the store while it is there, and only the import, run again, takes it away.
 */
const SCHEMA = 'CREATE TABLE IF NOT EXISTS unfinished_import (id INTEGER PRIMARY KEY, file TEXT NOT NULL, since TEXT NOT NULL)';

export async function beginImport(db: ReadModelDb, file: string, since: Date): Promise<void> {
  await db.execute(SCHEMA);
  await db.execute(
    'INSERT INTO unfinished_import (id, file, since) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [file, since.toISOString()],
  );
}

export async function finishImport(db: ReadModelDb): Promise<void> {
  await db.execute(SCHEMA);
  await db.execute('DELETE FROM unfinished_import');
}

/** Why the store must not be used yet, if an import into it has not finished. */
export async function unfinishedImport(db: ReadModelDb): Promise<string | undefined> {
  // Only read: export runs beside an API, and writes nothing to its read models.
  const [row] = await db.query<{ file: string; since: string }>('SELECT file, since FROM unfinished_import WHERE id = 1').catch((error: Error & { code?: string }) => {
    if (error.code === '42P01' || /no such table/.test(error.message)) return []; // never imported into
    throw error;
  });
  if (!row) return undefined;
  return `an import into this store has not finished (ledger-cli import ${row.file}, begun ${row.since}): ` +
    'the store holds only the start of that ledger; run the same import again to finish it';
}
