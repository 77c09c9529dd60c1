import { EventStore, RecordedEvent } from '@ledger/event-store';
import { randomUUID } from 'node:crypto';
import { ReadModelDb, SqlExecutor } from '../read-model/read-model-db';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

interface Connections {
  store: EventStore;
  db: ReadModelDb;
}

export interface RunnerTarget {
  /** Prepares a fresh place for a store and read models: how to connect to it, and how to remove it. */
  prepare(): Promise<{ connect(): Promise<Connections>; remove(): Promise<void> }>;
}

/** Connections to one prepared place; `reopen` closes them and connects anew (a restart). */
async function open(target: RunnerTarget) {
  const place = await target.prepare();
  let current = await place.connect();
  const close = () => Promise.all([current.store.close(), current.db.close()]);
  return {
    get store() { return current.store; },
    get db() { return current.db; },
    async reopen() {
      await close();
      current = await place.connect();
      return current;
    },
    async cleanup() {
      await close();
      await place.remove();
    },
  };
}

const event = (stream: string, n: number) => {
  const id = randomUUID();
  return { id, type: 'Counted', data: { stream, n }, metadata: { actor: { id: 't', role: 'office' }, correlationId: id, causationId: id, recordedAt: '2026-01-01T00:00:00Z' } };
};

/** Counts events per stream and keeps the order it saw them in: enough to catch a skip or a double. */
function countingProjection(failures: Map<string, number> = new Map()): Projection {
  return {
    name: 'counting',
    schema: [
      'CREATE TABLE IF NOT EXISTS test_counts (stream TEXT PRIMARY KEY, n INTEGER NOT NULL, seen TEXT NOT NULL)',
    ],
    tables: ['test_counts'],
    handles: new Set(['Counted']),
    async apply(e: RecordedEvent, tx: SqlExecutor) {
      const { stream, n } = e.data as { stream: string; n: number };
      await tx.execute(
        `INSERT INTO test_counts (stream, n, seen) VALUES ($1, 1, $2)
         ON CONFLICT (stream) DO UPDATE SET n = test_counts.n + 1, seen = test_counts.seen || ',' || $2`,
        [stream, String(n)],
      );
      const left = failures.get(e.id) ?? 0;
      if (left > 0) {
        failures.set(e.id, left - 1);
        throw new Error('transient failure after a write: must roll back');
      }
    },
  };
}

async function rows(db: ReadModelDb) {
  return db.query<{ stream: string; n: number; seen: string }>('SELECT stream, n, seen FROM test_counts ORDER BY stream');
}

export function projectionRunnerSuite(name: string, target: RunnerTarget) {
  describe(`ProjectionRunner on ${name}`, () => {
    let env: Awaited<ReturnType<typeof open>>;
    beforeEach(async () => { env = await open(target); });
    afterEach(async () => { await env.cleanup(); });

    const appendMany = async (store: EventStore, count: number, offset = 0) => {
      let last = -1n;
      for (let i = offset; i < offset + count; i++) {
        last = (await store.append(`s-${i % 3}`, [event(`s-${i % 3}`, i)], { expectedRevision: 'any' })).position;
      }
      return last;
    };

    it('projects the log then live events, and waits for a position', async () => {
      await appendMany(env.store, 5);
      const runner = new ProjectionRunner(env.store, env.db, [countingProjection()]);
      await runner.start();
      const last = await appendMany(env.store, 4, 5);
      expect(await runner.waitFor(last, 10000)).toBe(true);
      expect(await runner.waitFor(last + 1000n, 50)).toBe(false);
      await runner.stop();
      expect((await rows(env.db)).map((r) => Number(r.n))).toEqual([3, 3, 3]);
    });

    it('resumes from its checkpoint after a restart without doubling anything', async () => {
      const runner = new ProjectionRunner(env.store, env.db, [countingProjection()]);
      await runner.start();
      expect(await runner.waitFor(await appendMany(env.store, 6), 10000)).toBe(true);
      await runner.stop();
      const last = await appendMany(env.store, 3, 6);
      const again = await env.reopen();
      const second = new ProjectionRunner(again.store, again.db, [countingProjection()]);
      await second.start();
      expect(await second.waitFor(last, 10000)).toBe(true);
      await second.stop();
      expect((await rows(again.db)).map((r) => r.seen)).toEqual(['0,3,6', '1,4,7', '2,5,8']);
    });

    it('retries a failing handler on the same event, never skipping it or applying it twice', async () => {
      await appendMany(env.store, 2);
      const failing = event('s-1', 99);
      const failures = new Map([[failing.id, 2]]);
      await env.store.append('s-1', [failing], { expectedRevision: 'any' });
      const last = await appendMany(env.store, 3, 100);
      const warnings: string[] = [];
      const runner = new ProjectionRunner(env.store, env.db, [countingProjection(failures)], { warn: (m) => warnings.push(m) }, 5);
      await runner.start();
      expect(await runner.waitFor(last, 10000)).toBe(true);
      await runner.stop();
      expect(warnings).toHaveLength(2);
      expect((await rows(env.db)).map((r) => r.seen)).toEqual(['0,102', '1,99,100', '101']);
    });

    it('rebuilds from zero to exactly the same rows', async () => {
      const runner = new ProjectionRunner(env.store, env.db, [countingProjection()]);
      await runner.start();
      expect(await runner.waitFor(await appendMany(env.store, 30), 10000)).toBe(true);
      const before = await rows(env.db);
      await runner.rebuild('counting');
      expect(runner.position()).toBe(-1n);
      expect(await runner.waitFor(await env.store.headPosition(), 10000)).toBe(true);
      await runner.stop();
      expect(await rows(env.db)).toEqual(before);
    });
  });
}
