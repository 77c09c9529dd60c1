import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { Client } from 'pg';
import { LEASE_HOLDERS_SQL } from '../read-model/postgres-lease';
import { PostgresReadModelDb } from '../read-model/postgres-read-model-db';
import { SnapshotHead, SnapshotTable } from './snapshot-table';

const head = (generation: string, revision: bigint): SnapshotHead => ({
  streamId: 's', fold: 'listed', version: 1, revision, eventId: `e${revision}`, position: revision, generation, pieces: 2,
});

describePostgres('snapshot table with PostgreSQL', () => {
  it("names nothing, and so deletes nothing, from a process that lost the read models' lease", async () => {
    const database = await createTestDatabase('snapshot_fence');
    if (!database) throw new Error('PostgreSQL is unreachable');
    const old = new PostgresReadModelDb(database.url);
    const next = new PostgresReadModelDb(database.url);
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      await old.claim('old holder', () => undefined);
      const stale = new SnapshotTable(old);
      await stale.create();
      await stale.addPiece('s', 'listed', 'old-save', 0, '["[","items"]');
      await admin.query(`SELECT pg_terminate_backend(pid) FROM (${LEASE_HOLDERS_SQL}) AS holders`); // its session lost
      await next.claim('new holder');
      const holder = new SnapshotTable(next);
      await holder.addPiece('s', 'listed', 'holders-save', 0, '["[","items"]');
      await holder.addPiece('s', 'listed', 'holders-save', 1, '["+",1]');
      // The old process finishes its save meanwhile (it has not noticed yet): naming it would delete the holder's pieces.
      await stale.addPiece('s', 'listed', 'old-save', 1, '["+",0]');
      await expect(stale.name(head('old-save', 5n), '2026-01-01T00:00:00Z')).rejects.toThrow(/another process holds the read models' lease now/);
      await holder.name(head('holders-save', 9n), '2026-01-01T00:00:01Z');
      const named = await holder.head('s', 'listed');
      expect(named).toEqual(head('holders-save', 9n));
      const pieces: string[] = [];
      for await (const piece of holder.pieces(named!)) pieces.push(piece);
      expect(pieces).toEqual(['["[","items"]', '["+",1]']);
      const left = await admin.query('SELECT DISTINCT generation FROM stream_snapshot_pieces');
      expect(left.rows).toEqual([{ generation: 'holders-save' }]); // the old process's pieces went with the holder's save
    } finally {
      await admin.end();
      await Promise.all([old.close(), next.close()]);
      await database.drop();
    }
  });
});
