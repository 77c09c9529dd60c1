import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { partitionableProxy } from '@ledger/event-store/testing/partitionable-proxy';
import { TestDatabase, createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { OFFICE_TOKEN } from './support/tokens';

const MAIN = join(__dirname, '..', 'apps', 'ledger-api', 'src', 'main.ts');

/**
 * The API as production starts it (main.ts), on PostgreSQL behind a proxy that can stop passing bytes
 * without closing anything: a network partition, where every goodbye to the database waits as long as TCP.
 */
describePostgres('shutdown while PostgreSQL does not answer', () => {
  let database: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  let closeProxy = () => undefined as void;

  afterEach(async () => {
    child?.kill('SIGKILL');
    closeProxy();
    await database?.drop();
  });

  it('exits after SHUTDOWN_TIMEOUT_MS, saying why, instead of waiting on the dead link', async () => {
    database = await createTestDatabase('shutdown');
    const proxy = await partitionableProxy(new URL(database!.url));
    closeProxy = proxy.close;
    const api = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
      env: {
        ...process.env, NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN,
        EVENT_STORE: 'postgres', DATABASE_URL: proxy.url(database!.url), SHUTDOWN_TIMEOUT_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = api;
    let output = '';
    api.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    api.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => api.once('exit', (code, signal) => resolve({ code, signal })));
    for (let i = 0; i < 300 && !/successfully started/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
    expect(output).toMatch(/successfully started/);

    proxy.partition();
    const signalled = Date.now();
    api.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const end = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('still running after 20 s'), 20000)))]);
    clearTimeout(timer);
    expect(end).toEqual({ code: 1, signal: null });
    expect(Date.now() - signalled).toBeLessThan(10000);
    expect(output).toMatch(/shutdown did not finish within 2000 ms \(SHUTDOWN_TIMEOUT_MS\)/);
  }, 60000);
});
