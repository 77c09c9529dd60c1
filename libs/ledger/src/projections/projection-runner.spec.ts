import { SqliteEventStore } from '@ledger/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadModelDb } from '../read-model/sqlite-read-model-db';
import { projectionRunnerSuite } from './projection-runner.suite';

projectionRunnerSuite('sqlite (events and read models in one file)', {
  async prepare() {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-runner-'));
    const file = join(dir, 'ledger.sqlite');
    return {
      connect: async () => ({ store: new SqliteEventStore(file, 20), db: new SqliteReadModelDb(file) }),
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
