import { partyStream } from '@ledger/domain';
import { EventStore, ReadStreamOptions } from '@ledger/event-store';
import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { EVENT_STORE, READ_MODEL_DB, ReadModelDb } from '@ledger/ledger';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerUnderTest, StoreKind, startLedger } from './support/ledger-app';
import { expectBooksBalanced, post, registerCast, salesLine, workedLicenseTerms } from './support/worked-example';

type Cast = Awaited<ReturnType<typeof registerCast>> & { license: string; reports: Record<string, string> };
type Statement = { currencies: unknown[]; lines: { date: string; kind: string; role: string; amount: string; policyVersion?: number }[] };

const policy = (school: string, adminFeePercent: string, inventors: string) => ({
  adminFeePercent, recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: inventors }, { beneficiary: school, sharePercent: '20' }],
});

/** Six quarters reported under two policy versions: what a later restatement must take back version by version. */
async function history(ledger: LedgerUnderTest): Promise<Cast> {
  const cast = await registerCast(ledger);
  await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send(policy(cast.school, '10', '50')).expect(200);
  const license = (await post<{ id: string }>(ledger, '/licenses', workedLicenseTerms(cast))).id;
  const reports: Record<string, string> = {};
  const quarters = [['2025-Q1', '520000.00'], ['2025-Q2', '700000.00'], ['2025-Q3', '100000.00'], ['2025-Q4', '100000.00'], ['2026-Q1', '100000.00'], ['2026-Q2', '100000.00']];
  for (const [period, gross] of quarters) {
    if (period === '2025-Q3') await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send(policy(cast.school, '20', '40')).expect(200);
    reports[period] = (await post<{ reportId: string }>(ledger, `/licenses/${license}/sales-reports`, { period, lines: [salesLine(gross, '0.00')] })).reportId;
    // Each allocated before the next report: which revisions the allocations read the university's
    // stream at (and so which snapshots are saved) then no longer depends on how far the process manager lags.
    await ledger.settled();
  }
  return { ...cast, license, reports };
}

/** Restatements of a report under each version: credits that take back what each version gave. */
async function restate(ledger: LedgerUnderTest, cast: Cast) {
  await post(ledger, `/licenses/${cast.license}/sales-reports/${cast.reports['2025-Q1']}/restatements`, { lines: [salesLine('490000.00', '40000.00')] });
  await post(ledger, `/licenses/${cast.license}/sales-reports/${cast.reports['2025-Q3']}/restatements`, { lines: [salesLine('60000.00', '0.00')] });
  await ledger.settled();
}

async function statements(ledger: LedgerUnderTest, cast: Cast) {
  const parties = [cast.university, cast.lin, cast.chen, cast.school];
  return Promise.all(parties.map(async (id) => {
    const s = (await ledger.http.get(`/parties/${id}/statement`).expect(200)).body as Statement;
    return { currencies: s.currencies, lines: s.lines.map((l) => [l.date, l.kind, l.role, l.amount, l.policyVersion]) };
  }));
}

/**
 * A restart restores the university's party stream from the snapshots the API saved, not from its
 * first event, and decides on them exactly as on the whole fold: restatements made after the restart
 * allocate what the same history allocates on a ledger that never saved a snapshot.
 */
function snapshotsAcrossRestart(kind: StoreKind) {
  let place: { env: Record<string, string>; remove(): Promise<void> };
  const ledgers: LedgerUnderTest[] = [];
  const start = async (env: Record<string, string>) => (ledgers.push(await startLedger(kind, env)), ledgers[ledgers.length - 1]);

  beforeAll(async () => {
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-snapshots-e2e-'));
      place = { env: { SQLITE_PATH: join(dir, 'ledger.sqlite') }, remove: async () => rmSync(dir, { recursive: true, force: true }) };
    } else {
      const db = await createTestDatabase('snapshots_e2e');
      if (!db) throw new Error('PostgreSQL is unreachable');
      place = { env: { DATABASE_URL: db.url }, remove: () => db.drop() };
    }
  });
  afterAll(async () => {
    for (const ledger of ledgers) await ledger.close();
    await place?.remove();
  });

  it('saves the long stream, restores it after a restart, and decides on it as on the whole fold', async () => {
    const never = await start({ STREAM_SNAPSHOT_EVERY: '0' });
    const reference = await history(never);
    await restate(never, reference);
    const expected = await statements(never, reference);

    let ledger = await start({ ...place.env, STREAM_SNAPSHOT_EVERY: '5' });
    const cast = await history(ledger);
    const stream = partyStream(cast.university);
    const head = (await ledger.store.readStream(stream)).at(-1)!.revision;
    await ledgers.pop()!.close(); // a restart (the saves under way finish first); our store stays, the throw-away one startLedger made goes

    ledger = await start({ ...place.env, STREAM_SNAPSHOT_EVERY: '5' });
    const db = ledger.app.get<ReadModelDb>(READ_MODEL_DB);
    const rows = await db.query<{ fold: string; revision: string }>('SELECT fold, revision FROM stream_snapshot_heads WHERE stream_id = $1 ORDER BY fold', [stream]);
    expect(rows.map((r) => r.fold)).toEqual(['distribution', 'policy-versions']); // the party fold was last read while the stream was short
    const saved = rows.map((r) => BigInt(r.revision));
    const heads = await db.query<{ fold: string; n: number | string }>('SELECT fold, count(*) AS n FROM stream_snapshot_heads GROUP BY fold');
    for (const revision of saved) expect(revision >= 4n && revision <= head).toBe(true);
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const reads: (ReadStreamOptions | undefined)[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (id, options) => (id === stream && reads.push(options), readStream(id, options));

    await restate(ledger, cast);
    // Each snapshot checked against the log, then the events after the older of them.
    expect(reads.slice(0, 2)).toEqual(expect.arrayContaining(saved.map((revision) => ({ fromRevision: revision, maxCount: 1 }))));
    const oldest = saved.reduce((a, b) => (a < b ? a : b));
    expect(reads[2]).toEqual({ fromRevision: oldest + 1n, maxCount: 1000 });
    expect(reads.every((r) => (r?.fromRevision ?? 0n) > 0n)).toBe(true); // never folded from the start
    const got = await statements(ledger, cast);
    expect(got.map((s) => s.lines.length)).toEqual(expected.map((s) => s.lines.length));
    expect(got).toEqual(expected);
    expect(got[1].lines.filter((l) => l[1] === 'adjustment').length).toBeGreaterThanOrEqual(2);
    await expectBooksBalanced(ledger);
    // Each restore timed for the operator: the university's, and any other party's saved, each once.
    const metrics = (await ledger.as().get('/metrics').expect(200)).text;
    for (const fold of ['distribution', 'policy-versions']) {
      const counted = new RegExp(`ledger_stream_snapshot_duration_seconds_count\\{fold="${fold}",operation="restore",outcome="done"\\} (\\d+)\n`).exec(metrics);
      expect(Number(counted?.[1])).toBeGreaterThanOrEqual(1);
      expect(Number(counted?.[1])).toBeLessThanOrEqual(Number(heads.find((h) => h.fold === fold)?.n));
    }
    expect(metrics).not.toMatch(/ledger_stream_snapshot_duration_seconds_count\{[^}]*outcome="failed"\}/);
  });
}

describe('stream snapshots across a restart [sqlite]', () => snapshotsAcrossRestart('sqlite'));
describePostgres('stream snapshots across a restart [postgres]', () => snapshotsAcrossRestart('postgres'));
