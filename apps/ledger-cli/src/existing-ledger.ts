import Database from 'better-sqlite3';
import { LedgerConfig } from '@ledger/ledger';
import { existsSync } from 'node:fs';
import { Client } from 'pg';

type StoreConfig = Pick<LedgerConfig, 'EVENT_STORE' | 'SQLITE_PATH' | 'DATABASE_URL'>;

/**
 * Why the store the configuration names holds no ledger, or undefined when it holds one (an empty
 * ledger too). Looks without writing: opening a store creates its schema, and export, verify or
 * rebuild pointed at the wrong file or database (the read-model file, another application's) must
 * neither write tables into it nor report an empty ledger as verified. EventStoreDB has no schema.
 */
export async function missingLedger(config: StoreConfig): Promise<string | undefined> {
  if (config.EVENT_STORE === 'sqlite') {
    const path = config.SQLITE_PATH;
    if (!existsSync(path)) return `no event store at ${path} (SQLITE_PATH)`;
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      const events = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
      return events ? undefined : `no event store at ${path} (SQLITE_PATH): the file holds no events table`;
    } catch (error) {
      return `no event store at ${path} (SQLITE_PATH): ${(error as Error).message}`;
    } finally {
      db?.close();
    }
  }
  if (config.EVENT_STORE === 'postgres' && config.DATABASE_URL) {
    const client = new Client({ connectionString: config.DATABASE_URL });
    await client.connect(); // unreachable: its error is the one line the CLI prints
    try {
      const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass('events') IS NOT NULL AS found");
      return rows[0].found ? undefined : 'no event store in the database at DATABASE_URL: it holds no events table';
    } finally {
      await client.end();
    }
  }
  return undefined;
}
