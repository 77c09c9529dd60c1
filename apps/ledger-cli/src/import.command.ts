import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, READ_MODEL_DB, ReadModelDb, importEvents } from '@ledger/ledger';
import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { claimForCommand } from './lease';

@Command({ name: 'import', arguments: '<file>', description: 'append an NDJSON export into an empty store (a migration between adapters)' })
export class ImportCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {
    super();
  }

  async run([file]: string[]): Promise<void> {
    // An API running on this store would append beside the import, and project half of it.
    await claimForCommand(this.db, 'import');
    const count = await importEvents(this.store, () => createInterface({ input: createReadStream(file), crlfDelay: Infinity }));
    process.stderr.write(`imported ${count} events into the ${this.store.kind} store\n`);
  }
}
