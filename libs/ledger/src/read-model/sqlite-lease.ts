import Database from 'better-sqlite3';

/**
 * Takes the lease of the SQLite read models at `path`: a write transaction kept open on a small file of
 * its own, `<path>.lease`. SQLite locks files for connections in this process and in others alike, and
 * the OS drops the lock of a process that dies. Undefined if another connection holds it.
 *
 * `BEGIN IMMEDIATE`, not `EXCLUSIVE`: an exclusive lock is taken by way of a shared one, so two takers
 * at the same instant could each hold a shared lock, each find the other in the way and both give up
 * (5 rounds in 100 of two threads started together); IMMEDIATE's reserved lock has exactly one winner.
 */
export function lockLeaseFile(path: string): Database.Database | undefined {
  const lease = new Database(`${path}.lease`, { timeout: 0 });
  try {
    lease.exec('BEGIN IMMEDIATE');
    return lease;
  } catch (error) {
    lease.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw error;
  }
}
