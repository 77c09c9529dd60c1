import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LedgerConfig } from '../config/ledger-config';
import { sqliteReadModelPath } from '../event-store/open-stores';
import { Projection } from '../projections/projection';
import { PostgresReadModelDb } from '../read-model/postgres-read-model-db';
import { ReadModelDb } from '../read-model/read-model-db';
import { SqliteReadModelDb } from '../read-model/sqlite-read-model-db';

type StoreConfig = Pick<LedgerConfig, 'EVENT_STORE' | 'SQLITE_PATH' | 'DATABASE_URL'>;

/**
 * A place beside the live read models for a fresh rebuild to go, so `verify` compares without
 * touching what the API serves: a SQLite file next to the live one, attached for the comparison to a
 * read-only connection of the live file, or a PostgreSQL schema of its own in the same database.
 * Both are removed after.
 */
export interface FreshReadModels {
  db: ReadModelDb;
  /** Scratch rebuilds an interrupted verify had left behind, removed first (one verify at a time). */
  leftovers: string[];
  /** Each table of a projection that differs from the live one, compared in the database. */
  differing(projections: readonly Projection[]): Promise<TableDifference[]>;
  dispose(): Promise<void>;
}

/** A read-model table that differs from its fresh rebuild: rows only the live one holds, rows only the rebuild holds. */
export interface TableDifference {
  projection: string;
  table: string;
  liveOnly: number;
  rebuiltOnly: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** How the comparison reaches both sides: a count query, a table's columns, and how each side is named. */
interface Sides {
  count(sql: string): Promise<number>;
  columnsOf(table: string): Promise<string[]>;
  live: string;
  fresh: string;
}

/**
 * Rows one side holds and the other does not, or holds another number of times, counted each way: each
 * side's rows grouped by every column and counted, compared by EXCEPT. No row leaves the database.
 */
async function differences(sides: Sides, table: string): Promise<{ liveOnly: number; rebuiltOnly: number }> {
  const cols = (await sides.columnsOf(table)).map(quote).join(', ');
  const side = (schema: string) => `SELECT ${cols}, count(*) AS copies FROM ${schema}.${quote(table)} GROUP BY ${cols}`;
  const [a, b] = [side(sides.live), side(sides.fresh)];
  return {
    liveOnly: await sides.count(`SELECT count(*) AS n FROM (${a} EXCEPT ${b}) x`),
    rebuiltOnly: await sides.count(`SELECT count(*) AS n FROM (${b} EXCEPT ${a}) y`),
  };
}

async function differingIn(sides: Sides, projections: readonly Projection[]): Promise<TableDifference[]> {
  const differing: TableDifference[] = [];
  for (const projection of projections) {
    for (const table of projection.tables) {
      const found = await differences(sides, table);
      if (found.liveOnly + found.rebuiltOnly > 0) differing.push({ projection: projection.name, table, ...found });
    }
  }
  return differing;
}

export async function openFreshReadModels(config: StoreConfig, live: ReadModelDb): Promise<FreshReadModels> {
  const suffix = randomBytes(4).toString('hex');
  if (config.EVENT_STORE === 'sqlite') {
    const livePath = sqliteReadModelPath(config.SQLITE_PATH);
    const prefix = `${basename(livePath)}.verify-`;
    const leftovers = readdirSync(dirname(livePath)).filter((f) => f.startsWith(prefix)).map((f) => join(dirname(livePath), f));
    for (const file of leftovers) rmSync(file, { force: true });
    const path = `${livePath}.verify-${suffix}`;
    const db = new SqliteReadModelDb(path);
    return {
      db,
      leftovers,
      async differing(projections) {
        const both = new Database(livePath, { readonly: true });
        try {
          both.prepare('ATTACH DATABASE ? AS fresh').run(path);
          return await differingIn({
            count: async (sql) => Number((both.prepare(sql).get() as { n: number }).n),
            columnsOf: async (table) => (both.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((c) => c.name),
            live: 'main', fresh: 'fresh',
          }, projections);
        } finally {
          both.close();
        }
      },
      async dispose() {
        await db.close();
        for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
      },
    };
  }
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required unless EVENT_STORE=sqlite');
  const [{ current }] = await live.query<{ current: string }>('SELECT current_schema() AS current');
  // Scratch schemas are named after the live one: another ledger's verify in the same database (a schema
  // of its own, a lease of its own) runs at the same time, and its scratch schema is not a leftover.
  const prefix = `ledger_verify_${createHash('sha256').update(current).digest('hex').slice(0, 8)}_`;
  const schema = `${prefix}${suffix}`;
  // Not those named before scratch schemas carried the live one's hash (ledger_verify_ and 8 hex digits):
  // whose they are cannot be told, and one may be another ledger's verify, running on an older build.
  const leftovers = (await live.query<{ name: string }>('SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix])).map((r) => r.name);
  for (const name of leftovers) await live.execute(`DROP SCHEMA ${quote(name)} CASCADE`);
  await live.execute(`CREATE SCHEMA ${schema}`);
  const db = new PostgresReadModelDb(config.DATABASE_URL, undefined, schema);
  return {
    db,
    leftovers,
    differing: (projections) => differingIn({
      count: async (sql) => Number((await live.query<{ n: string }>(sql))[0].n),
      columnsOf: async (table) => (await live.query<{ name: string }>(
        'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position', [current, table],
      )).map((c) => c.name),
      live: quote(current), fresh: schema,
    }, projections),
    async dispose() {
      await db.close();
      await live.execute(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}
