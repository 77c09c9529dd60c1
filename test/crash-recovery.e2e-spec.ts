import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ProjectionRunner, StatementsQuery, PROJECTIONS, sqliteReadModelPath } from '@ledger/ledger';
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

  it('stops on SIGTERM mid-load: finishes the requests in flight, loses nothing acknowledged', async () => {
    const file2 = join(dir, 'graceful.sqlite');
    const server = await startServer(file2);
    const http = client(server.url, OFFICE_TOKEN);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      server.child.once('exit', (code, signal) => resolve({ code, signal })));
    // One request surely in flight at the signal: its headers and half its body are sent before it,
    // the rest after. A process that died on the signal would cut it off; a graceful one answers it.
    const slow = await halfSentRequest(server.url, '/parties', { name: 'Party in flight', kind: 'company' });
    // Forty more at once; the signal goes as soon as the first is answered.
    const answers = Array.from({ length: 40 }, (_, i) => http.post('/parties').send({ name: `Party ${i}`, kind: 'company' }).then(
      (res): { status: number; id: string; error?: string } => ({ status: res.status, id: res.body.id as string }),
      (error: NodeJS.ErrnoException) => ({ status: 0, id: '', error: error.code }), // no answer: refused, or reset
    ));
    await Promise.race(answers);
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const inFlight = await slow.finish();
    const results = await Promise.all(answers);
    // A stop that completed exits 0 (before: Nest re-raised the signal, and it died by it).
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(inFlight.status).toBe(201);
    const acknowledged = [...results.filter((r) => r.status === 201), inFlight];
    // The store was not closed under a request: none failed (500). A request taken after the signal
    // on a kept-alive or a new connection is refused (503, send again) before any work, or, once the
    // server has closed, finds no connection taken (0, ECONNREFUSED). None finds its connection reset.
    expect(results.filter((r) => r.status !== 201 && r.status !== 503 && !(r.status === 0 && r.error === 'ECONNREFUSED'))).toEqual([]);

    // Checkpoints were saved with what they cover: the parties read model holds exactly the parties up to its checkpoint.
    const readModels = new Database(sqliteReadModelPath(file2), { readonly: true });
    const checkpoint = (readModels.prepare("SELECT position FROM projection_checkpoints WHERE name = 'parties'").get() as { position: string } | undefined)?.position ?? '-1';
    const rows = (readModels.prepare('SELECT count(*) AS n FROM parties').get() as { n: number }).n;
    readModels.close();
    await ledger?.close();
    ledger = await startLedger('sqlite', { SQLITE_PATH: file2 });
    const events = await ledger.store.readAll();
    expect(rows).toBe(events.filter((e) => e.type === 'PartyRegistered' && e.position <= BigInt(checkpoint)).length);
    const streams = new Set(events.map((e) => e.streamId));
    expect(acknowledged.filter((r) => !streams.has(`party-${r.id}`))).toEqual([]);
  }, 60000);

  it('stops taking requests on SIGTERM though clients keep their connections busy, and exits on its own', async () => {
    // Before, server.close() waited for busy keep-alive connections, whose clients went on sending:
    // the API served them until they stopped (or SHUTDOWN_TIMEOUT_MS killed it without saving checkpoints).
    const file3 = join(dir, 'keep-alive.sqlite');
    const server = await startServer(file3);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
      server.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
    let signalledAt = Infinity;
    const giveUpAt = Date.now() + 30000;
    const answers: { status: number; id?: string; error?: string; at: number }[] = [];
    const loop = async (n: number) => {
      for (let i = 0; Date.now() < Math.min(signalledAt + 8000, giveUpAt); i++) {
        const answer = await keptAlivePost(agent, server.url, '/parties', { name: `Party ${n}.${i}`, kind: 'company' });
        answers.push({ ...answer, at: Date.now() });
        if (answer.status !== 201) return; // refused (503) or cut off (0): this client stops
      }
    };
    const loops = Array.from({ length: 8 }, (_, n) => loop(n));
    while (answers.filter((a) => a.status === 201).length < 40 && Date.now() < giveUpAt) await new Promise((r) => setTimeout(r, 10));
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const exit = await exited;
    await Promise.all(loops);
    agent.destroy();
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(5000);
    // A client whose kept-alive connection was idle at the signal sends its next request on it, and one
    // whose answer closed its connection sends it on a new one: both are refused (503), or find no
    // connection taken once the server has closed (ECONNREFUSED). Before, the signal closed idle
    // connections at once: a request already on its way found its connection reset, and its client
    // could not tell whether it was taken.
    expect(answers.filter((a) => a.status !== 201 && a.status !== 503 && !(a.status === 0 && a.error === 'ECONNREFUSED'))).toEqual([]);
    // Nothing is answered 201 long after the signal (before: for as long as clients kept sending), and
    // the clients that went on sending were refused.
    expect(answers.filter((a) => a.status === 201 && a.at > signalledAt + 3000)).toEqual([]);
    expect(answers.filter((a) => a.status === 503 || a.status === 0).length).toBeGreaterThan(0);
    await ledger?.close();
    ledger = await startLedger('sqlite', { SQLITE_PATH: file3 });
    const streams = new Set((await ledger.store.readAll()).map((e) => e.streamId));
    expect(answers.filter((a) => a.status === 201 && !streams.has(`party-${a.id}`))).toEqual([]);
  }, 60000);
});

/** A POST on a kept-alive connection of `agent`: its status (0 if it got no answer, with the error's code) and id. */
function keptAlivePost(agent: Agent, url: string, path: string, body: object): Promise<{ status: number; id?: string; error?: string }> {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const req = request(`${url}${path}`, {
      method: 'POST', agent,
      headers: { Authorization: `Bearer ${OFFICE_TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({ status, id: status === 201 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id : undefined });
      });
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, error: error.code }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, error: error.code }));
    req.end(text);
  });
}

/** A POST whose headers and first half of the body are on the wire; `finish` sends the rest and reads the answer. */
async function halfSentRequest(url: string, path: string, body: object) {
  const text = JSON.stringify(body);
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await once(socket, 'connect');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = once(socket, 'close');
  socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${OFFICE_TOKEN}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text.slice(0, 10)}`);
  await new Promise((r) => setTimeout(r, 100)); // until the server has taken the headers: a request under way
  return {
    async finish() {
      socket.end(text.slice(10));
      await closed;
      const answer = Buffer.concat(received).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      return { status, id: status === 201 ? (JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { id: string }).id : '' };
    },
  };
}
