import { EventStore, PostgresEventStore, ReadStreamOptions, SqliteEventStore } from '@ledger/event-store';
import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { SnapshotCodec, encodedLines } from '@ledger/domain';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresReadModelDb } from '../read-model/postgres-read-model-db';
import { ReadModelDb } from '../read-model/read-model-db';
import { SqliteReadModelDb } from '../read-model/sqlite-read-model-db';
import { PersistedSnapshots, SnapshotTiming } from './persisted-snapshots';
import { StreamFold, StreamStates } from './stream-states';

const event = (n: number) => {
  const id = randomUUID();
  return { id, type: 'Added', data: { n }, metadata: { actor: { id: 't', role: 'office' }, correlationId: id, causationId: id, recordedAt: '2026-01-01T00:00:00Z' } };
};
const codec = (version = 1): SnapshotCodec<number> => ({
  name: 'sum', version, encode: (n) => ({ n }),
  decode: (s) => {
    if (typeof (s as { n?: unknown }).n !== 'number') throw new Error('not a sum');
    return (s as { n: number }).n;
  },
});
const sumOf = (version = 1): StreamFold<number> => ({ initial: () => 0, step: (t, e) => t + (e.data as { n: number }).n, snapshot: codec(version) });
const sum = sumOf();
const ones = (count: number) => Array.from({ length: count }, () => event(1));
/** Every event's n, in order: a state of many lines, as a university's allocations are. */
const listed: StreamFold<number[]> = {
  initial: () => [], step: (list, e) => [...list, (e.data as { n: number }).n],
  snapshot: {
    name: 'listed', version: 1, encode: (list) => ({ items: list }), encodeLines: (list) => encodedLines([{ name: 'items', list: () => list }]),
    decode: (s) => (s as { items: number[] }).items,
  },
};
const spin = (ms: number) => { for (const end = performance.now() + ms; performance.now() < end; ); };
/** Counts turns of the event loop (1 ms timers) while `during` runs: about 1 if it never gives way. */
async function turns(during: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  await during();
  clearInterval(timer);
  return ticks;
}

interface Place {
  open(): Promise<{ store: EventStore; db: ReadModelDb }>;
  /** Another log, as a backup restored or another store imported into. */
  openOtherLog(): Promise<EventStore>;
  remove(): Promise<void>;
}

