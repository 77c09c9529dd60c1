import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Shared helper for every PostgreSQL suite (event store, projections, e2e): each suite gets its own
 * throw-away database, created through the admin URL and dropped afterwards.
 */
export const adminUrl = (): string => process.env.PG_TEST_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The URL without its password, for log lines. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable PostgreSQL URL>';
  }
}

async function withAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: adminUrl(), connectionTimeoutMillis: 2000 });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/**
 * Creates `ledger_test_<label>_<random>`; undefined when PostgreSQL is unreachable (describePostgres
 * has already skipped or failed the suite in that case).
 */
export async function createTestDatabase(label: string): Promise<TestDatabase | undefined> {
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 30);
  const name = `ledger_test_${safeLabel}_${randomBytes(4).toString('hex')}`;
  try {
    await withAdmin(async (admin) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await admin.query(`CREATE DATABASE "${name}"`);
        } catch (err) {
          // 55006: template1 busy (another suite creating its database right now): wait and retry.
          if ((err as { code?: string }).code !== '55006' || attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 100 * attempt));
        }
      }
    });
  } catch (err) {
    if (postgresStatus().reachable) throw err;
    return undefined;
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin(async (admin) => {
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      }),
  };
}

let status: { reachable: boolean; reason: string } | undefined;

/**
 * Checked once per test file, synchronously (jest collects describe blocks synchronously): a child
 * node process connects with pg and a 2 s timeout.
 */
export function postgresStatus(): { reachable: boolean; reason: string } {
  if (status) return status;
  const script = `
    const { Client } = require(process.env.PG_MODULE);
    const c = new Client({ connectionString: process.env.PG_URL, connectionTimeoutMillis: 2000 });
    c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(
      () => process.exit(0),
      (e) => { process.stderr.write(String(e && e.message || e)); process.exit(1); });`;
  const child = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, PG_MODULE: require.resolve('pg'), PG_URL: adminUrl() },
    timeout: 5000,
    encoding: 'utf8',
  });
  const reason = child.error?.message ?? (child.stderr.trim() || `exit code ${child.status}`);
  status = { reachable: child.status === 0, reason };
  return status;
}

/**
 * describe() for suites that need PostgreSQL. Unreachable: the suite fails when CI=true, and is
 * skipped with a console line otherwise.
 */
export function describePostgres(name: string, fn: () => void): void {
  const { reachable, reason } = postgresStatus();
  if (reachable) {
    describe(name, fn);
    return;
  }
  const where = `${redactUrl(adminUrl())} (${reason})`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(`PostgreSQL is required when CI=true but unreachable at ${where}`);
      });
    });
    return;
  }
  // Straight to stderr: jest swallows console output of a file whose tests are all skipped.
  process.stderr.write(`[skip] PostgreSQL unreachable at ${where}: postgres suites skipped\n`);
  describe.skip(name, fn);
}
