import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { TestDatabase, createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { partitionableProxy } from '@ledger/event-store/testing/partitionable-proxy';
import { useTempDir } from '@ledger/event-store/testing/temp-files';
import { Client } from 'pg';
import { LEASE_HOLDERS_SQL } from './postgres-lease';
import { PostgresReadModelDb } from './postgres-read-model-db';
import { ReadModelDb } from './read-model-db';
import { ReadModelsInUse, leaseHolder } from './read-model-lease';
import { SqliteReadModelDb } from './sqlite-read-model-db';

/** The lease as every adapter must keep it: one holder, named to the one refused, free once closed. */
function leaseContract(open: () => ReadModelDb, where: RegExp) {
  it('refuses a second claim, naming the holder and where, and lets it in once the holder closes', async () => {
    const first = open();
    const second = open();
    try {
      await first.claim('ledger-api (pid 1 on host-a)');
      const refused = await second.claim('ledger-cli rebuild (pid 2 on host-b)').then(() => undefined, (e: Error) => e);
      expect(refused).toBeInstanceOf(ReadModelsInUse);
      expect(refused?.message).toMatch(where);
      expect(refused?.message).toMatch(/in use by ledger-api \(pid 1 on host-a\), since \d{4}-\d\d-\d\dT[\d:.]+Z: .*stop it first/);
      await first.close();
      await second.claim('ledger-cli rebuild (pid 2 on host-b)');
      const third = open();
      try {
        const again = await third.claim('ledger-api (pid 3 on host-c)').then(() => undefined, (e: Error) => e);
        expect(again?.message).toMatch(/in use by ledger-cli rebuild \(pid 2 on host-b\)/);
      } finally {
        await third.close();
      }
    } finally {
      await first.close().catch(() => undefined);
      await second.close();
    }
  });

  it('is taken once per db: a second claim by the holder is a no-op', async () => {
    const db = open();
    try {
      await db.claim(leaseHolder('ledger-api'));
      await db.claim(leaseHolder('ledger-api'));
      await db.ping();
    } finally {
      await db.close();
    }
  });
}

/** A node process that claims the lease on `path`, says so, and waits to be killed. */
function holderProcess(path: string) {
  const script = `
    const { SqliteReadModelDb } = require(${JSON.stringify(join(__dirname, 'sqlite-read-model-db'))});
    // Kept referenced: a database the GC collects is closed, and its lock with it.
    globalThis.holder = new SqliteReadModelDb(${JSON.stringify(path)});
    globalThis.holder.claim('a process killed later').then(() => console.log('held'));
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const held = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited with ${code} before holding the lease`)));
  });
  return { held, child };
}

