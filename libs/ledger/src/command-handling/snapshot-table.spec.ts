import { TestDatabase, createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { Client } from 'pg';
import { LEASE_HOLDERS_SQL } from '../read-model/postgres-lease';
import { PostgresReadModelDb } from '../read-model/postgres-read-model-db';
import { SnapshotHead, SnapshotTable } from './snapshot-table';

const head = (generation: string, revision: bigint): SnapshotHead => ({
  streamId: 's', fold: 'listed', version: 1, revision, eventId: `e${revision}`, position: revision, generation, pieces: 2,
});

const LEASE_TAKEN = /another process holds the read models' lease now/;

describePostgres('snapshot table with PostgreSQL', () => {
  let database: TestDatabase;
  let old: PostgresReadModelDb;
  let next: PostgresReadModelDb;
  let admin: Client;
  let stale: SnapshotTable;
  let holder: SnapshotTable;
  /** Another process takes the read models' lease from `old`, which has not noticed yet. */
  const takeOver = async () => {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM (${LEASE_HOLDERS_SQL}) AS holders`); // its session lost
    await next.claim('new holder');
  };
  const piecesOf = async (generation: string) =>
    (await admin.query('SELECT seq FROM stream_snapshot_pieces WHERE generation = $1 ORDER BY seq', [generation])).rows.map((r) => r.seq);

  beforeEach(async () => {
    const created = await createTestDatabase('snapshot_fence');
    if (!created) throw new Error('PostgreSQL is unreachable');
    database = created;
    old = new PostgresReadModelDb(database.url);
    next = new PostgresReadModelDb(database.url);
    admin = new Client({ connectionString: database.url });
    await admin.connect();
    await old.claim('old holder', () => undefined);
    stale = new SnapshotTable(old);
    holder = new SnapshotTable(next);
    await stale.create();
  });
  afterEach(async () => {
    await admin.end();
    await Promise.all([old.close(), next.close()]);
    await database.drop();
  });

  it("writes and names nothing, and so deletes nothing, from a process that lost the read models' lease", async () => {
    await stale.addPiece('s', 'listed', 'old-save', 0, '["[","items"]');
    await takeOver();
    await holder.addPiece('s', 'listed', 'holders-save', 0, '["[","items"]');
    await holder.addPiece('s', 'listed', 'holders-save', 1, '["+",1]');
    // The old process goes on with its save (it answers commands still): each write is refused.
    await expect(stale.addPiece('s', 'listed', 'old-save', 1, '["+",0]')).rejects.toThrow(LEASE_TAKEN);
    await expect(stale.name(head('old-save', 5n), '2026-01-01T00:00:00Z')).rejects.toThrow(LEASE_TAKEN);
    await holder.name(head('holders-save', 9n), '2026-01-01T00:00:01Z');
    const named = await holder.head('s', 'listed');
    expect(named).toEqual(head('holders-save', 9n));
    const pieces: string[] = [];
    for await (const piece of holder.pieces(named!)) pieces.push(piece);
    expect(pieces).toEqual(['["[","items"]', '["+",1]']);
    expect(await piecesOf('old-save')).toEqual([]); // went with the holder's save
  });

  it('deletes none of the holder\'s pieces from a process that named its save just before it lost the lease', async () => {
    for (let seq = 0; seq < 6; seq++) await stale.addPiece('s', 'listed', 'older-save', seq, '["+",0]'); // two batches to delete
    for (let seq = 0; seq < 2; seq++) await stale.addPiece('s', 'listed', 'old-save', seq, '["+",0]');
    const transaction = old.transaction.bind(old);
    let writes = 0;
    old.transaction = (async (fn: Parameters<typeof transaction>[0]) => {
      // Named (the first write), then the lease is taken and the holder begins its own save before the deletes.
      if (++writes === 2) {
        await takeOver();
        for (let seq = 0; seq < 2; seq++) await holder.addPiece('s', 'listed', 'holders-save', seq, '["+",1]');
      }
      return transaction(fn);
    }) as typeof old.transaction;
    await expect(stale.name(head('old-save', 5n), '2026-01-01T00:00:00Z')).rejects.toThrow(LEASE_TAKEN);
    expect(await piecesOf('holders-save')).toEqual([0, 1]);
    expect(await piecesOf('older-save')).toHaveLength(6); // for the holder's save to delete
  });
});
