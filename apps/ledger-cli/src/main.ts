import 'reflect-metadata';
import { validateLedgerConfig } from '@ledger/ledger';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';

/** ledger-cli rebuild [projection] | export [--out file] | import <file> | verify — exits non-zero on failure. */
async function main() {
  validateLedgerConfig(process.env);
  await CommandFactory.run(CliModule, {
    logger: ['error'],
    errorHandler: (error) => fail(error),
    serviceErrorHandler: (error) => fail(error),
  });
}

function fail(error: Error): never {
  process.stderr.write(`ledger-cli: ${error.message}\n`);
  process.exit(1);
}

main().catch(fail);
