/**
 * The real API as a child process, for crash tests and benchmarks:
 * `node -r @swc-node/register test/support/ledger-server.ts <sqlite-file>`, or with EVENT_STORE=postgres
 * and DATABASE_URL in the environment. Prints "listening <port>" once it serves.
 */
import 'reflect-metadata';
import { createApp } from '../../apps/ledger-api/src/bootstrap';
import { stopOnSignals } from '../../apps/ledger-api/src/stop-on-signals';
import { OFFICE_TOKEN } from './tokens';

async function main() {
  const app = await createApp({
    EVENT_STORE: process.env.EVENT_STORE ?? 'sqlite', SQLITE_PATH: process.argv[2], DATABASE_URL: process.env.DATABASE_URL,
    LOG_LEVEL: 'silent', NODE_ENV: 'test', PORT: '0', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, RATE_LIMIT_PER_MINUTE: '1000000',
  });
  stopOnSignals(app); // as main.ts: SIGTERM stops it gracefully
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`listening ${address.port}\n`);
}

main().catch((error) => {
  process.stderr.write(`ledger-server failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
