import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AddressInfo } from 'node:net';
import { failureInOneLine } from '@ledger/event-store';
import { LedgerConfig, validateLedgerConfig } from '@ledger/ledger';
import { createApp } from './bootstrap';
import { stopOnSignals } from './stop-on-signals';

async function main() {
  validateLedgerConfig(process.env); // fail before Nest logs anything: one line, no stack
  const app = await createApp();
  stopOnSignals(app);
  await app.listen(app.get(ConfigService<LedgerConfig, true>).get('PORT', { infer: true }));
  // Nest's "successfully started" comes before the port is bound (a port in use fails after it): say where it serves.
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Bootstrap').log(`listening on http://${address.includes(':') ? `[${address}]` : address}:${port}`);
}

main().catch((error: Error) => {
  // One clear line (e.g. a bad configuration value, a database refusing connections), not a stack trace;
  // LOG_LEVEL=debug adds it, for a failure that is the service's own.
  console.error(`ledger-api failed to start: ${failureInOneLine(error)}`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(error.stack);
  process.exit(1);
});
