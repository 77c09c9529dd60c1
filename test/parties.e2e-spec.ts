import { ProjectionRunner } from '@ledger/ledger';
import { randomUUID } from 'node:crypto';
import { describeOnEveryStore, eventCount, LedgerUnderTest, startLedger } from './support/ledger-app';

describeOnEveryStore('parties through HTTP', (kind) => {
  let ledger: LedgerUnderTest;
  beforeAll(async () => { ledger = await startLedger(kind); });
  afterAll(async () => { await ledger?.close(); });

  it('registers a party and reads it back from the read model at the returned position', async () => {
    const created = await ledger.http.post('/parties').send({ name: 'Eastlake University', kind: 'university' }).expect(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), position: expect.stringMatching(/^\d+$/) });
    const read = await ledger.http.get(`/parties/${created.body.id}?minPosition=${created.body.position}`).expect(200);
    expect(read.body).toEqual({ id: created.body.id, name: 'Eastlake University', kind: 'university', registeredAt: expect.any(String) });
  });

  it('records actor, correlation and causation ids and recordedAt on the event', async () => {
    const created = await ledger.http.post('/parties').set('X-Correlation-Id', 'onboarding-42').send({ name: 'Dr Lin', kind: 'person' }).expect(201);
    const [event] = await ledger.store.readStream(`party-${created.body.id}`);
    expect(event.type).toBe('PartyRegistered');
    expect(event.metadata).toEqual({
      actor: expect.objectContaining({ id: expect.any(String), role: expect.any(String) }),
      correlationId: 'onboarding-42',
      causationId: expect.any(String),
      recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it("takes a client's X-Request-Id as the correlation, never as the causation, which names one request of the server's", async () => {
    // Before: the client's X-Request-Id was the causation id, so two requests sent with one shared it.
    const sent = await Promise.all(['Dr Wu', 'Dr Zhao'].map((name) => ledger.http.post('/parties').set('X-Request-Id', 'client-req-7').send({ name, kind: 'person' }).expect(201)));
    const events = await Promise.all(sent.map(async (res) => (await ledger.store.readStream(`party-${res.body.id}`))[0]));
    expect(events.map((e) => e.metadata.correlationId)).toEqual(['client-req-7', 'client-req-7']);
    expect(events.map((e) => e.metadata.causationId)).toEqual(sent.map((res) => res.headers['x-request-id']));
    expect(new Set(events.map((e) => e.metadata.causationId)).size).toBe(2);
    expect(sent.map((res) => res.headers['x-correlation-id'])).toEqual(['client-req-7', 'client-req-7']);
    const named = await ledger.http.post('/parties').set('X-Request-Id', 'client-req-8').set('X-Correlation-Id', 'onboarding-43').send({ name: 'Dr Qian', kind: 'person' }).expect(201);
    expect(named.headers['x-correlation-id']).toBe('onboarding-43'); // X-Correlation-Id first
  });

  it('refuses bad input with problem+json naming each field, and appends nothing', async () => {
    const before = await eventCount(ledger.store);
    const res = await ledger.http.post('/parties').send({ name: '', kind: 'planet', extra: true }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Invalid request' });
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'kind', 'name']);
    await ledger.http.post('/parties').set('Content-Type', 'application/json').send('{"name": ').expect(400)
      .expect('Content-Type', /problem\+json/);
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it('refuses a required text of spaces as it refuses an empty one: 400 naming the field (it was 422 party-name-empty)', async () => {
    const before = await eventCount(ledger.store);
    for (const name of ['', '   ', '\t\n']) {
      const res = await ledger.http.post('/parties').send({ name, kind: 'company' }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'name', message: 'name must not be blank' }]);
    }
    const nested = await ledger.http.post('/licenses/00000000-0000-4000-8000-000000000000/sales-reports')
      .send({ period: '2025-Q1', lines: [{ product: '  ', territory: 'CN', units: '1', grossSales: '1.00', deductions: '0.00' }] }).expect(400);
    expect(nested.body.errors).toEqual([{ field: 'lines[0].product', message: 'lines[0].product must not be blank' }]);
    const patent = await ledger.http.post('/patents').send({ title: ' ', number: ' ', jurisdiction: ' ', filedOn: '2024-01-01', expiresOn: '2044-01-01', owners: [], inventors: [] }).expect(400);
    expect(patent.body.errors).toEqual(expect.arrayContaining(['title', 'number', 'jurisdiction'].map((field) => ({ field, message: `${field} must not be blank` }))));
    const spaced = await ledger.http.post('/parties').send({ name: '  Eastlake  ', kind: 'company' }).expect(201); // text around spaces is text
    expect((await ledger.http.get(`/parties/${spaced.body.id}?minPosition=${spaced.body.position}`).expect(200)).body.name).toBe('Eastlake');
    expect(await eventCount(ledger.store)).toBe(before + 1);
  });

  it('refuses a NUL character in any string, naming the field, so no read model is stalled by an event it cannot store', async () => {
    const before = await eventCount(ledger.store);
    const res = await ledger.http.post('/parties').send({ name: 'Evil\u0000Corp', kind: 'company' }).expect(400);
    expect(res.body.errors).toEqual([{ field: 'name', message: 'name must not contain a NUL character' }]);
    const nested = await ledger.http.post('/licenses/00000000-0000-4000-8000-000000000000/sales-reports')
      .send({ period: '2025-Q1', lines: [{ product: 'A\u0000', territory: 'CN', units: '1', grossSales: '1.00', deductions: '0.00' }] }).expect(400);
    expect(nested.body.errors).toEqual([{ field: 'lines[0].product', message: 'lines[0].product must not contain a NUL character' }]);
    // Half a surrogate pair: the event kept it, the read models answered U+FFFD in its place.
    const lone = await ledger.http.post('/parties').set('Content-Type', 'application/json').send('{"name":"Eastlake \\ud800 Lab","kind":"department"}').expect(400);
    expect(lone.body.errors).toEqual([{ field: 'name', message: 'name must be valid Unicode text (it holds half of a surrogate pair)' }]);
    expect(await eventCount(ledger.store)).toBe(before);
    // before, on PostgreSQL: 201, then every projection stopped at that event ("invalid message format"), for good
    const next = await ledger.http.post('/parties').send({ name: 'Good Corp', kind: 'company' }).expect(201);
    await ledger.http.get(`/parties/${next.body.id}?minPosition=${next.body.position}`).expect(200);
    const paired = await ledger.http.post('/parties').send({ name: 'Eastlake 🧪 Lab', kind: 'department' }).expect(201); // a whole pair is text
    expect((await ledger.http.get(`/parties/${paired.body.id}?minPosition=${paired.body.position}`).expect(200)).body.name).toBe('Eastlake 🧪 Lab');
  });

  it('answers 404 for an unknown party and 400 for a malformed minPosition', async () => {
    await ledger.http.get('/parties/00000000-0000-4000-8000-000000000000').expect(404).expect('Content-Type', /problem\+json/);
    await ledger.http.get('/parties/not-a-uuid').expect(404);
    const bad = await ledger.http.get('/parties/00000000-0000-4000-8000-000000000000?minPosition=abc').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'minPosition', message: expect.any(String) }]);
  });

  it('refuses at once a minPosition past the log\'s head, which no write returned (400 minPosition)', async () => {
    const started = Date.now();
    const res = await ledger.http.get('/parties/00000000-0000-4000-8000-000000000000?minPosition=999999999').expect(400);
    // Before: held for MIN_POSITION_WAIT_MS, then 503 with a Retry-After asking for the same wait again.
    expect(res.body.errors).toEqual([{ field: 'minPosition', message: expect.stringMatching(/^minPosition 999999999 is past the log's head \(\d+\): no write returned it$/) }]);
    expect(Date.now() - started).toBeLessThan(1000); // MIN_POSITION_WAIT_MS is 1 s here
  });

  describe('with read models behind the log (projections stopped, then an event appended)', () => {
    let behind: LedgerUnderTest;
    let unreached: string;
    beforeAll(async () => {
      behind = await startLedger(kind);
      await behind.app.get(ProjectionRunner).stop();
      const id = randomUUID();
      const metadata = { actor: { id: 'test', role: 'office' }, correlationId: id, causationId: id, recordedAt: new Date().toISOString() };
      const appended = await behind.store.append(`party-${id}`, [{ id, type: 'PartyRegistered', data: { partyId: id, name: 'Unprojected', kind: 'company' }, metadata }], { expectedRevision: 'no_stream' });
      unreached = appended.position.toString();
    });
    afterAll(async () => { await behind?.close(); });

    it('answers 503 with Retry-After when read models cannot reach minPosition in time', async () => {
      const res = await behind.http.get(`/parties/00000000-0000-4000-8000-000000000000?minPosition=${unreached}`).expect(503);
      expect(res.headers['retry-after']).toBe('1');
    });

    it('counts a request the client gave up on, as aborted', async () => {
      // The read waits (up to MIN_POSITION_WAIT_MS, 1 s here) for a position the read models do not reach; the client leaves first.
      await expect(behind.http.get(`/parties/00000000-0000-4000-8000-000000000000?minPosition=${unreached}`).timeout(150)).rejects.toThrow(/Timeout/);
      // The server is done with it once its wait is over: asked until then (a fixed 1.2 s left a slow hour 0.2 s).
      const aborted = /ledger_http_request_duration_seconds_count\{method="GET",route="\/parties\/:id",status="aborted"\} 1/;
      let res = await behind.as().get('/metrics').expect(200);
      for (const until = Date.now() + 15000; !aborted.test(res.text) && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 100));
        res = await behind.as().get('/metrics').expect(200);
      }
      expect(res.text).toMatch(aborted);
    });
  });

  it('serves health with the store reachable and projection lag, and the OpenAPI document', async () => {
    const health = await ledger.http.get('/health').expect(200);
    expect(health.body.info.eventStore).toEqual({ status: 'up', kind });
    expect(health.body.info.projections.status).toBe('up');
    const docs = await ledger.http.get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/parties', '/parties/{id}', '/health']));
    // Optional is shown as optional: ?minPosition= and optional body fields were marked required on some routes.
    type Parameter = { name: string; required?: boolean };
    const parameters = Object.values(docs.body.paths as Record<string, Record<string, { parameters?: Parameter[] }>>)
      .flatMap((path) => Object.values(path).flatMap((operation) => operation.parameters ?? []));
    const minPosition = parameters.filter((p) => p.name === 'minPosition');
    expect(minPosition.length).toBeGreaterThanOrEqual(6);
    expect(minPosition.filter((p) => p.required !== false)).toEqual([]);
    const required = (schema: string) => (docs.body.components.schemas[schema].required ?? []) as string[];
    expect(required('SalesLineDto')).not.toContain('currency');
    expect(required('RoyaltyTermsDto')).not.toContain('sublicenseSharePercent');
    expect(required('SalesLineDto')).toContain('grossSales');
  });
});

