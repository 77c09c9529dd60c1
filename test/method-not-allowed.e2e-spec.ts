import request from 'supertest';
import { eventCount, LedgerUnderTest, OFFICE_TOKEN, startLedger } from './support/ledger-app';

// Routing alone, no store behind it: SQLite is enough.
describe('a method the path does not take: 405 with Allow (RFC 9110 §15.5.6)', () => {
  let ledger: LedgerUnderTest;
  let party: string;
  const madeUp = '00000000-0000-4000-8000-000000000000';
  const raw = () => request(ledger.app.getHttpServer());
  beforeAll(async () => {
    ledger = await startLedger('sqlite');
    party = (await ledger.http.post('/parties').send({ name: 'Eastlake University', kind: 'university' }).expect(201)).body.id;
  });
  afterAll(async () => { await ledger?.close(); });

  const expect405 = (res: request.Response, method: string, allow: string) => {
    expect({ status: res.status, allow: res.headers.allow }).toEqual({ status: 405, allow });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'about:blank', title: 'Method Not Allowed', status: 405,
      detail: `${method} is not a method of this path: it takes ${allow}`, instance: new URL(res.request.url).pathname,
    });
  };

  it('answers a method an existing path does not take with 405, the methods it takes, and appends nothing', async () => {
    const before = await eventCount(ledger.store);
    expect405(await ledger.http.patch(`/parties/${party}`).send({ name: 'Westlake' }), 'PATCH', 'GET, HEAD');
    expect405(await ledger.http.delete(`/licenses/${madeUp}`), 'DELETE', 'GET, HEAD');
    expect405(await ledger.http.put('/patents').send({ title: 'x' }), 'PUT', 'POST');
    expect405(await ledger.http.get(`/parties/${party}/payouts`), 'GET', 'POST');
    expect405(await ledger.http.post(`/parties/${party}/distribution-policy`).set('Idempotency-Key', 'k-405').send({}), 'POST', 'PUT');
    expect405(await ledger.http.delete('/parties'), 'DELETE', 'POST');
    expect405(await ledger.http.get(`/licenses/${madeUp}/sales-reports/${madeUp}/restatements`), 'GET', 'POST');
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it('matches paths as the router does: any id, letter case, a trailing slash; and the API docs are routes too', async () => {
    expect405(await ledger.http.patch(`/Parties/${madeUp}/`), 'PATCH', 'GET, HEAD');
    expect405(await ledger.http.patch(`/parties/not-a-uuid`), 'PATCH', 'GET, HEAD');
    expect405(await ledger.http.post('/docs-json'), 'POST', 'GET, HEAD');
  });

  it('keeps 404 for unknown paths, with no Allow', async () => {
    for (const res of [
      await ledger.http.get('/no/such/path'),
      await ledger.http.patch('/no/such/path'),
      await ledger.http.get(`/parties/${party}/nothing`),
      await ledger.http.delete(`/licenses/${madeUp}/events/more`),
    ]) {
      expect({ status: res.status, allow: res.headers.allow }).toEqual({ status: 404, allow: undefined });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('asks no token, as the 404 of an unknown path does not, and tells the same whether the resource exists or not', async () => {
    await ledger.as().get('/no/such/path').expect(404);
    expect405(await ledger.as().patch(`/parties/${party}`), 'PATCH', 'GET, HEAD');
    expect405(await ledger.as().patch(`/parties/${madeUp}`), 'PATCH', 'GET, HEAD');
    await ledger.as().get(`/parties/${party}`).expect(401); // the method it takes still needs one
  });

  it('answers HEAD on a GET route as Express does, and HEAD or OPTIONS elsewhere by the same rule', async () => {
    await raw().head('/health').expect(200);
    await ledger.http.get(`/parties/${party}?minPosition=0`).expect(200);
    await raw().head(`/parties/${party}`).set('Authorization', `Bearer ${OFFICE_TOKEN}`).expect(200);
    const onPost = await raw().head('/patents');
    expect({ status: onPost.status, allow: onPost.headers.allow }).toEqual({ status: 405, allow: 'POST' });
    // No OPTIONS handler: before, 404 as if the path did not exist; the API answers no CORS preflight.
    expect405(await raw().options('/parties'), 'OPTIONS', 'POST');
    await raw().options('/no/such/path').expect(404);
  });

  it('counts a 405 as every answer no route gave: route="unmatched"', async () => {
    await ledger.http.patch(`/equity-deals/${madeUp}`).expect(405);
    const res = await ledger.as().get('/metrics').expect(200);
    expect(res.text).toMatch(/ledger_http_request_duration_seconds_count\{method="PATCH",route="unmatched",status="405"\} \d+\n/);
    expect(res.text).not.toMatch(new RegExp(madeUp));
  });
});
