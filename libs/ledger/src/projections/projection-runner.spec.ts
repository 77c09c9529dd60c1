import { SqliteEventStore } from '@ledger/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadModelDb } from '../read-model/sqlite-read-model-db';
import { projectionRunnerSuite } from './projection-runner.suite';

projectionRunnerSuite('sqlite (events and read models in one file)', {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-runner-'));
    const file = join(dir, 'ledger.sqlite');
    const opened: { close(): Promise<void> }[] = [];
    const connect = async () => {
      const store = new SqliteEventStore(file, 20);
      const db = new SqliteReadModelDb(file);
      opened.push(store, db);
      return { store, db };
    };
    const first = await connect();
    return {
      ...first,
      reopen: async () => {
        await Promise.all(opened.splice(0).map((c) => c.close()));
        return connect();
      },
      cleanup: async () => {
        await Promise.all(opened.map((c) => c.close()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
