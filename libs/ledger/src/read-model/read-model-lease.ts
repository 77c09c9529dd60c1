import { hostname } from 'node:os';
import { SqlExecutor } from './read-model-db';

/**
 * One process at a time projects a store's read models and runs its process managers: two would apply
 * the same events twice (license totals and report royalties are rows appended and summed on read, so
 * a second runner doubles them). The API takes the lease before it starts its consumers; ledger-cli's
 * rebuild, verify and import take it too, so they refuse while an API runs against the same store.
 *
 * The database holds the lock itself (SQLite: an exclusive lock on a file beside the read models;
 * PostgreSQL: a session advisory lock), so a process that dies or is killed releases it. This table
 * only names the holder, for the refusal's message.
 */
export const LEASE_SCHEMA = 'CREATE TABLE IF NOT EXISTS read_model_lease (id INTEGER PRIMARY KEY, holder TEXT NOT NULL, since TEXT NOT NULL)';

/** Another process holds the lease: the client's mistake to fix (stop that process first), not a fault. */
export class ReadModelsInUse extends Error {
  override readonly name = 'ReadModelsInUse';
}

/** The lease went while its holder ran (a PostgreSQL session lost): safe to show anyone, it names no host. */
export class ReadModelLeaseLost extends Error {
  override readonly name = 'ReadModelLeaseLost';
}

/** Who takes the lease, as the refusal names it: `ledger-api (pid 4242 on host-1)`. */
export function leaseHolder(role: string): string {
  return `${role} (pid ${process.pid} on ${hostname()})`;
}

/** Called once the lock is held: records the holder for the next process that asks. */
export async function recordLeaseHolder(db: SqlExecutor, holder: string, since: Date): Promise<void> {
  await db.execute(LEASE_SCHEMA);
  await db.execute(
    'INSERT INTO read_model_lease (id, holder, since) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, since = excluded.since',
    [holder, since.toISOString()],
  );
}

const NAME_WAIT_MS = 2_000;

/** The refusal for a process that found the lock taken, naming the holder if it has said who it is. */
export async function leaseRefusal(db: SqlExecutor, where: string): Promise<ReadModelsInUse> {
  // The holder records itself just after it takes the lock (two processes started together: it has
  // not yet), so a missing name is waited for a little before the refusal goes without one.
  const named = () => db.query<{ holder: string; since: string }>('SELECT holder, since FROM read_model_lease WHERE id = 1').catch(() => []);
  let [row] = await named();
  for (let wait = 0; !row && wait < NAME_WAIT_MS; wait += 50) {
    await new Promise((r) => setTimeout(r, 50));
    [row] = await named();
  }
  const by = row ? `${row.holder}, since ${row.since}` : 'another process';
  return new ReadModelsInUse(
    `the read models in ${where} are in use by ${by}: one process at a time projects them and runs the process managers; stop it first`,
  );
}