describe('SQLite read models: the lease', () => {
  const dir = useTempDir('ledger-lease-');
  leaseContract(() => new SqliteReadModelDb(join(dir(), 'read-models.sqlite')), /read-models\.sqlite/);

  it('is released by the OS when its holder dies without closing (SIGKILL)', async () => {
    const path = join(dir(), 'killed.sqlite');
    const { held, child } = holderProcess(path);
    await held;
    const db = new SqliteReadModelDb(path);
    try {
      await expect(db.claim('next')).rejects.toThrow(/in use by a process killed later/);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      await db.claim('next');
    } finally {
      child.kill('SIGKILL');
      await db.close();
    }
  }, 30000);

  it('has exactly one winner when two take it at the same instant (two threads woken together, 200 rounds)', async () => {
    // sync[0]: the round to take the lock in; sync[1]: the round whose locks to let go.
    const taker = `
      require('@swc-node/register');
      const { workerData, parentPort } = require('node:worker_threads');
      const { lockLeaseFile } = require(${JSON.stringify(join(__dirname, 'sqlite-lease'))});
      const sync = new Int32Array(workerData.sync);
      parentPort.postMessage('ready');
      for (let round = 1; round <= workerData.rounds; round++) {
        Atomics.wait(sync, 0, round - 1);
        const lease = lockLeaseFile(workerData.dir + '/race-' + round + '.sqlite');
        parentPort.postMessage(lease ? 'held' : 'refused');
        Atomics.wait(sync, 1, round - 1);
        lease?.close();
      }`;
    const rounds = 200;
    const sync = new Int32Array(new SharedArrayBuffer(8));
    const workers = [0, 1].map(() => new Worker(taker, { eval: true, workerData: { sync: sync.buffer, rounds, dir: dir() } }));
    let failed: Error | undefined;
    workers.forEach((worker) => worker.on('error', (error) => (failed = error)));
    const next = (worker: Worker) => new Promise<string>((resolve) => worker.once('message', resolve));
    try {
      await Promise.all(workers.map(next)); // ready
      const outcomes = new Map<string, number>();
      for (let round = 1; round <= rounds; round++) {
        const said = Promise.all(workers.map(next));
        Atomics.store(sync, 0, round);
        Atomics.notify(sync, 0);
        const outcome = (await said).sort().join(' and ');
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        Atomics.store(sync, 1, round);
        Atomics.notify(sync, 1);
      }
      expect(failed).toBeUndefined();
      expect(Object.fromEntries(outcomes)).toEqual({ 'held and refused': rounds });
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }, 60000);

  it('has nothing to lock in memory: such a database is private to its connection', async () => {
    const [a, b] = [new SqliteReadModelDb(':memory:'), new SqliteReadModelDb(':memory:')];
    await a.claim('a');
    await b.claim('b');
    await Promise.all([a.close(), b.close()]);
  });
});

describePostgres('PostgreSQL read models: the lease', () => {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase('lease');
  });
  afterAll(() => database?.drop());

  leaseContract(() => new PostgresReadModelDb(database!.url), /database ledger_test_lease_\w+, schema public/);

  it("sets its sessions' keepalives and settings whatever options the URL carries (they replace pg's own)", async () => {
    const url = `${database!.url}?options=-c%20work_mem%3D8MB`;
    const db = new PostgresReadModelDb(url);
    const admin = new Client({ connectionString: database!.url });
    await admin.connect();
    try {
      await db.claim('holder');
      const [settings] = await db.query("SELECT current_setting('tcp_keepalives_idle') AS idle, current_setting('random_page_cost') AS cost, current_setting('client_encoding') AS encoding, current_setting('work_mem') AS work_mem");
      expect(settings).toEqual({ idle: '10', cost: '1.1', encoding: 'UTF8', work_mem: '8MB' });
      const lease = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid IN (${LEASE_HOLDERS_SQL})`);
      expect(lease.rows).toEqual([{ n: 1 }]);
    } finally {
      await admin.end();
      await db.close();
    }
  });

  it('keeps one lease per schema: read models in another schema are another set, taken on their own', async () => {
    const live = new PostgresReadModelDb(database!.url);
    await live.execute('CREATE SCHEMA IF NOT EXISTS scratch');
    const scratch = new PostgresReadModelDb(database!.url, undefined, 'scratch');
    try {
      await live.claim('verify');
      await scratch.claim('verify');
    } finally {
      await Promise.all([live.close(), scratch.close()]);
    }
  });

  it('tells its holder and fails ping once its session is gone, and lets another process take the lease', async () => {
    const lost: string[] = [];
    const holder = new PostgresReadModelDb(database!.url);
    const next = new PostgresReadModelDb(database!.url);
    const admin = new Client({ connectionString: database!.url });
    await admin.connect();
    try {
      await holder.claim('holder', (reason) => lost.push(reason));
      await admin.query(`SELECT pg_terminate_backend(pid) FROM (${LEASE_HOLDERS_SQL}) AS holders`);
      // The session's end reaches the client a moment after the server ends it.
      for (let i = 0; i < 100 && (await holder.ping().then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
      await expect(holder.ping()).rejects.toThrow(/lease ended: another process may now project them; restart this one/);
      expect(lost).toEqual([expect.stringMatching(/lease ended/)]); // told once, to stop projecting
      await next.claim('next');
    } finally {
      await admin.end();
      await Promise.all([holder.close(), next.close()]);
    }
  });

  it("takes over only once the last holder's open transactions have ended, so none commits after the takeover", async () => {
    const old = new PostgresReadModelDb(database!.url);
    const next = new PostgresReadModelDb(database!.url);
    const admin = new Client({ connectionString: database!.url });
    await admin.connect();
    try {
      await old.claim('old holder');
      await old.execute('CREATE TABLE IF NOT EXISTS open_pages (n INTEGER)');
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => (finish = resolve));
      const page = old.transaction(async (tx) => {
        await tx.query('SELECT 1'); // the fence and BEGIN go now: the transaction is open on the server
        await gate;
        await tx.execute('INSERT INTO open_pages VALUES (1)');
      });
      await admin.query(`SELECT pg_terminate_backend(pid) FROM (${LEASE_HOLDERS_SQL}) AS holders`); // its session lost
      let taken = false;
      const claimed = next.claim('new holder').then(() => (taken = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(taken).toBe(false); // waiting for the old page
      finish();
      await page;
      await claimed;
      expect((await admin.query('SELECT n FROM open_pages')).rows).toEqual([{ n: 1 }]);
      await expect(old.transaction(async (tx) => tx.execute('INSERT INTO open_pages VALUES (2)'))).rejects.toThrow(/another process holds the read models' lease now/);
    } finally {
      await admin.end();
      await Promise.all([old.close(), next.close()]);
    }
  });

  it('notices a session that stops answering (a partition), and fences off its page delivered after another took the lease', async () => {
    const proxy = await partitionableProxy(new URL(database!.url));
    const lost: string[] = [];
    const old = new PostgresReadModelDb(proxy.url(database!.url), undefined, undefined, 200);
    const admin = new Client({ connectionString: database!.url });
    await admin.connect();
    let next: PostgresReadModelDb | undefined;
    try {
      await old.claim('old holder', (reason) => lost.push(reason));
      await old.execute('CREATE TABLE pages (n INTEGER)');
      await old.transaction(async (tx) => tx.defer('INSERT INTO pages VALUES (1)')); // the fence lets its own holder write
      await new Promise((r) => setTimeout(r, 500));
      expect(lost).toEqual([]); // answered heartbeats keep it
      proxy.partition(); // nothing passes either way, and no connection is closed
      const late = old.transaction(async (tx) => tx.defer('INSERT INTO pages VALUES (2)')).then(() => 'committed', (e: Error) => `${e.name}: ${e.message}`);
      for (let i = 0; i < 100 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lost).toEqual([expect.stringMatching(/lease stopped answering .*another process may now project them; restart this one/)]);
      // The server still holds it until its keepalives give the client up: nobody else can take it meanwhile.
      expect((await admin.query(LEASE_HOLDERS_SQL)).rows).toHaveLength(1);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM (${LEASE_HOLDERS_SQL}) AS holders`); // as the server's keepalives would
      next = new PostgresReadModelDb(database!.url);
      await next.claim('new holder');
      proxy.heal();
      // Refused by the fence (its SQLSTATE), and said as a lost lease: the API answers it 503, not 500.
      expect(await late).toBe("ReadModelLeaseLost: another process holds the read models' lease now: this one must not write them: restart this one");
      expect((await admin.query('SELECT n FROM pages')).rows).toEqual([{ n: 1 }]);
      await next.transaction(async (tx) => tx.defer('INSERT INTO pages VALUES (3)'));
      expect((await admin.query('SELECT n FROM pages ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 3 }]);
    } finally {
      await admin.end();
      proxy.close();
      await Promise.all([old.close(), next?.close()]);
    }
  });
});
