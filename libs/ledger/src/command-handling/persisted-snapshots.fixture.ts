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
import { PersistedSnapshots, SnapshotOptions, SnapshotTiming } from './persisted-snapshots';
import { StreamFold, StreamStates } from './stream-states';

/** What the persisted-snapshots specs share: folds to save, and a log and read-model database on each store. */

export const event = (n: number) => {
  const id = randomUUID();
  return { id, type: 'Added', data: { n }, metadata: { actor: { id: 't', role: 'office' }, correlationId: id, causationId: id, recordedAt: '2026-01-01T00:00:00Z' } };
};
export const codec = (version = 1): SnapshotCodec<number> => ({
  name: 'sum', version, encode: (n) => ({ n }),
  decode: (s) => {
    if (typeof (s as { n?: unknown }).n !== 'number') throw new Error('not a sum');
    return (s as { n: number }).n;
  },
});
export const sumOf = (version = 1): StreamFold<number> => ({ initial: () => 0, step: (t, e) => t + (e.data as { n: number }).n, snapshot: codec(version) });
export const sum = sumOf();
export const ones = (count: number) => Array.from({ length: count }, () => event(1));
/** Every event's n, in order: a state of many lines, as a university's allocations are. */
export const listed: StreamFold<number[]> = {
  initial: () => [], step: (list, e) => [...list, (e.data as { n: number }).n],
  snapshot: {
    name: 'listed', version: 1, encode: (list) => ({ items: list }), encodeLines: (list) => encodedLines([{ name: 'items', list: () => list }]),
    decode: (s) => (s as { items: number[] }).items,
  },
};
export const spin = (ms: number) => { for (const end = performance.now() + ms; performance.now() < end; ); };
/** Counts turns of the event loop (1 ms timers) while `during` runs: about 1 if it never gives way. */
export async function turns(during: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  await during();
  clearInterval(timer);
  return ticks;
}

/** Runs `before` ahead of every query of snapshot pieces (slows it, or fails it) until the returned function undoes it. */
export function onPieceQueries(db: ReadModelDb, before: () => void): () => void {
  const query = db.query.bind(db);
  db.query = (async (sql: string, params?: unknown[]) => {
    if (sql.includes('FROM stream_snapshot_pieces')) before();
    return query(sql, params);
  }) as ReadModelDb['query'];
  return () => (db.query = query);
}

interface Place {
  open(): Promise<{ store: EventStore; db: ReadModelDb }>;
  /** Another log, as a backup restored or another store imported into. */
  openOtherLog(): Promise<EventStore>;
  remove(): Promise<void>;
}

/** A test's log and database, what the snapshots warned of and timed, and each read of a stream. */
export interface SnapshotPlace {
  place: Place;
  store: EventStore;
  db: ReadModelDb;
  warnings: string[];
  reads: (ReadStreamOptions | undefined)[];
  timings: SnapshotTiming[];
  open(every?: number, pieceChars?: number, options?: Partial<SnapshotOptions>): Promise<{ keeper: PersistedSnapshots; states: StreamStates }>;
  /** The process ends (every save under way is awaited) and another starts; the reads are counted afresh. */
  restart(keeper: PersistedSnapshots, every?: number, pieceChars?: number): Promise<{ keeper: PersistedSnapshots; states: StreamStates }>;
}

function onEachStore(title: string, prepare: () => Promise<Place>, tests: (t: SnapshotPlace) => void) {
  describe(title, () => {
    const t = {} as SnapshotPlace;
    t.open = async (every = 10, pieceChars, options) => {
      const counted = Object.assign(Object.create(t.store) as EventStore, {
        readStream: (id: string, o?: ReadStreamOptions) => (t.reads.push(o), t.store.readStream(id, o)),
      });
      const keeper = new PersistedSnapshots(t.db, counted, { every, warn: (m) => t.warnings.push(m), pieceChars, measured: (m) => t.timings.push(m), ...options });
      await keeper.createTable();
      const states = new StreamStates(counted, 100, 1000);
      states.keepSnapshotsIn(keeper);
      return { keeper, states };
    };
    t.restart = async (keeper, every = 10, pieceChars) => (await keeper.close(), (t.reads.length = 0), t.open(every, pieceChars));

    beforeEach(async () => {
      t.place = await prepare();
      ({ store: t.store, db: t.db } = await t.place.open());
      Object.assign(t, { warnings: [], reads: [], timings: [] });
    });
    afterEach(async () => {
      await t.store.close();
      await t.db.close();
      await t.place.remove();
    });
    tests(t);
  });
}

/** The same tests on SQLite and (where it is reachable, and always on CI) PostgreSQL. */
export function describeSnapshots(title: string, tests: (t: SnapshotPlace) => void) {
  onEachStore(`${title} (sqlite)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapshots-'));
    return {
      open: async () => ({ store: new SqliteEventStore(join(dir, 'events.sqlite')), db: new SqliteReadModelDb(join(dir, 'read-models.sqlite')) }),
      openOtherLog: async () => new SqliteEventStore(join(dir, 'other.sqlite')),
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }, tests);
  describePostgres(`${title} with PostgreSQL`, () => {
    onEachStore(`${title} (postgres)`, async () => {
      const database = await createTestDatabase('snapshots');
      const other = await createTestDatabase('snapshots_other');
      if (!database || !other) throw new Error('PostgreSQL is unreachable');
      return {
        open: async () => ({ store: await PostgresEventStore.open(database.url), db: new PostgresReadModelDb(database.url) }),
        openOtherLog: () => PostgresEventStore.open(other.url),
        remove: async () => (await database.drop(), await other.drop()),
      };
    }, tests);
  });
}
