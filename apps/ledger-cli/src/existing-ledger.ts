import Database from 'better-sqlite3';
import { LedgerConfig } from '@ledger/ledger';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';

type StoreConfig = Pick<LedgerConfig, 'EVENT_STORE' | 'SQLITE_PATH' | 'DATABASE_URL'>;

/** The columns that make a table named `events` the ledger's (a common name in other applications). */
const LEDGER_COLUMNS = ['position', 'stream_id', 'revision', 'event_id', 'type', 'data', 'metadata'];
const NOT_A_LEDGER = `no events table with the ledger's columns (${LEDGER_COLUMNS.join(', ')})`;

/**
 * Why the store the configuration names holds no ledger, or undefined when it holds one (an empty
 * ledger too). Looks without writing: opening a store creates its schema, and export, verify or
 * rebuild pointed at the wrong file or database (the read-model file, another application's) must
 * neither write tables into it nor report an empty ledger as verified. EventStoreDB has no schema.
 *
 * `orNothing` (import, which makes a ledger) also takes a store that holds nothing yet: no SQLite file,
 * or one without a table; a PostgreSQL database without an events table. Before, import pointed at
 * another application's SQLite file switched it to WAL and left read models beside it, and at a
 * database with another `events` table created the ledger's tables there, then failed on 'column
 * "position" does not exist'.
 */
export async function missingLedger(config: StoreConfig, postgres: Client | undefined, { orNothing = false } = {}): Promise<string | undefined> {
  if (config.EVENT_STORE === 'sqlite') {
    const path = config.SQLITE_PATH;
    if (!existsSync(path)) return orNothing ? undefined : `no event store at ${path} (SQLITE_PATH)`;
    if (statSync(path).isDirectory()) return `no event store at ${path} (SQLITE_PATH): it is a directory; name the ledger's file in it`; // SQLite said "disk I/O error"
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      const columns = (db.prepare("SELECT name FROM pragma_table_info('events')").all() as { name: string }[]).map((c) => c.name);
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
      if (orNothing && tables === 0) return undefined;
      return LEDGER_COLUMNS.every((c) => columns.includes(c)) ? undefined : `no event store at ${path} (SQLITE_PATH): the file holds ${NOT_A_LEDGER}`;
    } catch (error) {
      const refusedWrite = /^SQLITE_(READONLY|CANTOPEN)/.test((error as { code?: string }).code ?? '');
      const unwritable = refusedWrite ? [dirname(path), path].find((where) => !writable(where)) : undefined;
      // A ledger this user may only read (a read-only mount, another user's directory) is a ledger all the
      // same: said as "no event store at …: attempt to write a readonly database", it blamed the path.
      if (unwritable) { // thrown: no "works on an existing ledger" after it
        throw new Error(`the ledger at ${path} (SQLITE_PATH) cannot be opened by this user: SQLite writes in ${unwritable} ` +
          '(the ledger and its -wal and -shm files beside it), which it may not write; run as its owner, or copy the ledger somewhere writable');
      }
      return `no event store at ${path} (SQLITE_PATH): ${(error as Error).message}`;
    } finally {
      db?.close();
    }
  }
  if (config.EVENT_STORE === 'postgres' && postgres) {
    const { rows } = await postgres.query<{ name: string }>(
      "SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass('events') AND attnum > 0 AND NOT attisdropped",
    );
    const columns = rows.map((c) => c.name);
    if (orNothing && columns.length === 0) return undefined;
    return LEDGER_COLUMNS.every((c) => columns.includes(c)) ? undefined : `no event store in the database at DATABASE_URL: it holds ${NOT_A_LEDGER}`;
  }
  return undefined;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `import` would make the store: no SQLite file, or one without tables; a PostgreSQL database
 * without an events table. Such an import checks its file before the store is opened, which makes it:
 * a refused file left an empty store behind. EventStoreDB: not known without reading its log.
 */
export async function storeToBeMade(config: StoreConfig, postgres: Client | undefined): Promise<boolean> {
  if (config.EVENT_STORE === 'sqlite') {
    if (config.SQLITE_PATH === ':memory:' || !existsSync(config.SQLITE_PATH)) return true;
    const db = new Database(config.SQLITE_PATH, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() === 0;
    } finally {
      db.close();
    }
  }
  if (config.EVENT_STORE === 'postgres' && postgres) return (await postgres.query("SELECT to_regclass('events') IS NULL AS made")).rows[0].made === true;
  return false;
}

