import Database from 'better-sqlite3';
import { LedgerConfig, sqliteReadModelPath } from '@ledger/ledger';
import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';
import { connectPostgres } from './servers-answer';

type StoreConfig = Pick<LedgerConfig, 'EVENT_STORE' | 'SQLITE_PATH' | 'DATABASE_URL'>;

/**
 * What `import` makes that was not there before it. Opening a store creates it, so an import refused
 * before its first append (a file cut short, another ledger's export, a disk that refuses the first
 * event) left a new, empty store behind: files beside the export, tables in the database. A refused
 * import now takes them away again, and only them. Once an event is appended, everything stays: run
 * again, the import resumes.
 */
export interface MadeByImport {
  /** Removes what the import made when the new store holds no event; says what it removed, if anything. */
  undo(): Promise<string | undefined>;
}

/** Looked at before the store is opened. Undefined when the store was there already (or on EventStoreDB: its log is not ours to drop). */
export async function madeByImport(config: StoreConfig, postgres: Client | undefined): Promise<MadeByImport | undefined> {
  if (config.EVENT_STORE === 'sqlite') return madeFiles(config.SQLITE_PATH);
  if (config.EVENT_STORE === 'postgres' && postgres && config.DATABASE_URL) return madeTables(config.DATABASE_URL, postgres);
  return undefined;
}

function madeFiles(path: string): MadeByImport | undefined {
  if (path === ':memory:' || existsSync(path)) return undefined; // an empty file the operator made is theirs: it keeps the schema
  // Each file with SQLite's companions, and the read models' lease (sqlite-lease.ts).
  const files = [path, sqliteReadModelPath(path)]
    .flatMap((file) => ['', '-wal', '-shm', '-journal', '.lease', '.lease-journal'].map((suffix) => `${file}${suffix}`))
    .filter((file) => !existsSync(file));
  const directories: string[] = []; // the store's directories that opening it creates, deepest first
  for (let dir = dirname(path); !existsSync(dir) && dirname(dir) !== dir; dir = dirname(dir)) directories.push(dir);
  return {
    async undo() {
      if (existsSync(path) && sqliteHoldsEvents(path)) return undefined;
      for (const file of files) rmSync(file, { force: true });
      for (const dir of directories) {
        try {
          rmdirSync(dir); // only while empty
        } catch {
          break;
        }
      }
      return `removed the new store it had made at ${path}`;
    },
  };
}

function sqliteHoldsEvents(path: string): boolean {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    return table !== undefined && db.prepare('SELECT EXISTS (SELECT 1 FROM events)').pluck().get() === 1;
  } finally {
    db.close();
  }
}

const TABLES_SQL = 'SELECT tablename FROM pg_tables WHERE schemaname = current_schema()';

async function madeTables(url: string, postgres: Client): Promise<MadeByImport | undefined> {
  const before = new Set((await postgres.query<{ tablename: string }>(TABLES_SQL)).rows.map((row) => row.tablename));
  if (before.has('events')) return undefined;
  return {
    async undo() {
      const client = await connectPostgres(url); // the look's connection was ended before the import ran
      try {
        const made = (await client.query<{ tablename: string }>(TABLES_SQL)).rows.map((row) => row.tablename).filter((name) => !before.has(name));
        if (!made.includes('events')) return undefined;
        if ((await client.query('SELECT EXISTS (SELECT 1 FROM events) AS held')).rows[0].held) return undefined;
        await client.query(`DROP TABLE ${made.map((name) => client.escapeIdentifier(name)).join(', ')}`);
        return `removed the ${made.length} tables it had made in the database at DATABASE_URL`;
      } finally {
        await client.end();
      }
    },
  };
}
