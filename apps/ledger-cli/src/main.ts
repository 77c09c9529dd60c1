import 'reflect-metadata';
import { validateLedgerConfig } from '@ledger/ledger';
import { CommandFactory } from 'nest-commander';
import { existsSync } from 'node:fs';
import { CliModule } from './cli.module';

/** Commands that work on an existing ledger: a mistyped SQLITE_PATH must not make them a new, empty one. */
const ON_AN_EXISTING_LEDGER = new Set(['export', 'verify', 'rebuild']);

/** ledger-cli rebuild [projection] | export [--out file] | import <file> | verify — exits non-zero on failure. */
async function main() {
  const config = validateLedgerConfig(process.env);
  const command = process.argv[2];
  if (config.EVENT_STORE === 'sqlite' && ON_AN_EXISTING_LEDGER.has(command) && !existsSync(config.SQLITE_PATH)) {
    fail(new Error(`no event store at ${config.SQLITE_PATH} (SQLITE_PATH): ${command} works on an existing ledger`));
  }
  await CommandFactory.run(CliModule, {
    // Nothing of Nest's own logging: a store that cannot be opened is one line from fail(), not a stack.
    logger: false,
    abortOnError: false,
    errorHandler: (error) => fail(error),
    serviceErrorHandler: (error) => fail(error),
  });
}

function fail(error: Error): never {
  process.stderr.write(`ledger-cli: ${error.message}\n`);
  process.exit(1);
}

main().catch(fail);
