import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { failureInOneLine } from '@ledger/event-store';
import { LedgerConfig, validateLedgerConfig } from '@ledger/ledger';
import { createApp } from './bootstrap';
import { stopOnSignals } from './stop-on-signals';

async function main() {
  validateLedgerConfig(process.env); // fail before Nest logs anything: one line, no stack
  const app = await createApp();
  stopOnSignals(app);
  await app.listen(app.get(ConfigService<LedgerConfig, true>).get('PORT', { infer: true }));
}

main().catch((error: Error) => {
  // One clear line (e.g. a bad configuration value, a database refusing connections), not a stack trace;
  // LOG_LEVEL=debug adds it, for a failure that is the service's own.
  console.error(`ledger-api failed to start: ${failureInOneLine(error)}`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(error.stack);
  process.exit(1);
});