describe('metrics', () => {
  let ledger: LedgerUnderTest;
  beforeAll(async () => { ledger = await startLedger('sqlite'); });
  afterAll(async () => { await ledger?.close(); });

  it('exposes HTTP latency by route, append latency and projection / process-manager lag', async () => {
    const created = await ledger.http.post('/parties').send({ name: 'Eastlake University', kind: 'university' }).expect(201);
    await ledger.http.get(`/parties/${created.body.id}?minPosition=${created.body.position}`).expect(200);
    const res = await ledger.as().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/ledger_http_request_duration_seconds_count\{method="GET",route="\/parties\/:id",status="200"\} 1/);
    expect(res.text).toMatch(/ledger_event_append_duration_seconds_count\{store="sqlite",outcome="appended"\} 1/);
    expect(res.text).toMatch(/ledger_projection_lag_positions\{projection="parties"\} 0/);
    expect(res.text).toMatch(/ledger_process_manager_lag_positions\{process_manager="distribution"\} 0/);
    expect(res.text).toMatch(/ledger_projection_failed_attempts\{consumer="distribution"\} 0/);
  });

  it('counts every answer, those given before any route too, and labels unmatched paths as one; a refused body under its route', async () => {
    await ledger.http.post('/parties').set('Content-Type', 'application/json').send('{"name": ').expect(400); // malformed JSON
    await ledger.http.post('/parties').send({ name: 'x'.repeat(1_100_000), kind: 'university' }).expect(413);
    await ledger.http.get('/no/such/path/nowhere-at-all').expect(404);
    await ledger.as().get('/docs-json').expect(200);
    const res = await ledger.as().get('/metrics').expect(200);
    const count = (labels: string) => new RegExp(`ledger_http_request_duration_seconds_count\\{${labels}\\} 1\\n`);
    // Bodies are read once the route's guards have admitted the caller: their refusals are the route's.
    expect(res.text).toMatch(count('method="POST",route="/parties",status="400"'));
    expect(res.text).toMatch(count('method="POST",route="/parties",status="413"'));
    expect(res.text).toMatch(count('method="GET",route="unmatched",status="404"'));
    expect(res.text).toMatch(count('method="GET",route="/docs-json",status="200"'));
    expect(res.text).not.toMatch(/nowhere-at-all/); // a number (4711 before) could turn up in a duration's digits
  });

});
