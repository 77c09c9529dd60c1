import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Logger } from 'nestjs-pino';
import { LedgerConfig, validateLedgerConfig } from '@ledger/ledger';
import { createApp } from './bootstrap';

async function main() {
  validateLedgerConfig(process.env); // fail before Nest logs anything: one line, no stack
  const app = await createApp();
  const config = app.get(ConfigService<LedgerConfig, true>);
  boundShutdown(app, config.get('SHUTDOWN_TIMEOUT_MS', { infer: true }));
  await app.listen(config.get('PORT', { infer: true }));
}

/**
 * Nest closes the app on these signals (bootstrap.ts: enableShutdownHooks) and then re-raises them.
 * A close that waits on a database no longer answering must not keep the process up for as long as
 * TCP waits: past the deadline it exits, saying so, with what was acknowledged already committed.
 */
function boundShutdown(app: INestApplication, timeoutMs: number) {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        app.get(Logger).error(`shutdown did not finish within ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS): requests in flight or a database not answering; exiting`, 'Shutdown');
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
}

main().catch((error: Error) => {
  // One clear line (e.g. a bad configuration value), not a stack trace.
  console.error(`ledger-api failed to start: ${error.message}`);
  process.exit(1);
});
