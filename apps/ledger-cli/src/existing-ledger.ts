import Database from 'better-sqlite3';
import { LedgerConfig } from '@ledger/ledger';
import { accessSync, constants, existsSync, rmSync, statSync } from 'node:fs';
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
    const companions = [`${path}-wal`, `${path}-shm`].filter((file) => !existsSync(file));
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      const columns = (db.prepare("SELECT name FROM pragma_table_info('events')").all() as { name: string }[]).map((c) => c.name);
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
      if (orNothing && tables === 0) return undefined;
      return LEDGER_COLUMNS.every((c) => columns.includes(c)) ? undefined : `no event store at ${path} (SQLITE_PATH): the file holds ${NOT_A_LEDGER}`;
    } catch (error) {
      const unwritable = [dirname(path), path].find((where) => !writable(where));
      // A ledger this user may only read (a read-only mount, another user's directory) is a ledger all the
      // same: said as "no event store at …: attempt to write a readonly database", it blamed the path.
      if (unwritable) { // thrown: no "works on an existing ledger" after it
        throw new Error(`the ledger at ${path} (SQLITE_PATH) cannot be opened by this user: SQLite writes in ${unwritable} ` +
          '(the ledger and its -wal and -shm files beside it), which it may not write; run as its owner, or copy the ledger somewhere writable');
      }
      return `no event store at ${path} (SQLITE_PATH): ${(error as Error).message}`;
    } finally {
      db?.close();
      leaveNoCompanions(path, companions);
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

/**
 * A read-only connection to a WAL-mode file makes its -wal and -shm and, unable to checkpoint, leaves
 * them on close: looking at another application's file by mistake left two files beside it. Those
 * this look made are removed while the log is empty (nothing written meanwhile; no one had the file
 * open, or they would have been there already).
 */
function leaveNoCompanions(path: string, madeByTheLook: string[]): void {
  const wal = `${path}-wal`;
  if (!madeByTheLook.includes(wal) || !existsSync(wal) || statSync(wal).size > 0) return;
  for (const file of madeByTheLook) rmSync(file, { force: true });
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

