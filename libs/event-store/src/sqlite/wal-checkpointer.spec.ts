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
      const rounds = await checkpointer.stop();
      writer.close();
      expect(rounds).toBeGreaterThan(0);
    }
  });

  it("runs for the event store's file: appends below the store's own threshold reach the file", async () => {
    const path = join(dir(), 'events.sqlite');
    const store = new SqliteEventStore(path);
    try {
      for (let i = 0; i < 120; i++) {
        await store.append(`s-${i}`, [newEvent('Tested', { body: 'x'.repeat(4000) })], { expectedRevision: 'no_stream' });
      }
      // ~0.5 MB in ~700 WAL frames: the store's own checkpoint, every 1,000 frames, never ran.
      await until(() => statSync(path).size > 300_000);
      expect(statSync(path).size).toBeGreaterThan(300_000);
    } finally {
      await store.close();
    }
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
