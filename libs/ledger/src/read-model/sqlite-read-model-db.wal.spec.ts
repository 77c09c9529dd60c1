import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { until, useTempDir } from '@ledger/event-store/testing/temp-files';
import { SqliteReadModelDb } from './sqlite-read-model-db';

describe('SqliteReadModelDb WAL checkpoints', () => {
  const dir = useTempDir('ledger-wal-');

  /** ~8 MB of rows in small transactions: far below the writer's own checkpoint threshold (160 MB). */
  async function writeRows(db: SqliteReadModelDb) {
    await db.execute('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const body = 'x'.repeat(4000);
    for (let t = 0; t < 40; t++) {
      await db.transaction(async (tx) => {
        for (let i = 0; i < 50; i++) await tx.execute('INSERT INTO rows (body) VALUES ($1)', [body]);
      });
    }
  }

  it('copies committed pages into the database file from another thread, without a commit checkpointing', async () => {
    const path = join(dir(), 'read-models.sqlite');
    const db = new SqliteReadModelDb(path);
    try {
      await writeRows(db);
      // Only a checkpoint moves pages from the WAL into the file; no commit here crossed the threshold.
      await until(() => statSync(path).size > 7_000_000);
      expect(statSync(path).size).toBeGreaterThan(7_000_000);
      expect(await db.query<{ n: number }>('SELECT count(*) AS n FROM rows')).toEqual([{ n: 2000 }]);
    } finally {
      await db.close();
    }
  });

  it('stops with the database, leaving no WAL behind and every row in the file', async () => {
    const path = join(dir(), 'read-models.sqlite');
    const db = new SqliteReadModelDb(path);
    await writeRows(db);
    expect(existsSync(`${path}-wal`)).toBe(true);
    await db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new SqliteReadModelDb(path);
    try {
      expect(await reopened.query<{ n: number }>('SELECT count(*) AS n FROM rows')).toEqual([{ n: 2000 }]);
    } finally {
      await reopened.close();
    }
  });
});

describe('SqliteReadModelDb durable transactions', () => {
  const dir = useTempDir('ledger-durable-');

  it('commits a durable transaction with synchronous=FULL and the others with NORMAL, as read models need', async () => {
    const db = new SqliteReadModelDb(join(dir(), 'read-models.sqlite'));
    try {
      const level = (durable: boolean) => db.transaction(async (tx) => (await tx.query<{ synchronous: number }>('PRAGMA synchronous'))[0].synchronous, { durable });
      expect(await level(true)).toBe(2); // FULL: on disk before the claim of an idempotency key is trusted
      expect(await level(false)).toBe(1); // NORMAL: a lost tail of read models is projected again
      await expect(db.transaction(async () => { throw new Error('refused'); }, { durable: true })).rejects.toThrow('refused');
      expect(await level(false)).toBe(1); // set back after a failed one too
    } finally {
      await db.close();
    }
  });
});
