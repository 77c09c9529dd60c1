import { createHash } from 'node:crypto';
import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, IdempotencyStore, READ_MODEL_DB, ReadModelDb } from '@ledger/ledger';
import { describeOnEveryStore, eventCount, LedgerUnderTest, startLedger } from './support/ledger-app';
import { registerWorkedExample } from './support/worked-example';

/** The read models' database drops once, on the first statement that starts with `sql`, as a connection cut just then would. */
function dropOnce(db: ReadModelDb, sql: string): () => void {
  let dropped = false;
  const cut = (text: string) => {
    if (dropped || !text.trimStart().startsWith(sql)) return;
    dropped = true;
    throw new Error('Connection terminated unexpectedly');
  };
  const execute = db.execute.bind(db);
  const transaction = db.transaction.bind(db);
  const spies = [
    jest.spyOn(db, 'execute').mockImplementation(async (text, params) => { cut(text); return execute(text, params); }),
    jest.spyOn(db, 'transaction').mockImplementation((work, options) => transaction((tx) => work(new Proxy(tx, {
      get: (target, name, receiver) => (name === 'execute'
        ? async (text: string, params?: readonly unknown[]) => { cut(text); return target.execute(text, params); }
        : Reflect.get(target, name, receiver)),
    })), options)),
  ];
  return () => spies.forEach((spy) => spy.mockRestore());
}

