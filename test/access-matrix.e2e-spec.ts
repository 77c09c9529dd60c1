import { AccessPolicy } from '../apps/ledger-api/src/auth/access-policy';
import { ProjectionRunner } from '@ledger/ledger';
import { LedgerUnderTest, startLedger } from './support/ledger-app';
import { Route, routeTable } from './support/route-table';
import { party, post, registerCast, salesLine, WorkedExample, workedLicenseTerms } from './support/worked-example';

type Persona = 'no token' | 'bad token' | 'office' | 'licensee of it' | 'licensee of another' | 'partner of it' | 'partner of another';
const PERSONAS: Persona[] = ['no token', 'bad token', 'office', 'licensee of it', 'licensee of another', 'partner of it', 'partner of another'];
type Expected = 'allowed' | 401 | 403 | 404;

/** What the access policy promises each persona. */
function expected(policy: AccessPolicy, persona: Persona): Expected {
  if (policy.kind === 'public') return 'allowed';
  if (persona === 'no token' || persona === 'bad token') return 401;
  if (persona === 'office') return 'allowed';
  if (policy.kind === 'office') return 403;
  const role = persona.startsWith('licensee') ? 'licensee' : 'partner';
  if (!policy.roles.includes(role)) return 403;
  return persona.endsWith('of it') ? 'allowed' : 404;
}

