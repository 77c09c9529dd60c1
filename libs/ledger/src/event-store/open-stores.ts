import { extname } from 'node:path';
import { Logger } from '@nestjs/common';
import { EventStore, EventStoreDbEventStore, PostgresEventStore, SqliteEventStore } from '@ledger/event-store';
import { LedgerConfig } from '../config/ledger-config';
import { PostgresReadModelDb } from '../read-model/postgres-read-model-db';
import { ReadModelDb } from '../read-model/read-model-db';
import { SqliteReadModelDb } from '../read-model/sqlite-read-model-db';

/** SQLite's "unable to open database file" names no file: say which, and what it holds. */
function openingSqlite<T>(what: string, path: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    throw new Error(`cannot open the ${what} at ${path}: ${(error as Error).message}`);
  }
}

type StoreConfig = Pick<LedgerConfig, 'EVENT_STORE' | 'SQLITE_PATH' | 'DATABASE_URL' | 'ESDB_CONNECTION_STRING'> & Partial<Pick<LedgerConfig, 'ESDB_ANSWER_WITHIN_MS'>>;

/** The adapter named by EVENT_STORE. */
export async function openEventStore(config: StoreConfig): Promise<EventStore> {
  switch (config.EVENT_STORE) {
    case 'sqlite':
      return openingSqlite('event store', config.SQLITE_PATH, () => new SqliteEventStore(config.SQLITE_PATH));
    case 'postgres':
      if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required when EVENT_STORE=postgres');
      return PostgresEventStore.open(config.DATABASE_URL);
    case 'eventstoredb':
      if (!config.ESDB_CONNECTION_STRING) throw new Error('ESDB_CONNECTION_STRING is required when EVENT_STORE=eventstoredb');
      return new EventStoreDbEventStore(config.ESDB_CONNECTION_STRING, { answerWithinMs: config.ESDB_ANSWER_WITHIN_MS });
  }
}

/**
 * SQLite read models live in a file beside the events' (`ledger.sqlite` → `ledger.read-models.sqlite`):
 * appends then neither wait behind projection transactions nor fsync the read models' pages, and a
 * lost read-model file is rebuilt from the log.
 */
export function sqliteReadModelPath(eventsPath: string): string {
  if (eventsPath === ':memory:') return eventsPath;
  const ext = extname(eventsPath);
  return `${eventsPath.slice(0, eventsPath.length - ext.length)}.read-models${ext || '.sqlite'}`;
}

export function openReadModelDb(config: StoreConfig): ReadModelDb {
  if (config.EVENT_STORE === 'sqlite') {
    const path = sqliteReadModelPath(config.SQLITE_PATH);
    return openingSqlite('read models', path, () => new SqliteReadModelDb(path));
  }
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required unless EVENT_STORE=sqlite');
  const logger = new Logger('ReadModels');
  return new PostgresReadModelDb(config.DATABASE_URL, (error) => logger.warn(`idle PostgreSQL connection dropped: ${error.message}`));
}