describeOnEveryStore('Idempotency-Key on POST', (kind) => {
  let ledger: LedgerUnderTest;
  beforeAll(async () => { ledger = await startLedger(kind); });
  afterAll(async () => { await ledger?.close(); });

  it('replays the first response for the same key and body, appending nothing', async () => {
    const body = { name: 'Eastlake University', kind: 'university' };
    const first = await ledger.http.post('/parties').set('Idempotency-Key', 'reg-eastlake').send(body).expect(201);
    const count = await eventCount(ledger.store);
    const again = await ledger.http.post('/parties').set('Idempotency-Key', 'reg-eastlake').send({ kind: 'university', name: 'Eastlake University' }).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await eventCount(ledger.store)).toBe(count);
  });

  it('replays a response stored under the hash of the URL as spelt, which keys claimed before the route-and-ids hash hold', async () => {
    // A retry across that deploy, the likeliest time for one, was told 422 "another request": unsure it was booked.
    const store = ledger.app.get(IdempotencyStore);
    const answer = { id: '2f1c3a52-8d5e-4b9a-9c41-0d6f3e7b8a90', position: '1' };
    const spelt = createHash('sha256').update('POST /parties\n{"kind":"company","name":"Legacy Ltd"}').digest('hex');
    expect((await store.claim('bootstrap-admin legacy-key', spelt, new Date())).kind).toBe('claimed');
    await store.complete('bootstrap-admin legacy-key', 201, JSON.stringify(answer));
    const again = await ledger.http.post('/parties').set('Idempotency-Key', 'legacy-key').send({ name: 'Legacy Ltd', kind: 'company' }).expect(201);
    expect([again.headers['idempotent-replayed'], again.body]).toEqual(['true', answer]);
    await ledger.http.post('/parties').set('Idempotency-Key', 'legacy-key').send({ name: 'Other Ltd', kind: 'company' }).expect(422);
  });

  it('takes a body with a field set to null as the same body without it, as validation does', async () => {
    const first = await ledger.http.post('/parties').set('Idempotency-Key', 'reg-westlake').send({ name: 'Westlake', kind: 'university', note: null }).expect(201);
    const again = await ledger.http.post('/parties').set('Idempotency-Key', 'reg-westlake').send({ name: 'Westlake', kind: 'university' }).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses the same key with another body (422), appending nothing', async () => {
    await ledger.http.post('/parties').set('Idempotency-Key', 'reg-northwind').send({ name: 'Northwind', kind: 'company' }).expect(201);
    const count = await eventCount(ledger.store);
    const res = await ledger.http.post('/parties').set('Idempotency-Key', 'reg-northwind').send({ name: 'Southwind', kind: 'company' }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect(await eventCount(ledger.store)).toBe(count);
  });

  it('honours the key on the policy PUT: a late retry of an old policy does not put it back over a newer one', async () => {
    const id = (await ledger.http.post('/parties').send({ name: 'Policy University', kind: 'university' }).expect(201)).body.id as string;
    const policy = (percent: string) => ({ adminFeePercent: percent, recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: '50' }] });
    const first = await ledger.http.put(`/parties/${id}/distribution-policy`).set('Idempotency-Key', 'policy-a').send(policy('10')).expect(200);
    await ledger.http.put(`/parties/${id}/distribution-policy`).send(policy('15')).expect(200);
    const count = await eventCount(ledger.store);
    const retry = await ledger.http.put(`/parties/${id}/distribution-policy`).set('Idempotency-Key', 'policy-a').send(policy('10')).expect(200);
    expect([retry.headers['idempotent-replayed'], retry.body]).toEqual(['true', first.body]);
    await ledger.http.put(`/parties/${id}/distribution-policy`).set('Idempotency-Key', 'policy-a').send(policy('20')).expect(422);
    expect(await eventCount(ledger.store)).toBe(count);
    const docs = (await ledger.http.get('/docs-json').expect(200)).body as { paths: Record<string, { put?: { parameters?: { name: string }[] } }> };
    expect(docs.paths['/parties/{id}/distribution-policy'].put?.parameters?.map((p) => p.name)).toContain('Idempotency-Key');
  });

  it('takes a request sent with no body as the same request sent with {}', async () => {
    // A year's close takes either: under one key, the second was 422 "another request".
    const { license } = await registerWorkedExample(ledger, 'CN2024100099.X');
    const close = () => ledger.http.post(`/licenses/${license}/royalty-years/2025/close`).set('Idempotency-Key', 'close-2025');
    const first = await close().expect(200);
    const again = await close().send({}).expect(200);
    expect([again.headers['idempotent-replayed'], again.body]).toEqual(['true', first.body]);
    // A key claimed with no body before, which hashed it as null, is still the same request.
    const store = ledger.app.get(IdempotencyStore);
    const url = `/licenses/${license}/royalty-years/2024/close`;
    const before = createHash('sha256').update(`POST ${url}\nnull`).digest('hex');
    expect((await store.claim('bootstrap-admin close-2024', before, new Date())).kind).toBe('claimed');
    await store.complete('bootstrap-admin close-2024', 200, JSON.stringify({ year: 2024 }));
    const retried = await ledger.http.post(url).set('Idempotency-Key', 'close-2024').expect(200);
    expect([retried.headers['idempotent-replayed'], retried.body]).toEqual(['true', { year: 2024 }]);
  });

  it('runs 20 concurrent requests with one key once: one set of events, one answer', async () => {
    // Parties registered, not every event: the process manager may still be allocating an earlier test's close (CI: 2 more).
    const parties = async () => (await ledger.store.readAll()).filter((e) => e.type === 'PartyRegistered').length;
    const count = await parties();
    const responses = await Promise.all(Array.from({ length: 20 }, () =>
      ledger.http.post('/parties').set('Idempotency-Key', 'burst-1').send({ name: 'Dr Lin', kind: 'person' })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await parties()).toBe(count + 1);
  });

  it('does not store failures: a refused request can be retried with the same key', async () => {
    await ledger.http.post('/parties').set('Idempotency-Key', 'fix-me').send({ name: '', kind: 'person' }).expect(400);
    await ledger.http.post('/parties').set('Idempotency-Key', 'fix-me').send({ name: 'Dr Chen', kind: 'person' }).expect(201);
  });

  it('scopes keys per caller and forgets them after 24 hours', async () => {
    const store = ledger.app.get(IdempotencyStore);
    const now = new Date('2026-01-01T00:00:00Z');
    expect(await store.claim('caller k', 'h1', now)).toEqual({ kind: 'claimed' });
    await store.complete('caller k', 201, '{"id":"x"}');
    expect(await store.claim('caller k', 'h1', new Date('2026-01-01T23:59:00Z'))).toMatchObject({ kind: 'replay' });
    expect(await store.claim('caller k', 'h2', new Date('2026-01-02T00:00:01Z'))).toEqual({ kind: 'claimed' });
  });

  it('never keeps an API key\'s token for a replay: the replay answers without it', async () => {
    const { body: holder } = await ledger.http.post('/parties').send({ name: 'Brightpath Medical', kind: 'company' }).expect(201);
    const request = () => ledger.http.post('/api-keys').set('Idempotency-Key', 'issue-1').send({ partyId: holder.id, role: 'licensee' }).expect(201);
    const first = await request();
    expect(first.body.token).toMatch(/^rlk_/);
    const count = await eventCount(ledger.store);
    const replay = await request();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const { token, ...rest } = first.body;
    expect(replay.body).toEqual(rest);
    expect(await eventCount(ledger.store)).toBe(count);
    const stored = await ledger.app.get<ReadModelDb>(READ_MODEL_DB).query<{ body: string | null }>('SELECT body FROM idempotency_keys');
    expect(stored.filter((row) => row.body?.includes(token))).toEqual([]); // before: the office could read live tokens there
  });

  it('settles a key its process left behind (killed mid-request) from the log: carried out, or free to run again', async () => {
    const db = ledger.app.get<ReadModelDb>(READ_MODEL_DB);
    const leftBehind = (key: string, requestId?: string) => db.execute(
      `UPDATE idempotency_keys SET status = NULL, body = NULL, owner = 'a-process-since-killed'${requestId ? `, request_id = '${requestId}'` : ''} WHERE key = $1`,
      [`bootstrap-admin ${key}`],
    );
    const send = (key: string) => ledger.http.post('/parties').set('Idempotency-Key', key).send({ name: 'Westbrook Institute', kind: 'university' });
    // Its events are in the log, its response was not stored: every retry says so, and appends nothing.
    const first = await send('killed-after-append').set('X-Request-Id', 'req-killed-1').expect(201);
    await leftBehind('killed-after-append');
    const count = await eventCount(ledger.store);
    for (let i = 0; i < 2; i++) {
      const lost = await send('killed-after-append').expect(409); // before: 409 "still running" after 30 s, for 24 hours
      expect(lost.body.detail).toContain(`its events are in the log up to position ${first.body.position}`);
    }
    expect(await eventCount(ledger.store)).toBe(count);
    // It appended nothing (killed before its append): the retry runs, once.
    await send('killed-before-append').expect(201);
    await leftBehind('killed-before-append', 'req-that-never-appended');
    const again = await send('killed-before-append').expect(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await eventCount(ledger.store)).toBe(count + 2);
    expect((await send('killed-before-append').expect(201)).headers['idempotent-replayed']).toBe('true');
  });

  it('leaves the key of a request that failed with the store out of reach to the log: committed unseen, its retry does not run it twice', async () => {
    // The append commits, and its answer is lost with the connection (or comes past EventStoreDB's deadline): 503.
    // Before, the key was released, and the retry with it registered the party a second time.
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const append = store.append.bind(store);
    const lostAnswer = jest.spyOn(store, 'append').mockImplementationOnce(async (stream, events, options) => {
      await append(stream, events, options);
      throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    });
    const send = (key: string, name: string) => ledger.http.post('/parties').set('Idempotency-Key', key).send({ name, kind: 'university' });
    const count = await eventCount(ledger.store);
    expect((await send('answer-lost', 'Lakeside University')).status).toBe(503);
    lostAnswer.mockRestore();
    const retry = await send('answer-lost', 'Lakeside University').expect(409);
    expect(retry.body).toMatchObject({ code: 'idempotency-key-outcome-lost' });
    expect(await eventCount(ledger.store)).toBe(count + 1);
    // Down before it appended anything: the retry runs, once.
    jest.spyOn(store, 'append').mockRejectedValueOnce(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect((await send('store-down', 'Hillside University')).status).toBe(503);
    await send('store-down', 'Hillside University').expect(201);
    expect(await eventCount(ledger.store)).toBe(count + 2);
  });

  it('settles a key whose release failed (the database dropped a moment) from the log: the retry runs, not 409 in flight', async () => {
    const restore = dropOnce(ledger.app.get<ReadModelDb>(READ_MODEL_DB), 'DELETE FROM idempotency_keys WHERE key = $1 AND status IS NULL');
    try {
      const send = () => ledger.http.post('/parties').set('Idempotency-Key', 'release-dropped').send({ name: '', kind: 'person' });
      await send().expect(400); // the request's own answer, whatever became of the release
      // Before: its placeholder was this process's, so it stayed "running": 409 idempotency-key-in-flight after 30 s, until a restart.
      await send().expect(400);
    } finally {
      restore();
    }
  });

  it("answers a request whose response could not be stored as it earned, and does not run it again: the retry is told it was carried out", async () => {
    const restore = dropOnce(ledger.app.get<ReadModelDb>(READ_MODEL_DB), 'UPDATE idempotency_keys SET status');
    const count = await eventCount(ledger.store);
    try {
      const send = () => ledger.http.post('/parties').set('Idempotency-Key', 'complete-dropped').send({ name: 'Harbour Institute', kind: 'university' });
      // Its events are committed: it earned its 201. Before: 503 "send the request again", which a client without
      // a key would follow, registering the party twice.
      const first = await send().expect(201);
      expect(first.body).toEqual({ id: expect.any(String), position: expect.any(String) });
      // Before: the failed completion was followed by a release, which went through: the retry registered the party again.
      const retry = await send().expect(409);
      expect(retry.body.code).toBe('idempotency-key-outcome-lost');
      expect(retry.body.detail).toContain(`its events are in the log up to position ${first.body.position}`);
      expect(await eventCount(ledger.store)).toBe(count + 1);
    } finally {
      restore();
    }
  });

  it('refuses a malformed Idempotency-Key', async () => {
    await ledger.http.post('/parties').set('Idempotency-Key', 'x'.repeat(201)).send({ name: 'A', kind: 'person' }).expect(400);
  });
});

