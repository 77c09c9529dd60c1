import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { PostgresEventStore, SqliteEventStore, EventStore } from '@ledger/event-store';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startLedger } from './support/ledger-app';
import { sqliteReadModelPath } from '@ledger/ledger';
import { OFFICE_TOKEN } from './support/tokens';
import { post, registerCast, salesLine, workedLicenseTerms } from './support/worked-example';

const CLI = join(__dirname, '..', 'apps', 'ledger-cli', 'src', 'main.ts');

function cli(env: Record<string, string>, ...args: string[]) {
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', CLI, ...args], {
    env: { ...process.env, LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 120000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const comparable = async (store: EventStore) =>
  (await store.readAll()).map((e) => ({ id: e.id, type: e.type, streamId: e.streamId, revision: e.revision, data: e.data, metadata: e.metadata }));

describe('ledger-cli: export, import, verify, rebuild', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
  const source = join(dir, 'source.sqlite');
  const target = join(dir, 'target.sqlite');
  const exported = join(dir, 'events.ndjson');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const ledger = await startLedger('sqlite', { SQLITE_PATH: source });
    const cast = await registerCast(ledger);
    await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send({
      adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }).expect(200);
    const license = (await post<{ id: string }>(ledger, '/licenses', workedLicenseTerms(cast))).id;
    const q1 = await post<{ reportId: string }>(ledger, `/licenses/${license}/sales-reports`, { period: '2025-Q1', lines: [salesLine('520000.00', '40000.00')] });
    await post(ledger, `/licenses/${license}/sales-reports`, { period: '2025-Q2', lines: [salesLine('700000.00', '0.00')] });
    const last = await post<{ position: string }>(ledger, `/licenses/${license}/sales-reports/${q1.reportId}/restatements`, { lines: [salesLine('490000.00', '40000.00')] });
    await ledger.http.get(`/parties/${cast.lin}/statement?minPosition=${last.position}`).expect(200);
    await ledger.close();
  }, 60000);

  it('exports every event as NDJSON and imports it into a new store, identically', async () => {
    const out = cli({ SQLITE_PATH: source }, 'export', '--out', exported);
    expect(out).toMatchObject({ status: 0 });
    const lines = readFileSync(exported, 'utf8').trim().split('\n');
    expect(out.stderr).toContain(`exported ${lines.length} events`);
    const imported = cli({ SQLITE_PATH: target }, 'import', exported);
    expect(imported).toMatchObject({ status: 0 });
    expect(imported.stderr).toContain(`imported ${lines.length} events into the sqlite store`);
    const [a, b] = [new SqliteEventStore(source), new SqliteEventStore(target)];
    expect(await comparable(b)).toEqual(await comparable(a));
    await Promise.all([a.close(), b.close()]);
  }, 120000);

  it('verifies the imported store: balanced, contiguous, read models equal to a rebuild', () => {
    const verified = cli({ SQLITE_PATH: target }, 'verify');
    expect(verified).toMatchObject({ status: 0 });
    expect(verified.stderr).toMatch(/verified: \d+ positions, trial balance zero, revisions contiguous, \d+ read models/);
  }, 120000);

  it('refuses to import into a store that is not empty', () => {
    const again = cli({ SQLITE_PATH: target }, 'import', exported);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('the target store is not empty');
  }, 60000);

  it('rebuilds a projection with a progress bar, and rejects an unknown one', () => {
    const rebuilt = cli({ SQLITE_PATH: source }, 'rebuild', 'journal');
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stderr).toContain('journal');
    const unknown = cli({ SQLITE_PATH: source }, 'rebuild', 'nonsense');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown projection nonsense');
  }, 120000);

  it('fails verify when a read model was tampered with, and repairs it', () => {
    const db = new Database(sqliteReadModelPath(source));
    db.prepare("UPDATE journal_lines SET amount = '999.99' WHERE position = (SELECT MIN(position) FROM journal_lines) AND line_no = 0").run();
    db.close();
    const failed = cli({ SQLITE_PATH: source }, 'verify');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('read model journal differed from a fresh rebuild');
    expect(cli({ SQLITE_PATH: source }, 'verify').status).toBe(0);
  }, 120000);

  describePostgres('into PostgreSQL', () => it('migrates the export (sqlite → postgres)', async () => {
    const database = await createTestDatabase('cli');
    try {
      const env = { EVENT_STORE: 'postgres', DATABASE_URL: database!.url };
      expect(cli(env, 'import', exported)).toMatchObject({ status: 0 });
      expect(cli(env, 'verify')).toMatchObject({ status: 0 });
      const [a, b] = [new SqliteEventStore(source), await PostgresEventStore.open(database!.url)];
      expect(await comparable(b)).toEqual(await comparable(a));
      await Promise.all([a.close(), b.close()]);
    } finally {
      await database?.drop();
    }
  }, 120000));
});
