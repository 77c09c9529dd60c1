import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionRunner, StatementsQuery, PROJECTIONS } from '@ledger/ledger';
import { client, LedgerUnderTest, OFFICE_TOKEN, startLedger } from './support/ledger-app';
import { expectBooksBalanced, registerCast, salesLine, workedLicenseTerms } from './support/worked-example';

const SERVER = join(__dirname, 'support', 'ledger-server.ts');

function startServer(file: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', SERVER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve({ child, url: `http://127.0.0.1:${match[1]}` });
    });
  });
}

const months = Array.from({ length: 22 }, (_, i) => `${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);

async function partnerTotals(statements: StatementsQuery, parties: string[]) {
  const totals: Record<string, unknown> = {};
  for (const id of parties) totals[id] = (await statements.statement(id, {})).currencies;
  return totals;
}

describe('crash recovery: the service is killed mid-stream of sales reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-crash-e2e-'));
  const file = join(dir, 'ledger.sqlite');
  let ledger: LedgerUnderTest | undefined;
  afterAll(async () => {
    await ledger?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged report, allocates each assessment once, and equals a clean rebuild', async () => {
    const server = await startServer(file);
    const http = client(server.url, OFFICE_TOKEN);
    const asLedger = { http } as unknown as LedgerUnderTest;
    const cast = await registerCast(asLedger);
    await http.put(`/parties/${cast.university}/distribution-policy`).send({
      adminFeePercent: '10', recoverPatentCosts: false,
      shares: [{ beneficiary: 'inventors', sharePercent: '50' }, { beneficiary: cast.school, sharePercent: '20' }],
    }).expect(200);
    const license = (await http.post('/licenses').send({ ...workedLicenseTerms(cast), exclusive: false }).expect(201)).body.id as string;

    // Reports keep flowing (several in flight at once) when the process is killed.
    const acknowledged: string[] = [];
    const killAfter = 6 + Math.floor(Math.random() * 8);
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    await Promise.allSettled(months.map(async (period, i) => {
      await new Promise((r) => setTimeout(r, i * 15));
      const res = await http.post(`/licenses/${license}/sales-reports`).send({ period, lines: [salesLine(`${100000 + i * 3517}.25`, '1000.00')] });
      if (res.status === 201) {
        acknowledged.push(res.body.reportId);
        if (acknowledged.length === killAfter) server.child.kill('SIGKILL');
      }
    }));
    await exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);

    // Restart on the same file: projections and the distribution process manager resume from checkpoints.
    ledger = await startLedger('sqlite', { SQLITE_PATH: file });
    const runner = ledger.app.get(ProjectionRunner);
    expect(await runner.waitFor(await ledger.store.headPosition(), 20000)).toBe(true);

    const stream = await ledger.store.readStream(`license-${license}`);
    const reported = new Set(stream.filter((e) => e.type === 'SalesReportSubmitted').map((e) => (e.data as { reportId: string }).reportId));
    expect(acknowledged.filter((id) => !reported.has(id))).toEqual([]);

    // Each licensor share of each assessment is allocated exactly once.
    const all = await ledger.store.readAll();
    const allocated = all.filter((e) => e.type === 'DistributionAllocated')
      .map((e) => `${(e.data as { source: { eventId: string } }).source.eventId}/${(e.data as { partyId: string }).partyId}`);
    const expected = all.filter((e) => e.type === 'RoyaltyAssessed')
      .flatMap((e) => (e.data as { allocations: { partyId: string; amount: string }[] }).allocations
        .filter((a) => a.amount !== '0.00').map((a) => `${e.id}/${a.partyId}`));
    expect(allocated.sort()).toEqual(expected.sort());
    await expectBooksBalanced(ledger);

    const statements = ledger.app.get(StatementsQuery);
    const parties = [cast.university, cast.company, cast.lin, cast.chen, cast.school];
    const live = await partnerTotals(statements, parties);
    for (const projection of PROJECTIONS) await runner.rebuild(projection.name);
    expect(await runner.waitFor(await ledger.store.headPosition(), 20000)).toBe(true);
    expect(await partnerTotals(statements, parties)).toEqual(live);
  }, 90000);

  it('stops on SIGTERM mid-load without losing an acknowledged request', async () => {
    const file2 = join(dir, 'graceful.sqlite');
    const server = await startServer(file2);
    const http = client(server.url, OFFICE_TOKEN);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      server.child.once('exit', (code, signal) => resolve({ code, signal })));
    const acknowledged: string[] = [];
    await Promise.allSettled(Array.from({ length: 60 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 5));
      if (i === 30) server.child.kill('SIGTERM');
      const res = await http.post('/parties').send({ name: `Party ${i}`, kind: 'company' });
      if (res.status === 201) acknowledged.push(res.body.id);
    }));
    const { code, signal } = await exited;
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(acknowledged.length).toBeGreaterThan(0);
    await ledger?.close();
    ledger = await startLedger('sqlite', { SQLITE_PATH: file2 });
    const streams = new Set((await ledger.store.readAll()).map((e) => e.streamId));
    expect(acknowledged.filter((id) => !streams.has(`party-${id}`))).toEqual([]);
  }, 60000);
});
