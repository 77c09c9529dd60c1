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
