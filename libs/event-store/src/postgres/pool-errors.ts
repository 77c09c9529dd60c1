import { Pool } from 'pg';

/**
 * A connection the server drops (restart, `pg_terminate_backend`, a network cut) must never crash the
 * process. `pg` emits 'error' on the client; the pool listens for it only while the client is idle, so a
 * checked-out client's error was unhandled, and Node ended the process (the API or ledger-cli, mid-rebuild).
 * Checked out, the error needs no handling of its own: the query in flight, or the next one, fails with
 * it, and the pool discards a client no longer queryable when it is released.
 */
export function surviveDroppedConnections(pool: Pool, onIdleError: (error: Error) => void = () => undefined): Pool {
  pool.on('error', onIdleError);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
