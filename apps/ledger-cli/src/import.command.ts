import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, READ_MODEL_DB, ReadModelDb, beginImport, checkpointsBeyond, finishImport, importEvents, unfinishedImport } from '@ledger/ledger';
import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { claimForCommand } from './lease';
import { sayIfInterrupted } from './interruption';
import { progressBar } from './progress-bar';
import { StrictCommand } from './strict-command';

@Command({
  name: 'import', arguments: '<file>',
  description: 'append an NDJSON export into a new store (a migration between adapters); run again, it resumes an import cut short',
})
export class ImportCommand extends StrictCommand {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {
    super();
  }

  async run([file]: string[], options: { withoutEndLine?: boolean } = {}): Promise<void> {
    // An API running on this store would append beside the import, and project half of it.
    await claimForCommand(this.db, 'import');
    // Checked before the appends: once the new log is longer, those read models would look current.
    const foreign = await checkpointsBeyond(this.db, await this.store.headPosition());
    if (foreign) throw new Error(foreign);
    // A store holding the start of the file with no import begun on it was not left by one (it is the
    // store the file was exported from, say): resumed all the same, and said so as it is.
    const cutShort = (await unfinishedImport(this.db)) !== undefined;
    const bar = progressBar('import {bar} {percentage}% | {value}/{total} events');
    let started = false;
    let reached: { done: number; total: number } | undefined;
    const quiet = sayIfInterrupted(() => (reached
      ? `the ${this.store.kind} store holds at least ${reached.done} of the file's ${reached.total} events (an append under way may have landed too); run the same import again: it resumes after what is there`
      : 'stopped before this run appended any event; run the same import again'));
    const { resumedAfter, appended } = await importEvents(
      this.store, () => linesOf(file),
      (done, total) => {
        reached = { done, total };
        if (started) bar.update(done);
        else (bar.start(total, done), (started = true));
      },
      options.withoutEndLine ? 'absent-allowed' : 'required',
      () => beginImport(this.db, resolve(file), new Date()), // named to whoever runs it again, from wherever they are
    ).finally(() => (bar.stop(), quiet())); // also when the import fails: its error then starts a line of its own
    await finishImport(this.db);
    if (appended === 0 && resumedAfter > 0) {
      process.stderr.write(`the ${this.store.kind} store already holds this file's ${resumedAfter} events: nothing to import\n`);
      return;
    }
    const held = cutShort ? 'from an import cut short' : 'as the start of this file, event for event';
    const resumed = resumedAfter > 0 ? `, after the ${resumedAfter} the store already held ${held}` : '';
    process.stderr.write(`imported ${appended} events into the ${this.store.kind} store${resumed}\n`);
  }

  @Option({
    flags: '--without-end-line',
    description: 'import a file written before exports ended with a line counting their events (nothing then shows whether it was cut short)',
  })
  parseWithoutEndLine() {
    return true;
  }
}

/** Why `file` cannot be imported, if it cannot: main.ts asks, once, before the store is opened (and made). */
export function unreadableExport(file: string): string | undefined {
  const found = statSync(file, { throwIfNoEntry: false });
  if (!found) return `${file}: no such file (import reads a file written by ledger-cli export)`; // before: ENOENT and a stat call
  // The file is read twice, checked whole before the first append: a pipe would be empty the second time.
  if (!found.isFile()) return `${file} is not a regular file: import reads it more than once (a check, then the appends); save the export to a file first`;
  return undefined;
}

/** An export's lines, as import reads them (CRLF or LF). */
export const linesOf = (file: string) => createInterface({ input: createReadStream(file), crlfDelay: Infinity });
