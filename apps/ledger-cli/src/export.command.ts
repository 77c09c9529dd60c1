import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, READ_MODEL_DB, ReadModelDb, exportEvents, unfinishedImport } from '@ledger/ledger';
import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { within } from './deadline';
import { ExportFile } from './export-file';
import { ANSWER_WITHIN_MS } from './servers-answer';
import { StrictCommand } from './strict-command';

/**
 * PostgreSQL's pages of the log, each within `ms`. Export takes no lease, whose heartbeat stops the other
 * commands when their database stops answering: a PostgreSQL that went silent part-way through held
 * an export for ever, with nothing said (the first connection's check covers only the start).
 */
function answeringWithin(store: EventStore, ms: number): Pick<EventStore, 'readAll'> {
  return {
    readAll: (options) => within(ms, store.readAll(options), () => {
      throw new Error(`PostgreSQL at DATABASE_URL stopped answering: no page of the log within ${ms / 1000} s`);
    }),
  };
}

@Command({ name: 'export', description: 'write every event, in global order, as NDJSON (stdout, or --out file)' })
export class ExportCommand extends StrictCommand {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {
    super();
  }

  async run(_: string[], options: { out?: string }): Promise<void> {
    // Exported, the start of a ledger would import and verify elsewhere as a whole one.
    const unfinished = await unfinishedImport(this.db);
    if (unfinished) throw new Error(unfinished);
    const file = options.out !== undefined ? new ExportFile(options.out) : undefined;
    for (const line of file?.removedParts ?? []) process.stderr.write(`${line}\n`);
    try {
      const out: Writable = file?.stream ?? process.stdout;
      // A write error arrives as an event, later (a full disk, a reader that closed the pipe: `| head`).
      let failed: Error | undefined;
      out.on('error', (error) => (failed ??= error));
      // EventStoreDB's adapter has its own deadline for silence (ESDB_ANSWER_WITHIN_MS); SQLite's reads cannot go silent.
      const reading = this.store.kind === 'postgres' ? answeringWithin(this.store, ANSWER_WITHIN_MS) : this.store;
      const count = await exportEvents(reading, async (line) => {
        if (failed) throw new Error(`export stopped: ${failed.message}`);
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      });
      await file?.complete();
      process.stderr.write(`exported ${count} events\n`);
    } finally {
      file?.abandon(); // failed: nothing is left at --out, nor beside it
    }
  }

  @Option({ flags: '-o, --out <file>', description: 'a new file to write instead of stdout (an existing one is refused)' })
  parseOut(value: string) {
    return value;
  }
}
