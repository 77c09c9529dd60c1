import { ReadModelDb, leaseHolder } from '@ledger/ledger';

/**
 * Takes the read models' lease for an operator command (refused, naming the holder, while an API runs
 * on the store). Losing it mid-command (a PostgreSQL session lost) ends the command at once, non-zero:
 * another process may now project the read models, and this one's writes are fenced off anyway.
 */
export function claimForCommand(db: ReadModelDb, command: string): Promise<void> {
  return db.claim(leaseHolder(`ledger-cli ${command}`), (reason) => {
    process.stderr.write(`ledger-cli: ${command} stopped: ${reason}\n`);
    process.exit(1);
  });
}
