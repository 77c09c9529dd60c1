/** The adapters a benchmark runs on: each a fresh place, with what the API and the tools need to use it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '../../libs/event-store/src/port';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { SqliteEventStore } from '../../libs/event-store/src/sqlite/sqlite-event-store';
import { createTestDatabase, postgresStatus } from '../../libs/event-store/src/testing/postgres-test-db';
import { PostgresReadModelDb } from '../../libs/ledger/src/read-model/postgres-read-model-db';
import { ReadModelDb } from '../../libs/ledger/src/read-model/read-model-db';
import { SqliteReadModelDb } from '../../libs/ledger/src/read-model/sqlite-read-model-db';
import { sqliteReadModelPath } from '../../libs/ledger/src/event-store/open-stores';

export interface BenchStore {
  /** Environment for createApp and for the API as a child process. */
  env: Record<string, string>;
  openStore(): Promise<EventStore>;
  openReadModels(): ReadModelDb;
  remove(): Promise<void>;
}

export interface BenchAdapter {
  name: 'sqlite' | 'postgres';
  /** Why it cannot run here, if it cannot. */
  unavailable(): string | undefined;
  create(label: string): Promise<BenchStore>;
}

export const ADAPTERS: BenchAdapter[] = [
  {
    name: 'sqlite',
    unavailable: () => undefined,
    async create(label) {
      const dir = mkdtempSync(join(tmpdir(), `ledger-bench-${label}-`));
      const path = join(dir, 'ledger.sqlite');
      return {
        env: { EVENT_STORE: 'sqlite', SQLITE_PATH: path },
        openStore: async () => new SqliteEventStore(path),
        openReadModels: () => new SqliteReadModelDb(sqliteReadModelPath(path)),
        remove: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    unavailable: () => (postgresStatus().reachable ? undefined : postgresStatus().reason),
    async create(label) {
      const db = await createTestDatabase(`bench_${label}`);
      if (!db) throw new Error('PostgreSQL is unreachable');
      return {
        env: { EVENT_STORE: 'postgres', DATABASE_URL: db.url },
        openStore: () => PostgresEventStore.open(db.url),
        openReadModels: () => new PostgresReadModelDb(db.url),
        remove: () => db.drop(),
      };
    },
  },
];
