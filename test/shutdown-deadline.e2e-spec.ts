import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionableProxy } from '@ledger/event-store/testing/partitionable-proxy';
import { TestDatabase, createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { OFFICE_TOKEN } from './support/tokens';

const MAIN = join(__dirname, '..', 'apps', 'ledger-api', 'src', 'main.ts');

type Exit = { code: number | null; signal: string | null };

/** The API as production starts it (main.ts), once it says it has started; its log and stderr in `output()`. */
async function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
    env: { ...process.env, NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; i < 300 && !/successfully started/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
  expect(output).toMatch(/successfully started/);
  /** How it ended, or a string if it was still running after `ms`. */
  const end = async (ms: number): Promise<Exit | string> => {
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([exited, new Promise<string>((r) => (timer = setTimeout(() => r(`still running after ${ms} ms`), ms)))]);
    clearTimeout(timer);
    return result;
  };
  return { child, end, output: () => output };
}

describe('a graceful stop', () => {
  let dir = '';
  let child: ChildProcess | undefined;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ledger-stop-')); });
  afterEach(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s exits 0 once done, and says so in its log', async (signal) => {
    const api = await startMain({ EVENT_STORE: 'sqlite', SQLITE_PATH: join(dir, 'ledger.sqlite') });
    child = api.child;
    api.child.kill(signal);
    // Before: Nest re-raised the signal, so it died by it (status 143 / 130 in a shell) and logged nothing.
    expect(await api.end(20000)).toEqual({ code: 0, signal: null });
    const lines = api.output().split('\n').filter((line) => line.includes('"context":"Shutdown"')).map((line) => JSON.parse(line).msg as string);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^shutting down \\(${signal}\\)`)),
      'stopped: in-flight requests answered, projections stopped at their last committed checkpoints, stores closed',
    ]);
  }, 60000);
});

/**
 * On PostgreSQL behind a proxy that can stop passing bytes without closing anything: a network
 * partition, where every goodbye to the database waits as long as TCP.
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
    const api = await startMain({ EVENT_STORE: 'postgres', DATABASE_URL: proxy.url(database!.url), SHUTDOWN_TIMEOUT_MS: '2000' });
    child = api.child;

    proxy.partition();
    const signalled = Date.now();
    api.child.kill('SIGTERM');
    expect(await api.end(20000)).toEqual({ code: 1, signal: null });
    expect(Date.now() - signalled).toBeLessThan(10000);
    expect(api.output()).toMatch(/shutdown did not finish within 2000 ms \(SHUTDOWN_TIMEOUT_MS\)/);
  }, 60000);
});
