import { EventStoreDbEventStore, EventStoreDbNotAnswering, failureInOneLine } from '@ledger/event-store';
import { LedgerConfig } from '@ledger/ledger';
import { Client } from 'pg';
import { within } from './deadline';

type StoreConfig = Pick<LedgerConfig, 'EVENT_STORE' | 'DATABASE_URL' | 'ESDB_CONNECTION_STRING'>;

/** How long an operator command waits for a database server's first answer before it gives up on it. */
export const ANSWER_WITHIN_MS = 10_000;

const inTime = `within ${ANSWER_WITHIN_MS / 1000} s`;

/** host:port only: a URL can carry a password. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unparseable URL';
  }
}

/**
 * A PostgreSQL connection that has answered. A server that accepts connections and never answers (a
 * wrong port behind a proxy or load balancer, a host whose packets are dropped) gave pg's bare
 * "timeout expired": this says which database did not answer.
 */
export async function connectPostgres(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: ANSWER_WITHIN_MS });
  client.on('error', () => undefined); // a dropped connection fails the query in use: never an unhandled 'error' event
  const started = Date.now();
  try {
    await client.connect();
  } catch (error) {
    // Refused, an unknown host, no such database: pg's own words, after which setting they come from.
    if (Date.now() - started < ANSWER_WITHIN_MS) throw new Error(`cannot connect to PostgreSQL at DATABASE_URL (${hostOf(url)}): ${failureInOneLine(error)}`);
    throw new Error(`PostgreSQL at DATABASE_URL (${hostOf(url)}) did not answer ${inTime}`);
  }
  return client;
}

/** EventStoreDB's reads of $all have no deadline: one to a server that never answers waits for ever. */
async function eventStoreDbAnswers(connectionString: string): Promise<void> {
  const store = new EventStoreDbEventStore(connectionString);
  const answered = store.ping().then(
    () => true,
    // The adapter's own deadline (as long as this one) is the same silence: said the same way.
    (error: Error) => (error instanceof EventStoreDbNotAnswering ? false : Promise.reject(new Error(`cannot reach EventStoreDB at ESDB_CONNECTION_STRING: ${error.message}`))),
  );
  answered.catch(() => undefined); // settled after the bound, it is nobody's to handle
  try {
    if (!(await within(ANSWER_WITHIN_MS, answered, () => false))) {
      throw new Error(`EventStoreDB at ESDB_CONNECTION_STRING (${hostOf(connectionString)}) did not answer ${inTime}`);
    }
  } catch (error) {
    void store.close().catch(() => undefined); // not awaited: closing waits for the read a silent server never answers
    throw error;
  }
  await store.close();
}

/**
 * Throws, naming the server, unless every database server the configuration names answers within
 * ANSWER_WITHIN_MS: before, `import` waited for ever on a server that accepted connections and never
 * answered, and the other commands waited for ever on such an EventStoreDB. SQLite has no server.
 * Returns the PostgreSQL connection that answered, for the caller's look at the database (one
 * connection for the whole look, not one per question), which the caller ends.
 */
export async function ensureServersAnswer(config: StoreConfig): Promise<Client | undefined> {
  if (config.EVENT_STORE === 'sqlite') return undefined;
  // Read models live in PostgreSQL whenever the events do not live in SQLite.
  const postgres = config.DATABASE_URL ? await connectPostgres(config.DATABASE_URL) : undefined;
  try {
    if (config.EVENT_STORE === 'eventstoredb' && config.ESDB_CONNECTION_STRING) await eventStoreDbAnswers(config.ESDB_CONNECTION_STRING);
  } catch (error) {
    await postgres?.end();
    throw error;
  }
  return postgres;
}
