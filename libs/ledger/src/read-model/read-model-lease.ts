import { hostname } from 'node:os';
import { ReadModelDb, SqlExecutor } from './read-model-db';

/**
 * One process at a time projects a store's read models and runs its process managers: two would apply
 * the same events twice (license totals and report royalties are rows appended and summed on read, so
 * a second runner doubles them). The API takes the lease before it starts its consumers; ledger-cli's
 * rebuild, verify and import take it too, so they refuse while an API runs against the same store.
 *
 * The database holds the lock itself (SQLite: a write lock kept on a file beside the read models;
 * PostgreSQL: a session advisory lock), so a process that dies or is killed releases it. This table
 * names the holder, for the refusal's message, and counts holders: each new one bumps `generation`,
 * by which PostgreSQL transactions of the one before are fenced off (postgres-lease.ts), so a page of
 * a holder that lost its session can never commit after another took over.
 */
export const LEASE_SCHEMA =
  'CREATE TABLE IF NOT EXISTS read_model_lease (id INTEGER PRIMARY KEY, holder TEXT NOT NULL, since TEXT NOT NULL, generation INTEGER NOT NULL)';

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

/**
 * Called once the lock is held: records the holder for the next process that asks, and returns its
 * generation, in one transaction after `first` (PostgreSQL: waiting for the last holder's fenced
 * transactions to end, postgres-lease.ts). A wait that times out is refused with the reason.
 */
export async function recordLeaseHolder(db: ReadModelDb, holder: string, since: Date, first: readonly string[] = []): Promise<number> {
  await db.execute(LEASE_SCHEMA);
  const [row] = await db.transaction(async (tx) => {
    for (const sql of first) await tx.execute(sql);
    return tx.query<{ generation: number | string }>(
      `INSERT INTO read_model_lease (id, holder, since, generation) VALUES (1, $1, $2, 1)
       ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, since = excluded.since, generation = read_model_lease.generation + 1
       RETURNING generation`,
      [holder, since.toISOString()],
    );
  }).catch((error: { code?: string; message: string }) => {
    if (error.code !== '55P03') throw error;
    throw new ReadModelsInUse(`the read models are still being written by the process that held them before (its transactions outlived a minute): ${error.message}; retry`);
  });
  return Number(row.generation);
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
