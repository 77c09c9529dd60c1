import { EventHandler, EventStore, RecordedEvent, SubscribeAllOptions, Subscription } from '@ledger/event-store';
import { randomUUID } from 'node:crypto';
import { ReadModelDb, SqlExecutor } from '../read-model/read-model-db';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

interface Connections {
  store: EventStore;
  db: ReadModelDb;
}


/** The store, its subscriptions breaking `afterMs` in ("the store went away") while `breaks()` says so when one is made. */
function breakingSubscriptions(store: EventStore, afterMs: number, breaks: () => boolean): EventStore {
  return Object.assign(Object.create(store) as EventStore, {
    subscribeAll: (options: SubscribeAllOptions, handler: EventHandler): Subscription => {
      const subscription = store.subscribeAll(options, handler);
      if (!breaks()) return subscription;
      const done = new Promise<void>((_, reject) => setTimeout(() => void subscription.stop().then(() => reject(new Error('connection terminated'))), afterMs));
      done.catch(() => undefined);
      return { stop: () => subscription.stop(), done };
    },
  });
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
function countingProjection(failures: Map<string, number> = new Map(), table = 'test_counts'): Projection {
  return {
    name: table === 'test_counts' ? 'counting' : table,
    schema: [
      `CREATE TABLE IF NOT EXISTS ${table} (stream TEXT PRIMARY KEY, n INTEGER NOT NULL, seen TEXT NOT NULL)`,
    ],
    tables: [table],
    handles: new Set(['Counted']),
    async apply(e: RecordedEvent, tx: SqlExecutor) {
      const { stream, n } = e.data as { stream: string; n: number };
      await tx.execute(
        `INSERT INTO ${table} (stream, n, seen) VALUES ($1, 1, $2)
         ON CONFLICT (stream) DO UPDATE SET n = ${table}.n + 1, seen = ${table}.seen || ',' || $2`,
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

async function rows(db: ReadModelDb, table = 'test_counts') {
  return db.query<{ stream: string; n: number; seen: string }>(`SELECT stream, n, seen FROM ${table} ORDER BY stream`);
}

/** The read-model database, counting the transactions run on it. */
function countingTransactions(db: ReadModelDb) {
  const counter = { count: 0 };
  const wrapped: ReadModelDb = Object.assign(Object.create(db) as ReadModelDb, {
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => {
      counter.count++;
      return db.transaction(fn);
    },
  });
  return { db: wrapped, counter };
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

    it('resubscribes after a broken subscription only once what it had read is applied: nothing twice', async () => {
      await appendMany(env.store, 3);
      const failing = event('s-1', 99);
      // The page fails for longer (5 + 10 + … + 160 ms) than the runner waits to resubscribe (5 ms after a first break).
      const failures = new Map([[failing.id, 6]]);
      await env.store.append('s-1', [failing], { expectedRevision: 'any' });
      const last = await appendMany(env.store, 3, 100);
      // The first subscription breaks (the store "went away") once it has handed over what it read.
      let subscriptions = 0;
      const flaky = breakingSubscriptions(env.store, 30, () => subscriptions++ === 0);
      const warnings: string[] = [];
      const runner = new ProjectionRunner(flaky, env.db, [countingProjection(failures)], { warn: (m) => warnings.push(m) }, 5);
      await runner.start();
      expect(await runner.waitFor(last, 10000)).toBe(true);
      await new Promise((r) => setTimeout(r, 300)); // a second pipeline, if any, would apply its copy now
      await runner.stop();
      expect(warnings.some((w) => w.includes('lost the subscription'))).toBe(true);
      expect((await rows(env.db)).map((r) => r.seen)).toEqual(['0,102', '1,99,100', '2,101']);
    });

    it('counts a broken subscription as over once the store answers again, with no new event to apply', async () => {
      const last = await appendMany(env.store, 3);
      let breaks = 0;
      const flaky = breakingSubscriptions(env.store, 50, () => breaks++ === 0);
      const runner = new ProjectionRunner(flaky, env.db, [countingProjection()], { warn: () => undefined }, 5);
      await runner.start();
      expect(await runner.waitFor(last, 10000)).toBe(true);
      while (breaks < 2) await new Promise((r) => setTimeout(r, 5)); // broken at the head, and resubscribed
      for (let i = 0; i < 200 && runner.failed().length > 0; i++) await new Promise((r) => setTimeout(r, 5));
      // Before: listed as failed until a new event reached it (on an idle ledger, for good), /health down.
      expect([runner.failed(), runner.subscriptionBreaks()]).toEqual([[], new Map()]);
      await runner.stop();
    });

    it('adds up the breaks of a subscription that keeps breaking soon after it resubscribes, though the store answers between', async () => {
      const last = await appendMany(env.store, 3);
      let flaking = true;
      // Broken 20 ms in, each time: sooner than a resubscription counts as held (10 retry bases, 50 ms).
      const flaky = breakingSubscriptions(env.store, 20, () => flaking);
      const runner = new ProjectionRunner(flaky, env.db, [countingProjection()], { warn: () => undefined }, 5);
      await runner.start();
      expect(await runner.waitFor(last, 10000)).toBe(true);
      for (let i = 0; i < 400 && (runner.subscriptionBreaks().get('counting') ?? 0) < 3; i++) await new Promise((r) => setTimeout(r, 5));
      // A first version took the store's answer after each resubscription as the end of the outage: always 1 break.
      expect(runner.subscriptionBreaks().get('counting')).toBeGreaterThanOrEqual(3);
      expect(runner.failed()).toEqual(['counting']);
      flaking = false;
      for (let i = 0; i < 400 && runner.failed().length > 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(runner.failed()).toEqual([]);
      await runner.stop();
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
      // The rebuild's count starts again: what rebuild reports as its rate in events.
      expect(runner.eventsTaken()).toEqual({ counting: (await env.store.readAll()).length });
    });

    it('catches up a page per transaction, reading the log once for every projection', async () => {
      const last = await appendMany(env.store, 2500);
      const { db, counter } = countingTransactions(env.db);
      const reads = { count: 0 };
      const store: EventStore = Object.assign(Object.create(env.store) as EventStore, {
        subscribeAll: (...args: Parameters<EventStore['subscribeAll']>) => {
          reads.count++;
          return env.store.subscribeAll(...args);
        },
      });
      const runner = new ProjectionRunner(store, db, [countingProjection(), countingProjection(new Map(), 'test_counts_2')]);
      await runner.start();
      expect(await runner.waitFor(last, 20000)).toBe(true);
      await runner.stop();
      expect(reads.count).toBe(1);
      // 2 projections × 2,500 events: a handful of pages, where one transaction per event would be 5,000.
      expect(counter.count).toBeLessThan(60);
      expect((await rows(env.db)).map((r) => Number(r.n))).toEqual([834, 833, 833]);
      expect(await rows(env.db, 'test_counts_2')).toEqual(await rows(env.db));
    });

    it('rebuilds every projection at once to exactly the same rows', async () => {
      const projections = [countingProjection(), countingProjection(new Map(), 'test_counts_2')];
      const runner = new ProjectionRunner(env.store, env.db, projections);
      await runner.start();
      expect(await runner.waitFor(await appendMany(env.store, 40), 10000)).toBe(true);
      const before = [await rows(env.db), await rows(env.db, 'test_counts_2')];
      await runner.rebuildAll();
      expect(runner.position()).toBe(-1n);
      const last = await appendMany(env.store, 2, 40);
      expect(await runner.waitFor(last, 10000)).toBe(true);
      await runner.vacuum(); // what the rebuild command does once caught up
      if (env.db.dialect === 'postgres') {
        const vacuumed = await env.db.query("SELECT relname FROM pg_stat_user_tables WHERE relname LIKE 'test_counts%' AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL");
        expect(vacuumed).toHaveLength(2);
      }
      await runner.stop();
      const after = [await rows(env.db), await rows(env.db, 'test_counts_2')];
      // Events 40 and 41 go to s-1 and s-2 after the rebuild; everything before is as it was.
      expect(after[0].map((r) => r.seen)).toEqual(before[0].map((r, i) => r.seen + ['', ',40', ',41'][i]));
      expect(after[1]).toEqual(after[0]);
    });

    it('saves the checkpoint of a projection that handles none of a long run of events', async () => {
      await appendMany(env.store, 1200);
      const idle: Projection = { ...countingProjection(), name: 'idle', handles: new Set(['NeverAppended']) };
      const runner = new ProjectionRunner(env.store, env.db, [idle]);
      await runner.start();
      expect(await runner.waitFor(await env.store.headPosition(), 10000)).toBe(true);
      await runner.stop();
      const [row] = await env.db.query<{ position: string }>("SELECT position FROM projection_checkpoints WHERE name = 'idle'");
      expect(row).toBeDefined();
    });

    it('drops a read model stored under another version and projects it again in its new shape', async () => {
      const first = new ProjectionRunner(env.store, env.db, [countingProjection()]);
      await first.start();
      expect(await first.waitFor(await appendMany(env.store, 6), 10000)).toBe(true);
      await first.stop();
      const reshaped: Projection = {
        ...countingProjection(), version: 2,
        schema: ['CREATE TABLE IF NOT EXISTS test_counts (stream TEXT PRIMARY KEY, n INTEGER NOT NULL, seen TEXT NOT NULL, note TEXT)'],
      };
      const second = new ProjectionRunner(env.store, env.db, [reshaped]);
      await second.start();
      expect(await second.waitFor(await env.store.headPosition(), 10000)).toBe(true);
      await second.stop();
      expect((await rows(env.db)).map((r) => r.seen)).toEqual(['0,3', '1,4', '2,5']);
      expect(await env.db.query('SELECT note FROM test_counts')).toHaveLength(3); // the new column exists
    });
  });
}
