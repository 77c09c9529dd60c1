import 'reflect-metadata';
import { ImportRefused, checkExportLines, validateLedgerConfig } from '@ledger/ledger';
import { CommandFactory } from 'nest-commander';
import { Commander } from 'nest-commander/src/constants';
import { CliModule } from './cli.module';
import { within } from './deadline';
import { lookAtStore } from './existing-ledger';
import { linesOf, unreadableExport } from './import.command';
import { sayIfInterrupted } from './interruption';
import { ensureServersAnswer } from './servers-answer';

/**
 * Commands whose store is looked at before Nest opens it (opening creates its schema): export, verify and
 * rebuild work on an existing ledger, so a mistyped SQLITE_PATH must not make them a new, empty one, nor
 * a ledger of a file that is none; import makes a ledger, in a store holding nothing yet or a ledger.
 */
const COMMANDS = new Set(['export', 'verify', 'rebuild', 'import']);

/** ledger-cli rebuild [projection] | export [--out file] | import <file> | verify — exits non-zero on failure. */
async function main() {
  const config = validateLedgerConfig(process.env, 'operator-cli');
  const command = process.argv[2];
  const asksForHelp = process.argv.some((arg) => arg === '--help' || arg === '-h');
  if (COMMANDS.has(command) && !asksForHelp) {
    const importing = command === 'import';
    // Before the store is opened, which makes one: a mistyped file left a new, empty store behind.
    const file = importing ? process.argv.slice(3).find((arg) => !arg.startsWith('-')) : undefined;
    if (importing && file === undefined) fail(new Error('import needs the file an export wrote: ledger-cli import <file>'));
    const unreadable = file === undefined ? undefined : unreadableExport(file);
    if (unreadable) fail(new Error(unreadable));
    const postgres = await ensureServersAnswer(config);
    const look = await lookAtStore(config, postgres, { orNothing: importing }).finally(() => postgres?.end()); // not held open while a file is read
    if (look.missing) fail(new Error(`${look.missing}: ${importing ? 'import writes into a new store or a ledger' : `${command} works on an existing ledger`}`));
    // A new store is made by opening it: a file refused once it was open left it behind, empty. Checked
    // here first, the file is read once more (a store that holds a ledger is checked against it, later).
    if (importing && look.nothing) {
      const quiet = sayIfInterrupted(() => 'stopped while checking the file, before any store was made; run the same import again');
      await checkExportLines(linesOf(file!), process.argv.includes('--without-end-line') ? 'absent-allowed' : 'required').catch((error: Error) => {
        if (error instanceof ImportRefused) fail(error);
        throw error;
      });
      quiet();
    }
  }
  let failed: Error | undefined;
  let usage: number | undefined;
  const record = (error: Error & { code?: unknown; exitCode?: number }) => {
    // commander has printed the help, or its own one-line usage error: only its exit code is left. Other
    // codes need not be strings: EventStoreDB's gRPC errors carry numbers (this read "error.code?.startsWith
    // is not a function" instead of the error).
    if (typeof error.code === 'string' && error.code.startsWith('commander.')) usage ??= error.exitCode ?? 1;
    else failed ??= error;
  };
  const app = await CommandFactory.createWithoutRunning(CliModule, {
    // Nothing of Nest's own logging: a store that cannot be opened is one line from fail(), not a stack.
    logger: false,
    abortOnError: false,
    errorHandler: (error) => {
      throw error; // out of commander's parse, to close the stores below before exiting
    },
    serviceErrorHandler: record, // commander's errors arrive here too, thrown out of its parse
  });
  // commander names the program after the script (`Usage: main`) unless told; nest-commander's root
  // command is reachable only by its DI token, which its index does not export.
  app.get<{ name(name: string): unknown }>(Commander).name('ledger-cli');
  await CommandFactory.runApplication(app).catch(record);
  // Said at once: closing can wait CLOSE_MS more on a database that stopped answering (an export gave
  // up on a silent PostgreSQL after 10 s and said so after 20).
  if (failed) say(failed);
  // A failed command closes its stores too (SQLite's -wal and -shm files were left beside them), within
  // a bound: a database that stopped answering must not hold the exit.
  await within(CLOSE_MS, app.close().catch(() => undefined), () => undefined);
  if (usage !== undefined) process.exit(usage);
  if (failed) process.exit(1);
}

const CLOSE_MS = 10_000;

function say(error: Error): void {
  process.stderr.write(`ledger-cli: ${error.message}\n`);
}

function fail(error: Error): never {
  say(error);
  process.exit(1);
}

main().catch(fail);
