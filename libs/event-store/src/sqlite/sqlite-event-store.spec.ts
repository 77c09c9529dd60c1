import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract, newEvent } from '../contract/event-store.contract';
import { groupCommitContract } from '../contract/group-commit.contract';
import { SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

eventStoreContract('sqlite', { open: async () => new SqliteEventStore(join(dir, 'events.sqlite')) });

groupCommitContract('sqlite', async () => new SqliteEventStore(join(dir, 'group-contract.sqlite')));

describe('SqliteEventStore group commit', () => {
  let store: SqliteEventStore;
  beforeAll(() => { store = new SqliteEventStore(join(dir, 'group.sqlite')); });
  afterAll(() => store.close());

  it('refuses the whole batch, writing none of it, when one append fails the transaction itself', async () => {
    const db = (store as unknown as { db: { exec(sql: string): void } }).db;
    // RAISE(ROLLBACK) ends the whole transaction, as SQLite does on a full disk or an I/O error.
    db.exec(`CREATE TRIGGER doomed BEFORE INSERT ON events WHEN NEW.stream_id = 'group-doomed'
             BEGIN SELECT RAISE(ROLLBACK, 'simulated disk full'); END`);
    try {
      const results = await Promise.allSettled([
        store.append('group-before', [newEvent()], { expectedRevision: 'no_stream' }),
        store.append('group-doomed', [newEvent()], { expectedRevision: 'no_stream' }),
        store.append('group-after', [newEvent()], { expectedRevision: 'no_stream' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      for (const s of ['group-before', 'group-doomed', 'group-after']) expect(await store.readStream(s)).toEqual([]);
    } finally {
      db.exec('DROP TRIGGER doomed');
    }
    await store.append('group-after', [newEvent()], { expectedRevision: 'no_stream' });
    expect(await store.readStream('group-after')).toHaveLength(1);
  });

  it('acknowledges nothing of a batch whose transaction cannot commit', async () => {
    const other = new SqliteEventStore(join(dir, 'group.sqlite'));
    // Another connection holds the write lock past busy_timeout: the whole batch is refused.
    const lock = (other as unknown as { db: { exec(sql: string): void; pragma(s: string): void } }).db;
    (store as unknown as { db: { pragma(s: string): void } }).db.pragma('busy_timeout = 50');
    lock.exec('BEGIN IMMEDIATE');
    try {
      const results = await Promise.allSettled([
        store.append('group-3', [newEvent()], { expectedRevision: 'no_stream' }),
        store.append('group-4', [newEvent()], { expectedRevision: 'no_stream' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    } finally {
      lock.exec('ROLLBACK');
      await other.close();
    }
    expect(await store.readStream('group-3')).toEqual([]);
    await store.append('group-3', [newEvent()], { expectedRevision: 'no_stream' });
    expect(await store.readStream('group-3')).toHaveLength(1);
  });
});