describe('authorization matrix, generated from the route table', () => {
  let ledger: LedgerUnderTest;
  let routes: Route[];
  let w: WorkedExample;
  let tokens: Record<string, string>;
  let params: Record<string, string>;
  let otherLicensee: string;
  let stranger: string;
  let otherLicense: string;

  beforeAll(async () => {
    ledger = await startLedger('sqlite');
    routes = routeTable(ledger.app);
    const cast = await registerCast(ledger);
    await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send({
      adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: '50' }],
    }).expect(200);
    const license = (await post<{ id: string }>(ledger, '/licenses', workedLicenseTerms(cast))).id;
    w = { ...cast, license };
    otherLicensee = await party(ledger, 'Other Licensee Ltd', 'company');
    stranger = await party(ledger, 'Dr Stranger', 'person');
    otherLicense = (await post<{ id: string }>(ledger, '/licenses', { ...workedLicenseTerms(cast), licenseeId: otherLicensee, territories: ['DE'], exclusive: false })).id;
    const report = await post<{ reportId: string; position: string }>(ledger, `/licenses/${license}/sales-reports`, {
      period: '2025-Q1', lines: [salesLine('520000.00', '40000.00')] });
    const key = async (partyId: string, role: string) => post<{ token: string; position: string }>(ledger, '/api-keys', { partyId, role });
    const keys = {
      'licensee of it': await key(cast.brightpath, 'licensee'),
      'licensee of another': await key(otherLicensee, 'licensee'),
      'partner of it': await key(cast.lin, 'partner'),
      'partner of another': await key(stranger, 'partner'),
    };
    const last = keys['partner of another'].position;
    const statement = await ledger.http.get(`/parties/${cast.lin}/statement?minPosition=${Math.max(Number(last), Number(report.position))}`).expect(200);
    tokens = { ...Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, v.token])), 'bad token': 'rlk_not-a-real-token-at-all-000000' };
    params = { reportId: report.reportId, code: 'first-sale', year: '2025', allocationId: statement.body.lines[0].allocationId, keyId: '00000000-0000-4000-8000-000000000000' };
  });
  afterAll(async () => { await ledger?.close(); });

  it('finds every route, and every route declares an access policy', () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(routes.filter((r) => !r.policy).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // A public write would have its body read for anyone (JsonBodyGuard reads once the caller is admitted): none may be.
    expect(routes.filter((r) => r.policy?.kind === 'public' && r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('reads no body before the caller is admitted: 401 for malformed JSON, a wrong type or a large body without a valid token', async () => {
    const raw = () => ledger.http.post('/parties').unset('Authorization');
    for (const auth of [undefined, `Bearer ${tokens['bad token']}`]) {
      const send = (req: ReturnType<typeof raw>) => (auth ? req.set('Authorization', auth) : req);
      // Before: 400 (the parser's), 415 and 400 (validation): the body was read and judged for anyone.
      await send(raw()).set('Content-Type', 'application/json').send('{"name": ').expect(401).expect('Content-Type', /problem\+json/);
      await send(raw()).set('Content-Type', 'text/plain').send('name=X').expect(401);
      // ?minPosition= waits only for a token the log may be about to hold: no way round the check.
      await send(raw().query({ minPosition: '0' })).set('Content-Type', 'application/json').send('{"name": ').expect(401);
      await send(raw().query({ minPosition: '99999999' })).set('Content-Type', 'application/json').send('{"name": ').expect(401);
      await send(raw()).send({ name: 'x'.repeat(900_000), kind: 'company' }).expect(401);
      await send(ledger.http.put(`/parties/${w.lin}/distribution-policy`).unset('Authorization')).send({}).expect(401);
    }
    // Whatever the method, and a path no route takes never has its body read (before: 400 "not valid JSON" for both).
    await ledger.as().delete('/api-keys/00000000-0000-4000-8000-000000000000').set('Content-Type', 'application/json').send('{').expect(401);
    await ledger.as().post('/no/such/path').set('Content-Type', 'application/json').send('{').expect(404);
    // Read once the caller is admitted: a role the route does not admit is 403 whatever its body.
    await ledger.http.post('/parties').set('Content-Type', 'application/json').send('{"name": ').expect(400);
    await ledger.http.post('/parties').set('Authorization', `Bearer ${tokens['partner of it']}`).set('Content-Type', 'application/json').send('{"name": ').expect(403);
    await ledger.http.post(`/licenses/${w.license}/sales-reports`).set('Authorization', `Bearer ${tokens['licensee of it']}`)
      .set('Content-Type', 'application/json').send('{"period": ').expect(400);
    // The rate limit counts these refusals as any other (a gate before the body did not, in a first version).
  });

  /** The :id a persona addresses: for own-party routes its own party ("of it") or someone else's. */
  function pathFor(route: Route, persona: Persona): string {
    const ownParty: Record<Persona, string> = {
      'no token': w.lin, 'bad token': w.lin, office: w.lin, 'partner of it': w.lin, 'partner of another': w.lin,
      'licensee of it': w.brightpath, 'licensee of another': w.brightpath,
    };
    const id = route.policy?.kind === 'own-party' ? ownParty[persona] : route.path.startsWith('/licenses') ? w.license : w.lin;
    return route.path.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? id : params[name] ?? name));
  }

  it('answers every route × persona as its policy says', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of routes) {
      for (const persona of PERSONAS) {
        const path = pathFor(route, persona);
        const client = persona === 'office' ? ledger.http : ledger.as(persona === 'no token' ? undefined : tokens[persona]);
        const call = client[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](path);
        const res = route.method === 'GET' || route.method === 'DELETE' ? await call : await call.send({});
        const want = expected(route.policy!, persona);
        const ok = want === 'allowed' ? ![401, 403].includes(res.status) && res.status < 500 && !(res.status === 404 && persona !== 'office' && route.policy!.kind !== 'public') : res.status === want;
        if (!ok) mismatches.push(`${route.method} ${route.path} as ${persona}: expected ${want}, got ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
        checked++;
      }
    }
    console.log(`authorization matrix: ${routes.length} routes × ${PERSONAS.length} personas = ${checked} requests`);
    expect(mismatches).toEqual([]);
  });

  it('answers 401 with WWW-Authenticate: Bearer and a problem body', async () => {
    const res = await ledger.as().get(`/parties/${w.lin}`).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    // Without a token nothing can appear in the log to admit the request: 401 at once, not a wait for
    // ?minPosition= (before: the wait, then 503 for a position the log had not reached).
    const beyond = (await ledger.store.headPosition()) + 1000n;
    await ledger.as().get(`/parties/${w.lin}?minPosition=${beyond}`).expect(401);
  });

  it('lets a new key wait for itself with ?minPosition=, and refuses a revoked key once DELETE has answered', async () => {
    // The read models held back (as under load), then let go: before, the guard decided before waiting
    // for ?minPosition= (401 on a new key), and DELETE answered while the key still worked.
    const runner = ledger.app.get(ProjectionRunner);
    const heldBack = async <T>(request: Promise<T>) => {
      await runner.stop();
      let answered = false;
      const response = request.then((r) => { answered = true; return r; });
      await new Promise((r) => setTimeout(r, 300));
      const early = answered;
      await runner.start();
      return { early, response: await response };
    };
    const issued = await post<{ id: string; token: string; position: string }>(ledger, '/api-keys', { partyId: stranger, role: 'partner' });
    const read = await heldBack(Promise.resolve(ledger.as(issued.token).get(`/parties/${stranger}?minPosition=${issued.position}`)));
    expect(read.response.status).toBe(200);
    // A write waits the same way before its body is read: then the malformed body is judged (400), not the key (401).
    await runner.stop(); // the key issued while the read models are held back: not known until they move on
    const licensee = (await ledger.http.post('/api-keys').send({ partyId: w.brightpath, role: 'licensee' }).expect(201)).body as { token: string; position: string };
    let answered = false;
    const write = ledger.as(licensee.token).post(`/licenses/${w.license}/sales-reports?minPosition=${licensee.position}`)
      .set('Content-Type', 'application/json').send('{"period": ').then((r) => { answered = true; return r; });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    await runner.start();
    expect((await write).status).toBe(400);
    const revoked = await heldBack(Promise.resolve(ledger.http.delete(`/api-keys/${issued.id}`)));
    expect(revoked).toMatchObject({ early: false, response: { status: 200 } });
    await ledger.as(issued.token).get(`/parties/${stranger}`).expect(401);
    // Revoked again: nothing appended, and a position the client can pass back (the head; was -1, which minPosition refuses).
    const again = await ledger.http.delete(`/api-keys/${issued.id}`).expect(200);
    expect(BigInt(again.body.position)).toBeGreaterThanOrEqual(BigInt(revoked.response.body.position));
    await ledger.http.get(`/parties/${stranger}?minPosition=${again.body.position}`).expect(200);
  });

  it('keeps ids of one license or party from reaching through another\'s path, and idempotency keys to the key that sent them', async () => {
    // Behaviour a review confirmed and the matrix, which varies one id at a time, did not pin.
    const { brightpath, company, lin } = w;
    await ledger.http.post(`/licenses/${otherLicense}/sales-reports/${params.reportId}/restatements`)
      .send({ lines: [salesLine('1.00', '0.00')] }).expect(404); // a report of one license through another's path
    const issued = await post<{ token: string; position: string }>(ledger, '/api-keys', { partyId: company, role: 'partner' });
    await ledger.http.get(`/parties/${company}?minPosition=${issued.position}`).expect(200);
    // A co-owner of the patent, not a beneficiary of the university's allocation, through its own path.
    await ledger.as(issued.token).get(`/parties/${company}/allocations/${params.allocationId}`).expect(404);
    await ledger.as(tokens['partner of another']).get(`/parties/${stranger}/allocations/${params.allocationId}`).expect(404);
    await ledger.as(tokens['partner of it']).get(`/parties/${lin}/allocations/${params.allocationId}`).expect(200);
    // Two keys of one licensee: the second's request under the first's Idempotency-Key runs on its own.
    const second = await post<{ token: string; position: string }>(ledger, '/api-keys', { partyId: brightpath, role: 'licensee' });
    await ledger.http.get(`/parties/${brightpath}?minPosition=${second.position}`).expect(200);
    const body = { period: '2026-Q2', lines: [salesLine('1000.00', '0.00')] };
    await ledger.as(tokens['licensee of it']).post(`/licenses/${w.license}/sales-reports`).set('Idempotency-Key', 'q2-report').send(body).expect(201);
    const other = await ledger.as(second.token).post(`/licenses/${w.license}/sales-reports`).set('Idempotency-Key', 'q2-report').send(body).expect(409);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.body.errors).toEqual([{ field: 'period', message: expect.any(String) }]);
  });

  it("records the acting key's id and role on every event", async () => {
    const issued = await post<{ id: string; token: string; position: string }>(ledger, '/api-keys', { partyId: w.brightpath, role: 'licensee' });
    await ledger.http.get(`/parties/${w.brightpath}?minPosition=${issued.position}`).expect(200);
    await ledger.as(issued.token).post(`/licenses/${w.license}/sales-reports`).send({ period: '2026-Q1', lines: [salesLine('700000.00', '0.00')] }).expect(201); // 2025 was closed by the matrix's office calls
    const events = await ledger.store.readStream(`license-${w.license}`);
    expect(events[events.length - 1].metadata.actor).toEqual({ id: issued.id, role: 'licensee', partyId: w.brightpath });
    expect(events[0].metadata.actor).toEqual({ id: 'bootstrap-admin', role: 'office' });
  });
});
