import { TestDatabase, createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { Client } from 'pg';
import { PostgresReadModelDb } from './postgres-read-model-db';

const INSERT = 'INSERT INTO notes (id, body, n, flag) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING';

/** Values the written-in parameters must keep exactly as bound parameters do. */
const AWKWARD = ["it's", 'back\\slash', "\\'; DROP TABLE notes; --", '$1 and $2', 'ünïcödé ✓ 𝄞', '', 'line\nbreak', '"quoted"'];

describePostgres('PostgresReadModelDb transactions', () => {
  let database: TestDatabase | undefined;
  let db: PostgresReadModelDb;

  beforeAll(async () => {
    database = await createTestDatabase('read_model_db');
    db = new PostgresReadModelDb(database!.url);
    await db.execute('CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT, n INTEGER, flag BOOLEAN)');
    await db.execute('CREATE TABLE figures (id TEXT PRIMARY KEY, amount NUMERIC, big BIGINT, label TEXT)');
  });
  beforeEach(() => db.execute('TRUNCATE notes, figures'));
  afterAll(async () => {
    await db.close();
    await database?.drop();
  });

  const rows = () => db.query<{ id: string; body: string | null; n: number | null; flag: boolean | null }>('SELECT * FROM notes ORDER BY id');

  it('stores deferred writes of a small transaction (sent as one text) exactly as bound parameters would', async () => {
    await db.transaction(async (tx) => {
      AWKWARD.forEach((body, i) => tx.defer(INSERT, [`a${i}`, body, i, i % 2 === 0]));
      tx.defer(INSERT, ['b', null, 2n ** 31n - 1n, null]);
      tx.defer(INSERT, ['a0', 'ignored: conflicts', 0, false]);
    });
    const written = await rows();
    expect(written).toEqual([...AWKWARD.map((body, i) => ({ id: `a${i}`, body, n: i, flag: i % 2 === 0 })), { id: 'b', body: null, n: 2 ** 31 - 1, flag: null }]);
    await db.execute('TRUNCATE notes');
    for (const row of written) await db.execute(INSERT, [row.id, row.body, row.n, row.flag]); // bound
    expect(await rows()).toEqual(written);
  });

  it('writes in numbers, big integers and decimals as the server reads them bound', async () => {
    const FIGURE = 'INSERT INTO figures (id, amount, big, label) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING';
    const values: unknown[][] = [
      ['a', '-0.000001', 2n ** 62n, -0], ['b', '123456789012345678901234.5678', 9_007_199_254_740_993n, 1e21],
      ['c', 0.1, -(2n ** 63n), true], ['d', '1e-7', 0n, false],
    ];
    await db.transaction(async (tx) => values.forEach((v) => tx.defer(FIGURE, v))); // written in
    const written = await db.query('SELECT * FROM figures ORDER BY id');
    await db.execute('TRUNCATE figures');
    for (const v of values) await db.execute(FIGURE, v); // bound, one statement each
    expect(written).toEqual(await db.query('SELECT * FROM figures ORDER BY id'));
    expect(written.map((r) => r.big)).toEqual(['4611686018427387904', '9007199254740993', '-9223372036854775808', '0']);
  });

  it('keeps parameters bound for a big batch, and for values it cannot write as text', async () => {
    const sent = jest.spyOn(Client.prototype, 'query');
    try {
      await db.transaction(async (tx) => {
        for (let i = 0; i < 6000; i++) tx.defer(INSERT, [`big${String(i).padStart(5, '0')}`, AWKWARD[i % AWKWARD.length], i, true]);
      });
      await db.transaction(async (tx) => tx.defer(INSERT, ['json', { not: 'plain' }, 1, true]));
      const bound = sent.mock.calls.map((call) => (call as unknown[])[1]).filter((v): v is unknown[] => Array.isArray(v) && v.length > 0).map((v) => v.length);
      expect(bound).toEqual([24_000, 4]); // 6,000 rows merged into one bound insert, then the one with a JSON value
    } finally {
      sent.mockRestore();
    }
    const stored = await rows();
    expect(stored).toHaveLength(6001);
    expect(stored[3]).toEqual({ id: 'big00003', body: AWKWARD[3], n: 3, flag: true });
    expect(stored.find((r) => r.id === 'json')?.body).toBe('{"not":"plain"}');
  });

  it('writes nothing of a transaction whose deferred write fails, then reads and writes in order', async () => {
    await expect(db.transaction(async (tx) => {
      tx.defer(INSERT, ['x', 'kept?', 1, true]);
      tx.defer('INSERT INTO notes (id, n) VALUES ($1, $2)', ['y', 'not a number']);
    })).rejects.toThrow(/integer/);
    expect(await rows()).toEqual([]);
    const seen = await db.transaction(async (tx) => {
      tx.defer(INSERT, ['z', 'first', 1, false]);
      const [row] = await tx.query<{ body: string }>('SELECT body FROM notes WHERE id = $1', ['z']);
      tx.defer(INSERT, ['z2', row.body, 2, false]);
      return row.body;
    });
    expect(seen).toBe('first');
    expect((await rows()).map((r) => r.body)).toEqual(['first', 'first']);
  });

  it('sends nothing for a transaction that writes nothing, and one round trip for one of deferred writes only', async () => {
    const sent = jest.spyOn(Client.prototype, 'query');
    try {
      await db.transaction(async () => undefined);
      expect(sent).not.toHaveBeenCalled();
      await db.transaction(async (tx) => {
        tx.defer(INSERT, ['one', 'trip', 1, true]);
        tx.defer(INSERT, ['two', 'trips?', 2, true]);
      });
      expect(sent).toHaveBeenCalledTimes(1);
      expect(String(sent.mock.calls[0][0])).toMatch(/^BEGIN;\n[^]*;\nCOMMIT$/);
    } finally {
      sent.mockRestore();
    }
    expect((await rows()).map((r) => r.id)).toEqual(['one', 'two']);
  });
  it('survives the server dropping a connection in the middle of a transaction: the transaction fails, the next one runs', async () => {
    // Before, the dropped connection's 'error' event had no listener while checked out: Node ended the process.
    const admin = new Client({ connectionString: database!.url });
    await admin.connect();
    try {
      const failed = db.transaction(async (tx) => {
        const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await new Promise((resolve) => setTimeout(resolve, 100)); // the 'error' event arrives between statements
        await tx.execute(INSERT, ['lost', 'never', 1, true]);
      });
      await expect(failed).rejects.toThrow();
      await db.transaction(async (tx) => { await tx.execute(INSERT, ['kept', 'after', 2, false]); });
      expect((await rows()).map((r) => r.id)).toEqual(['kept']);
    } finally {
      await admin.end();
    }
  });
});
