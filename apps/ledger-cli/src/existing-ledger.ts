import Database from 'better-sqlite3';
import { LedgerConfig } from '@ledger/ledger';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';

type StoreConfig = Pick<LedgerConfig, 'EVENT_STORE' | 'SQLITE_PATH' | 'DATABASE_URL'>;

/** The columns that make a table named `events` the ledger's (a common name in other applications). */
const LEDGER_COLUMNS = ['position', 'stream_id', 'revision', 'event_id', 'type', 'data', 'metadata'];
const NOT_A_LEDGER = `no events table with the ledger's columns (${LEDGER_COLUMNS.join(', ')})`;

/** What the store the configuration names holds, looked at before it is opened. */
export interface StoreLook {
  /** Why it holds no ledger, if it holds none (an empty ledger is one). */
  missing?: string;
  /** It holds nothing yet: no SQLite file, or one without tables; a PostgreSQL database without an events table. */
  nothing: boolean;
}

/**
 * Looks at the store without writing: opening a store creates its schema, and export, verify or
 * rebuild pointed at the wrong file or database (the read-model file, another application's) must
 * neither write tables into it nor report an empty ledger as verified. EventStoreDB has no schema, and
 * what it holds is not known without reading its log.
 *
 * `orNothing` (import, which makes a ledger) also takes a store that holds nothing yet. Before, import
 * pointed at another application's SQLite file switched it to WAL and left read models beside it, and
 * at a database with another `events` table created the ledger's tables there, then failed on 'column
 * "position" does not exist'. Into a store that holds nothing, import checks its file before opening it.
 */
export async function lookAtStore(config: StoreConfig, postgres: Client | undefined, { orNothing = false } = {}): Promise<StoreLook> {
  if (config.EVENT_STORE === 'sqlite') {
    const path = config.SQLITE_PATH;
    if (!existsSync(path)) return orNothing ? { nothing: true } : { missing: `no event store at ${path} (SQLITE_PATH)`, nothing: true };
    if (statSync(path).isDirectory()) return { missing: `no event store at ${path} (SQLITE_PATH): it is a directory; name the ledger's file in it`, nothing: false }; // SQLite said "disk I/O error"
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      const columns = (db.prepare("SELECT name FROM pragma_table_info('events')").all() as { name: string }[]).map((c) => c.name);
      const nothing = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").pluck().get() === 0;
      if (orNothing && nothing) return { nothing };
      return LEDGER_COLUMNS.every((c) => columns.includes(c)) ? { nothing } : { missing: `no event store at ${path} (SQLITE_PATH): the file holds ${NOT_A_LEDGER}`, nothing };
    } catch (error) {
      const refusedWrite = /^SQLITE_(READONLY|CANTOPEN)/.test((error as { code?: string }).code ?? '');
      const unwritable = refusedWrite ? [dirname(path), path].find((where) => !writable(where)) : undefined;
      // A ledger this user may only read (a read-only mount, another user's directory) is a ledger all the
      // same: said as "no event store at …: attempt to write a readonly database", it blamed the path.
      if (unwritable) { // thrown: no "works on an existing ledger" after it
        throw new Error(`the ledger at ${path} (SQLITE_PATH) cannot be opened by this user: SQLite writes in ${unwritable} ` +
          '(the ledger and its -wal and -shm files beside it), which it may not write; run as its owner, or copy the ledger somewhere writable');
      }
      return { missing: `no event store at ${path} (SQLITE_PATH): ${(error as Error).message}`, nothing: false };
    } finally {
      db?.close();
    }
  }
  if (config.EVENT_STORE === 'postgres' && postgres) {
    const { rows } = await postgres.query<{ name: string }>(
      "SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass('events') AND attnum > 0 AND NOT attisdropped",
    );
    const columns = rows.map((c) => c.name);
    const nothing = columns.length === 0;
    if (orNothing && nothing) return { nothing };
    return LEDGER_COLUMNS.every((c) => columns.includes(c)) ? { nothing } : { missing: `no event store in the database at DATABASE_URL: it holds ${NOT_A_LEDGER}`, nothing };
  }
  return { nothing: false };
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