describe('rate limiting and security headers', () => {
  let ledger: LedgerUnderTest;
  beforeAll(async () => { ledger = await startLedger('sqlite', { RATE_LIMIT_PER_MINUTE: '5' }); });
  afterAll(async () => { await ledger?.close(); });

  it('answers 429 with Retry-After past the per-token limit, counting each token separately', async () => {
    // One allowance for the token across routes: three requests to one, two to another, the sixth refused.
    for (let i = 0; i < 3; i++) await ledger.http.get('/parties/00000000-0000-4000-8000-000000000000').expect(404);
    for (let i = 0; i < 2; i++) await ledger.http.get('/patents/00000000-0000-4000-8000-000000000000').expect(404);
    const limited = await ledger.http.get('/parties/00000000-0000-4000-8000-000000000000').expect(429);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Before, 'ThrottlerException: Too Many Requests': a library's class name, no word of the limit.
    expect(limited.body.detail).toBe('more than 5 requests a minute from this API key (without a valid one, from this address): send again after Retry-After seconds');
    await ledger.as('some-other-token-abcdefgh').get('/parties/00000000-0000-4000-8000-000000000000').expect(401);
    await ledger.http.get('/health').expect(200);
    // A scraper is never limited, with or without a trailing slash (before, /metrics/ was counted and refused).
    for (const path of ['/metrics', '/metrics/', '/Metrics', '/health/', '/HEALTH']) await ledger.http.get(path).expect((res) => expect(res.status).not.toBe(429));
  });

  it('counts requests without a valid token by client address, however many made-up tokens they carry', async () => {
    // before: counted per token as sent, a fresh made-up token each time was never limited (20 × 401)
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await ledger.as(`guess-${i}-abcdefghijklmnop`).get('/parties/00000000-0000-4000-8000-000000000000')).status);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    // Writes too, before their body is read (a first version of reading bodies after authentication answered these 401, uncounted).
    const writes = await Promise.all([0, 1, 2].map((i) => ledger.as(`guess-w${i}-abcdefghijklmnop`).post('/parties').set('Content-Type', 'application/json').send('{"name": ')));
    expect(writes.map((res) => res.status)).toEqual([429, 429, 429]);
  });

  it('sends security headers and no CORS headers', async () => {
    const res = await ledger.http.get('/health').set('Origin', 'https://evil.example').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
