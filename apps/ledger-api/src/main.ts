import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { LedgerConfig, validateLedgerConfig } from '@ledger/ledger';
import { createApp } from './bootstrap';

async function main() {
  validateLedgerConfig(process.env); // fail before Nest logs anything: one line, no stack
  const app = await createApp();
  const port = app.get(ConfigService<LedgerConfig, true>).get('PORT', { infer: true });
  await app.listen(port);
}

main().catch((error: Error) => {
  // One clear line (e.g. a bad configuration value), not a stack trace.
  console.error(`ledger-api failed to start: ${error.message}`);
  process.exit(1);
});
