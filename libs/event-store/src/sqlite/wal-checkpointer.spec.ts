import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { until, useTempDir } from '../testing/temp-files';
import { newEvent } from '../contract/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';
import { WalCheckpointer } from './wal-checkpointer';

describe('WalCheckpointer', () => {
  const dir = useTempDir('ledger-wal-');

  it('checkpoints a file whose writer never does, from its own thread, until stopped', async () => {
    const path = join(dir(), 'file.sqlite');
    const writer = new Database(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0'); // only the thread may move pages into the file
    writer.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const checkpointer = new WalCheckpointer(path, 50);
    try {
      const insert = writer.prepare('INSERT INTO rows (body) VALUES (?)');
      for (let i = 0; i < 1000; i++) insert.run('x'.repeat(4000));
      await until(() => statSync(path).size > 4_000_000);
      expect(statSync(path).size).toBeGreaterThan(4_000_000);
    } finally {
      expect(await checkpointer.stop()).toBeGreaterThan(0);
      writer.close();
    }
  });

  it("runs for the event store's file: appends under its own threshold reach the file", async () => {
    const path = join(dir(), 'events.sqlite');
    const store = new SqliteEventStore(path);
    try {
      for (let i = 0; i < 300; i++) {
        await store.append(`s-${i}`, [newEvent('Tested', { body: 'x'.repeat(4000) })], { expectedRevision: 'no_stream' });
      }
      // ~1.3 MB: a commit would checkpoint only past 1,000 pages (4 MB).
      await until(() => statSync(path).size > 1_000_000);
      expect(statSync(path).size).toBeGreaterThan(1_000_000);
    } finally {
      await store.close();
    }
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
