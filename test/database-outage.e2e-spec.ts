import { INestApplication } from '@nestjs/common';
import { partitionableProxy } from '@ledger/event-store/testing/partitionable-proxy';
import { TestDatabase, createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { createApp } from '../apps/ledger-api/src/bootstrap';
import { client } from './support/ledger-app';
import { OFFICE_TOKEN } from './support/tokens';

/** The API on PostgreSQL behind a proxy that can be cut (the server gone) or partitioned (a blackholed link). */
describePostgres('the API while PostgreSQL is out of reach', () => {
  let database: TestDatabase | undefined;
  let proxy: Awaited<ReturnType<typeof partitionableProxy>> | undefined;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    database = await createTestDatabase('outage');
    proxy = await partitionableProxy(new URL(database!.url));
    app = await createApp({
      LOG_LEVEL: 'silent', NODE_ENV: 'test', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, EVENT_STORE: 'postgres', DATABASE_URL: proxy.url(database!.url), HEALTH_TIMEOUT_MS: '500',
    });
    await app.init();
  });

  afterEach(async () => {
    proxy?.close(); // its sockets go: nothing waits on the partitioned link
    await app?.close();
    await database?.drop();
  });

  it('answers 503 problem+json with Retry-After while the server is gone (connections reset, new ones refused)', async () => {
    const http = client(app!.getHttpServer(), OFFICE_TOKEN);
    const { body: party } = await http.post('/parties').send({ name: 'Eastlake University', kind: 'university' }).expect(201);
    proxy!.close();
    for (const res of [await http.get(`/parties/${party.id}`), await http.post('/parties').send({ name: 'Westlake', kind: 'university' })]) {
      expect(res.status).toBe(503); // before: 500 "an unexpected error occurred", with a stack trace logged per request
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toMatchObject({ type: 'urn:problem:store-unavailable', title: 'Database unavailable', status: 503 });
      expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONN/);
    }
  });

  it('answers /health 503 within HEALTH_TIMEOUT_MS while the link is blackholed, naming the checks down', async () => {
    const http = client(app!.getHttpServer());
    await http.get('/health').expect(200);
    proxy!.partition(); // before: /health hung for as long as TCP waits
    const started = Date.now();
    const [first, second] = await Promise.all([http.get('/health'), http.get('/health')]);
    expect(Date.now() - started).toBeLessThan(8000); // a blackholed link never answers: the margin is for a slow machine
    for (const res of [first, second]) {
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.error).toMatchObject({
        eventStore: { status: 'down', message: 'no answer within 500 ms (HEALTH_TIMEOUT_MS)' },
        readModels: { status: 'down', message: 'no answer within 500 ms (HEALTH_TIMEOUT_MS)' },
      });
    }
  });
});
