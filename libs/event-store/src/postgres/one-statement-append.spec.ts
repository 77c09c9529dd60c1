import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { newEvent } from '../contract/event-store.contract';
import { AppendResult, WrongExpectedRevision } from '../port';
import { TestDatabase, createTestDatabase, describePostgres } from '../testing/postgres-test-db';
import { APPEND_LOCK, PostgresEventStore } from './postgres-event-store';

/**
 * The one-statement append reads heads in a snapshot taken before the append lock is granted. These
 * tests hold the lock from another connection, commit a competing event while the statement waits,
 * and check that the unique keys refuse the stale insert and the transaction path settles the append.
 * The transaction path's own cases (wrong revisions, retries, ids used elsewhere) run in the contract
 * suites, where they now reach it through a refused one statement.
 */
describePostgres('PostgresEventStore one-statement append', () => {
  let db: TestDatabase | undefined;
  let store: PostgresEventStore;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase('one_statement');
    pool = new Pool({ connectionString: db!.url });
    store = await new PostgresEventStore(pool).init();
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** Holds the append lock in an open transaction on a connection of its own, as another process would. */
  async function holdAppendLock() {
    const other = new Client({ connectionString: db!.url });
    await other.connect();
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock($1::bigint)', [String(APPEND_LOCK)]);
    return other;
  }

  /** Resolves once a session waits for this database's append lock: the append's statement has begun. */
  async function appendWaiting(): Promise<void> {
    const key = BigInt(APPEND_LOCK);
    for (let i = 0; i < 500; i++) {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [String(key >> 32n), String(key & 0xffffffffn)],
      );
      if (rows[0].n > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no append waited for the lock');
  }

  /** Which paths an append took: the one statement (tried), the transaction (a client checked out without a callback). */
  function watchPaths() {
    const query = jest.spyOn(pool, 'query');
    const connect = jest.spyOn(pool, 'connect');
    return {
      queries: () => query.mock.calls.length,
      oneStatement: () => query.mock.calls.filter(([q]) => (q as { name?: string }).name === 'event-store-append-one-statement').length,
      transactions: () => connect.mock.calls.filter((args) => (args as unknown[]).length === 0).length,
      restore() {
        query.mockRestore();
        connect.mockRestore();
      },
    };
  }

  const insertRaw = (client: Client, stream: string, revision: number, id = randomUUID()) =>
    client.query('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)',
      [stream, revision, id, 'Competing', '{}', '{}']);

  it('writes appends asked for together in one query, without a transaction of round trips', async () => {
    const paths = watchPaths();
    try {
      const streams = Array.from({ length: 5 }, () => `one-${randomUUID()}`);
      const results = await Promise.all(streams.map((s) => store.append(s, [newEvent(), newEvent()], { expectedRevision: 'no_stream' })));
      expect(paths.queries()).toBe(1);
      expect(paths.transactions()).toBe(0);
      let previous = 0n;
      for (const [i, s] of streams.entries()) {
        const events = await store.readStream(s);
        expect(events.map((e) => e.revision)).toEqual([0n, 1n]);
        expect(results[i]).toEqual({ nextRevision: 1n, position: events[1].position }); // its last event
        expect(events[0].position).toBeGreaterThan(previous); // in the order asked
        previous = events[1].position;
      }
    } finally {
      paths.restore();
    }
  });

  /**
   * Starts `append` while another connection holds the append lock, lets `compete` write on that
   * connection once the append's statement waits (its snapshot taken), and commits. The statement must
   * have been tried, refused by a unique key, and the append settled by the transaction path.
   */
  async function racedAppend(append: () => Promise<AppendResult>, compete: (other: Client) => Promise<unknown>) {
    const other = await holdAppendLock();
    const paths = watchPaths();
    try {
      const appending = append().then((result) => ({ result }), (error: unknown) => ({ error }));
      await appendWaiting();
      await compete(other);
      await other.query('COMMIT');
      const outcome = await appending;
      expect(paths.oneStatement()).toBe(1); // tried, refused by a unique key,
      expect(paths.transactions()).toBe(1); // and settled by the transaction path
      return outcome;
    } finally {
      paths.restore();
      await other.end();
    }
  }

  it('refuses an expected revision another process overtook while the append waited for the lock', async () => {
    const stream = `stale-${randomUUID()}`;
    await store.append(stream, [newEvent()], { expectedRevision: 'no_stream' });
    const competitor = randomUUID();
    // Its snapshot still shows revision 0 as the head.
    const outcome = await racedAppend(() => store.append(stream, [newEvent()], { expectedRevision: 0n }), (other) => insertRaw(other, stream, 1, competitor));
    const refused = 'error' in outcome ? outcome.error : undefined;
    expect(refused).toBeInstanceOf(WrongExpectedRevision);
    expect((refused as WrongExpectedRevision).actual).toBe(1n);
    expect((await store.readStream(stream)).map((e) => [e.revision, e.type])).toEqual([[0n, 'Tested'], [1n, 'Competing']]);
    expect((await store.readStream(stream))[1].id).toBe(competitor);
  });

  it("appends with 'any' after the event another process committed while it waited, not over it", async () => {
    const stream = `stale-any-${randomUUID()}`;
    await store.append(stream, [newEvent()], { expectedRevision: 'no_stream' });
    const e = newEvent();
    const outcome = await racedAppend(() => store.append(stream, [e], { expectedRevision: 'any' }), (other) => insertRaw(other, stream, 1));
    const result = 'result' in outcome ? outcome.result : undefined;
    expect(result?.nextRevision).toBe(2n);
    const events = await store.readStream(stream);
    expect(events.map((x) => x.revision)).toEqual([0n, 1n, 2n]);
    expect(events[2].id).toBe(e.id);
    expect(events[2].position).toBe(result?.position);
  });

  it('recognises a retry whose original another process committed while it waited', async () => {
    const stream = `stale-retry-${randomUUID()}`;
    const original = newEvent();
    // Its snapshot shows no stream: the original is not there yet.
    const outcome = await racedAppend(() => store.append(stream, [original], { expectedRevision: 'no_stream' }), (other) => other.query(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, 0, $2, $3, $4, $5)',
      [stream, original.id, original.type, JSON.stringify(original.data), JSON.stringify(original.metadata)],
    ));
    const events = await store.readStream(stream);
    expect(events.map((x) => x.id)).toEqual([original.id]);
    expect(outcome).toEqual({ result: { nextRevision: 0n, position: events[0].position } });
  });

  it('settles a batch the one statement refuses in the transaction path, in chunks past 1,000 events, in order', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const big = `big-${randomUUID()}`;
    const paths = watchPaths();
    try {
      const events = Array.from({ length: 1350 }, (_, n) => newEvent('Tested', { n }));
      // Asked for in one turn of the event loop: one batch, whose wrong revision fails the statement's check.
      const refused = store.append(wrong, [newEvent()], { expectedRevision: 4n }).then(() => undefined, (e: unknown) => e);
      const written = store.append(big, events, { expectedRevision: 'no_stream' });
      expect(await refused).toBeInstanceOf(WrongExpectedRevision);
      const result = await written;
      expect(paths.oneStatement()).toBe(1);
      expect(paths.transactions()).toBe(1);
      const stored = await store.readStream(big);
      expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(stored.map((e) => e.revision)).toEqual(events.map((_, k) => BigInt(k)));
      for (let k = 1; k < stored.length; k++) expect(stored[k].position).toBeGreaterThan(stored[k - 1].position);
      expect(result).toEqual({ nextRevision: 1349n, position: stored[1349].position });
      expect(await store.readStream(wrong)).toEqual([]);
    } finally {
      paths.restore();
    }
  });
});