function snapshotSuite(name: string, prepare: () => Promise<Place>) {
  describe(`persisted snapshots (${name})`, () => {
    let place: Place;
    let store: EventStore;
    let db: ReadModelDb;
    let warnings: string[];
    let reads: (ReadStreamOptions | undefined)[];
    let timings: SnapshotTiming[];
    const open = async (every = 10, pieceChars?: number) => {
      const counted = Object.assign(Object.create(store) as EventStore, {
        readStream: (id: string, options?: ReadStreamOptions) => (reads.push(options), store.readStream(id, options)),
      });
      const keeper = new PersistedSnapshots(db, counted, { every, warn: (m) => warnings.push(m), pieceChars, measured: (t) => timings.push(t) });
      await keeper.createTable();
      const states = new StreamStates(counted, 100, 1000);
      states.keepSnapshotsIn(keeper);
      return { keeper, states };
    };
    /** The process ends: every save under way is awaited. */
    const restart = async (keeper: PersistedSnapshots, every = 10, pieceChars?: number) => (await keeper.close(), reads = [], open(every, pieceChars));

    beforeEach(async () => {
      place = await prepare();
      ({ store, db } = await place.open());
      warnings = [];
      reads = [];
      timings = [];
    });
    afterEach(async () => {
      await store.close();
      await db.close();
      await place.remove();
    });

    it('writes and reads a long snapshot a line and a step at a time, giving the event loop back between slices', async () => {
      // Five lines, then five steps of decoding, of 25 ms each: in one go either would hold the event loop for 125 ms.
      const slowly: SnapshotCodec<number> = {
        ...codec(),
        encodeLines: function* (n) { for (const line of encodedLines([{ name: 'n', value: () => n }, ...['a', 'b', 'c', 'd'].map((name) => ({ name, value: () => 0 }))])) { spin(25); yield line; } },
        decode: (s) => (s as { n: number }).n,
        decodeInSteps: function* (s) { for (let i = 0; i < 5; i++) { spin(25); yield; } return (s as { n: number }).n; },
      };
      const slow: StreamFold<number> = { ...sum, snapshot: slowly };
      let { keeper, states } = await open();
      await store.append('s', ones(25), { expectedRevision: 'no_stream' });
      await states.load('s', slow);
      expect(await turns(() => keeper.close())).toBeGreaterThanOrEqual(4); // a turn between slices
      const pieces = await db.query<{ lines: string }>('SELECT lines FROM stream_snapshot_pieces');
      expect(pieces.map((p) => p.lines)).toEqual(['["=","n",25]\n["=","a",0]\n["=","b",0]\n["=","c",0]\n["=","d",0]']);
      ({ keeper, states } = await restart(keeper));
      let restored: unknown;
      expect(await turns(async () => (restored = await states.load('s', slow)))).toBeGreaterThanOrEqual(4);
      expect(restored).toEqual({ value: 25, revision: 24n });
      expect(warnings).toEqual([]);
      await keeper.close();
    });

    it('reads a snapshot of many pieces giving the event loop back between its queries, which SQLite answers at once', async () => {
      let { keeper, states } = await open(10, 8); // a piece a line
      const values = Array.from({ length: 40 }, (_, n) => n);
      await store.append('s', values.map(event), { expectedRevision: 'no_stream' });
      await states.load('s', listed);
      ({ keeper, states } = await restart(keeper, 10, 8));
      const [{ count }] = await db.query<{ count: number | string }>('SELECT count(*) AS count FROM stream_snapshot_pieces');
      expect(Number(count)).toBe(41);
      // Each query of 4 pieces takes 25 ms: 11 of them in one turn would hold the event loop for 275 ms.
      const query = db.query.bind(db);
      db.query = (async (sql: string, params?: unknown[]) => (sql.includes('FROM stream_snapshot_pieces') && spin(25), query(sql, params))) as ReadModelDb['query'];
      let restored: unknown;
      expect(await turns(async () => (restored = await states.load('s', listed)))).toBeGreaterThanOrEqual(4);
      db.query = query;
      expect(restored).toEqual({ value: values, revision: 39n });
      expect(reads).toEqual([{ fromRevision: 39n, maxCount: 1 }, { fromRevision: 40n, maxCount: 1000 }]);
      expect(warnings).toEqual([]);
      await keeper.close();
    });

    it('reads a stream\'s snapshot only once a save of it under way is done: the save deletes the pieces it replaces', async () => {
      let { keeper, states } = await open(10, 8); // a piece a line
      const values = Array.from({ length: 40 }, (_, n) => n);
      await store.append('s', values.slice(0, 20).map(event), { expectedRevision: 'no_stream' });
      await states.load('s', listed); // saved at 19
      await store.append('s', values.slice(20).map(event), { expectedRevision: 19n });
      ({ keeper, states } = await restart(keeper, 10, 8));
      const query = db.query.bind(db);
      db.query = (async (sql: string, params?: unknown[]) => (sql.includes('FROM stream_snapshot_pieces') && spin(25), query(sql, params))) as ReadModelDb['query'];
      // The stream folded to 39 and its save begun, then dropped from memory and asked for again while it is written.
      keeper.folded('s', listed, values, 39n);
      const restored = await keeper.restore('s', listed);
      db.query = query;
      expect(restored).toEqual({ value: values, revision: 39n });
      expect(warnings).toEqual([]);
      await keeper.close();
    });

    it('keeps a snapshot as pieces under a generation, deleting the ones before it and any a cut-off save left', async () => {
      let { keeper, states } = await open(10, 40);
      await store.append('s', Array.from({ length: 20 }, (_, i) => event(i)), { expectedRevision: 'no_stream' });
      await states.load('s', listed);
      await keeper.close();
      const heads = () => db.query<{ generation: string; pieces: number | string }>('SELECT generation, pieces FROM stream_snapshot_heads');
      const pieces = () => db.query<{ generation: string; seq: number | string }>('SELECT generation, seq FROM stream_snapshot_pieces ORDER BY generation, seq');
      const [first] = await heads();
      expect(Number(first.pieces)).toBe(5); // 21 lines, 184 characters with their newlines, in pieces of at least 40
      expect((await pieces()).map((p) => [p.generation, Number(p.seq)])).toEqual([0, 1, 2, 3, 4].map((seq) => [first.generation, seq]));
      await db.execute("INSERT INTO stream_snapshot_pieces (stream_id, fold, generation, seq, lines) VALUES ('s', 'listed', 'cut-off', 9, 'x')");
      await store.append('s', Array.from({ length: 10 }, (_, i) => event(20 + i)), { expectedRevision: 19n });
      ({ keeper, states } = await restart(keeper, 10, 40));
      expect(await states.load('s', listed)).toEqual({ value: Array.from({ length: 30 }, (_, i) => i), revision: 29n });
      await keeper.close(); // saved again at 29: grown by 10
      const [second] = await heads();
      expect(second.generation).not.toBe(first.generation);
      expect((await pieces()).map((p) => [p.generation, Number(p.seq)])).toEqual(Array.from({ length: Number(second.pieces) }, (_, seq) => [second.generation, seq]));
      ({ keeper, states } = await restart(keeper, 10, 40));
      expect(await states.load('s', listed)).toEqual({ value: Array.from({ length: 30 }, (_, i) => i), revision: 29n });
      expect(reads).toEqual([{ fromRevision: 29n, maxCount: 1 }, { fromRevision: 30n, maxCount: 1000 }]);
      expect(warnings).toEqual([]);
      // A piece gone (a newer save deleted it while this one was read): doubt costs the full fold, never a wrong value.
      await db.execute('DELETE FROM stream_snapshot_pieces WHERE seq = 1');
      ({ keeper, states } = await restart(keeper, 10, 40));
      expect(await states.load('s', listed)).toEqual({ value: Array.from({ length: 30 }, (_, i) => i), revision: 29n });
      expect(warnings).toEqual([`a saved snapshot could not be read (pieces from 0 of ${second.pieces} are missing); folding the stream from its start`]);
      await keeper.close();
    });

    it('restores a long stream after a restart from its snapshot and the events since, and saves it again as it grows', async () => {
      let { keeper, states } = await open();
      await store.append('s', ones(25), { expectedRevision: 'no_stream' });
      expect(await states.load('s', sum)).toEqual({ value: 25, revision: 24n });
      await store.append('s', ones(3), { expectedRevision: 24n });
      ({ keeper, states } = await restart(keeper));
      // Commands asking at once: the snapshot is read for them once.
      const asked = await Promise.all([states.load('s', sum), states.load('s', sum)]);
      expect(asked).toEqual([{ value: 28, revision: 27n }, { value: 28, revision: 27n }]);
      // The snapshot's event checked, then only what came after it (for each command).
      expect(reads).toEqual([{ fromRevision: 24n, maxCount: 1 }, { fromRevision: 25n, maxCount: 1000 }, { fromRevision: 25n, maxCount: 1000 }]);
      await store.append('s', ones(12), { expectedRevision: 27n });
      states.remember('s', sum, 28 + 12, 39n); // as a command that appended 12 more: grown by 15 since the snapshot
      ({ keeper, states } = await restart(keeper));
      expect(await states.load('s', sum)).toEqual({ value: 40, revision: 39n });
      expect(reads).toEqual([{ fromRevision: 39n, maxCount: 1 }, { fromRevision: 40n, maxCount: 1000 }]);
      expect(warnings).toEqual([]);
      // Each save, and each restore that read a snapshot, timed for the operator (the two commands above shared one).
      expect(timings.map(({ seconds, ...t }) => (expect(seconds).toBeGreaterThanOrEqual(0), t))).toEqual([
        { operation: 'save', outcome: 'done', streamId: 's', fold: 'sum', revision: 24n, pieces: 1 },
        { operation: 'restore', outcome: 'done', streamId: 's', fold: 'sum', revision: 24n, pieces: 1 },
        { operation: 'save', outcome: 'done', streamId: 's', fold: 'sum', revision: 39n, pieces: 1 },
        { operation: 'restore', outcome: 'done', streamId: 's', fold: 'sum', revision: 39n, pieces: 1 },
      ]);
    });

    it('saves nothing for a stream that grew less than the setting, or less than a tenth of its length, or with the setting 0', async () => {
      let { keeper, states } = await open();
      await store.append('short', ones(9), { expectedRevision: 'no_stream' });
      await states.load('short', sum);
      await store.append('long', ones(200), { expectedRevision: 'no_stream' });
      await states.load('long', sum); // saved at 199
      await store.append('long', ones(15), { expectedRevision: 199n });
      await states.load('long', sum); // 15 more, under 10 % of 215: not saved
      ({ keeper, states } = await restart(keeper));
      await states.load('short', sum);
      await states.load('long', sum);
      expect(reads).toEqual([{ maxCount: 1000 }, { fromRevision: 199n, maxCount: 1 }, { fromRevision: 200n, maxCount: 1000 }]);
      ({ keeper, states } = await restart(keeper, 0));
      await store.append('off', ones(50), { expectedRevision: 'no_stream' });
      await states.load('off', sum);
      await states.load('long', sum); // 0: not even read back
      ({ keeper, states } = await restart(keeper));
      await states.load('off', sum);
      expect(reads).toEqual([{ maxCount: 1000 }]);
      await keeper.close();
    });

    it('folds from the start when the snapshot was saved by another version of evolve, or cannot be read', async () => {
      let { keeper, states } = await open();
      await store.append('s', ones(20), { expectedRevision: 'no_stream' });
      await states.load('s', sum);
      ({ keeper, states } = await restart(keeper));
      expect(await states.load('s', sumOf(2))).toEqual({ value: 20, revision: 19n });
      expect(reads).toEqual([{ maxCount: 1000 }]);
      ({ keeper, states } = await restart(keeper)); // the new version saved its own
      expect((await db.query('SELECT version FROM stream_snapshot_heads')).map((r) => Number(r.version))).toEqual([2]);
      await db.execute(`UPDATE stream_snapshot_pieces SET lines = '["=","whole",{"n":"twenty"}]'`);
      expect(await states.load('s', sumOf(2))).toEqual({ value: 20, revision: 19n });
      expect(warnings).toEqual(['a saved snapshot could not be read (not a sum); folding the stream from its start']);
      expect(timings.filter((t) => t.operation === 'restore')).toEqual([expect.objectContaining({ outcome: 'failed', fold: 'sum', revision: 19n, pieces: 1 })]);
      await keeper.close();
    });

    it('folds from the start when the log no longer holds the event the snapshot was folded up to', async () => {
      let { keeper, states } = await open();
      await store.append('s', ones(20), { expectedRevision: 'no_stream' });
      await states.load('s', sum);
      await keeper.close();
      await store.close();
      store = await place.openOtherLog(); // the same stream, other events: a backup restored, another store imported
      await store.append('s', Array.from({ length: 20 }, () => event(2)), { expectedRevision: 'no_stream' });
      ({ keeper, states } = await restart(keeper));
      expect(await states.load('s', sum)).toEqual({ value: 40, revision: 19n });
      expect(warnings).toEqual(['a saved snapshot does not match the log; folding the stream from its start']);
      await keeper.close();
    });

    it('finds a snapshot a restart would believe that differs from a fold of the log, and forgets every one on request', async () => {
      let { keeper, states } = await open();
      await store.append('s', ones(20), { expectedRevision: 'no_stream' });
      await store.append('t', ones(2100), { expectedRevision: 'no_stream' }); // folded in three pages
      await states.load('s', sum);
      await states.load('t', sum);
      await keeper.close();
      await store.append('t', ones(5), { expectedRevision: 2099n }); // grown since: the check folds up to the snapshot
      expect(await keeper.differingFromTheLog([sum])).toEqual({ checked: 2, differing: [] });
      await db.execute(`UPDATE stream_snapshot_pieces SET lines = '["=","whole",{"n":21}]' WHERE stream_id = 's'`);
      const differs = 'saved snapshot sum of stream s at revision 19 differs from a fold of the log (repair: stop the API, then ledger-cli rebuild, which forgets every saved snapshot)';
      expect(await keeper.differingFromTheLog([sum])).toEqual({ checked: 2, differing: [differs] });
      // What a restart would not believe is not checked: another version's, another fold's, another log's.
      expect(await keeper.differingFromTheLog([sumOf(2)])).toEqual({ checked: 0, differing: [] });
      expect(await keeper.differingFromTheLog([])).toEqual({ checked: 0, differing: [] });
      await db.execute(`UPDATE stream_snapshot_heads SET event_id = 'elsewhere' WHERE stream_id = 't'`);
      expect(await keeper.differingFromTheLog([sum])).toEqual({ checked: 1, differing: [differs] });
      await db.execute(`DELETE FROM stream_snapshot_pieces WHERE stream_id = 's'`); // named by its head, and gone
      expect(await keeper.differingFromTheLog([sum])).toEqual({ checked: 0, differing: [
        'saved snapshot sum of stream s at revision 19 cannot be read (pieces from 0 of 1 are missing): a restart would fold the stream from its start (repair: stop the API, then ledger-cli rebuild, which forgets every saved snapshot)',
      ] });

      expect(await keeper.forgetAll()).toBe(2);
      ({ keeper, states } = await restart(keeper));
      expect(await states.load('s', sum)).toEqual({ value: 20, revision: 19n });
      expect(reads).toEqual([{ maxCount: 1000 }]);
      await keeper.close();
    });

    it('after a failed save, tries again only once the stream has grown as much again', async () => {
      const { keeper, states } = await open();
      await db.execute('DROP TABLE stream_snapshot_pieces');
      await store.append('s', ones(20), { expectedRevision: 'no_stream' });
      await states.load('s', sum);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.append('s', ones(3), { expectedRevision: 19n });
      await states.load('s', sum); // 3 more: no second try
      await keeper.close();
      const saves = warnings.filter((w) => w.startsWith('a snapshot could not be saved'));
      expect(saves).toHaveLength(1); // (the read before it found no head: that table is still there)
      expect(saves[0]).toMatch(/^a snapshot could not be saved \(.+\); the next restart folds more of the stream$/);
      expect(timings).toEqual([expect.objectContaining({ operation: 'save', outcome: 'failed', fold: 'sum', revision: 19n, pieces: 0 })]);
    });

    it('waits for a save under way when it closes, and saves nothing after', async () => {
      const { keeper, states } = await open();
      await store.append('s', ones(20), { expectedRevision: 'no_stream' });
      await states.load('s', sum);
      await keeper.close(); // the save was deferred to the next turn: done by now
      expect((await db.query('SELECT revision FROM stream_snapshot_heads')).map((r) => r.revision)).toEqual(['19']);
      await store.append('s', ones(20), { expectedRevision: 19n });
      await states.load('s', sum);
      await new Promise((resolve) => setImmediate(resolve));
      expect((await db.query('SELECT revision FROM stream_snapshot_heads')).map((r) => r.revision)).toEqual(['19']);
    });
  });
}

snapshotSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snapshots-'));
  return {
    open: async () => ({ store: new SqliteEventStore(join(dir, 'events.sqlite')), db: new SqliteReadModelDb(join(dir, 'read-models.sqlite')) }),
    openOtherLog: async () => new SqliteEventStore(join(dir, 'other.sqlite')),
    remove: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describePostgres('persisted snapshots with PostgreSQL', () => {
  snapshotSuite('postgres', async () => {
    const database = await createTestDatabase('snapshots');
    const other = await createTestDatabase('snapshots_other');
    if (!database || !other) throw new Error('PostgreSQL is unreachable');
    return {
      open: async () => ({ store: await PostgresEventStore.open(database.url), db: new PostgresReadModelDb(database.url) }),
      openOtherLog: () => PostgresEventStore.open(other.url),
      remove: async () => (await database.drop(), await other.drop()),
    };
  });
});
