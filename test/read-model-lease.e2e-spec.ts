import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { LEASE_HOLDERS_SQL, ProjectionRunner } from '@ledger/ledger';
import { ConfigService } from '@nestjs/config';
import { createApp } from '../apps/ledger-api/src/bootstrap';
import { cli, onPostgres } from './support/cli';
import { startLedger } from './support/ledger-app';
import { OFFICE_TOKEN } from './support/tokens';
import { post } from './support/worked-example';

/**
 * One process at a time projects a store's read models (the lease, libs/ledger/src/read-model): on
 * PostgreSQL, where two APIs can reach the same database. The SQLite side, with the operator's
 * commands refused beside a running API, is in cli.e2e-spec.ts.
 */
describe('the read models\' lease between processes', () => {
  describePostgres('on PostgreSQL', () => it('refuses verify and a second API while an API runs on the same read models, and stops projecting if it loses them', async () => {
    const api = await startLedger('postgres');
    const url = api.app.get(ConfigService).get<string>('DATABASE_URL')!;
    const inUse = /the read models in database ledger_test_e2e_\w+, schema public are in use by ledger-api \(pid \d+ on [^)]+\), since [\d-]+T[\d:.]+Z/;
    try {
      const refused = cli({ EVENT_STORE: 'postgres', DATABASE_URL: url }, 'verify');
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(inUse);
      const second = await createApp({ LOG_LEVEL: 'silent', NODE_ENV: 'test', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, EVENT_STORE: 'postgres', DATABASE_URL: url });
      await expect(second.init()).rejects.toThrow(inUse);
      await second.close();

      // The lease's session ended by the server: the API stops projecting and says so; another may take over.
      await onPostgres(url, `SELECT pg_terminate_backend(pid) FROM (${LEASE_HOLDERS_SQL}) AS holders`);
      let health = await api.http.get('/health');
      for (let i = 0; i < 100 && health.status === 200; i++) health = await new Promise((r) => setTimeout(r, 50)).then(() => api.http.get('/health'));
      expect(health.status).toBe(503);
      expect(health.body.error.readModels.message).toMatch(/lease ended: another process may now project them; restart this one/);
      const projected = api.app.get(ProjectionRunner).position();
      await post(api, '/parties', { name: 'After the lease', kind: 'company' });
      await new Promise((r) => setTimeout(r, 300));
      expect(api.app.get(ProjectionRunner).position()).toBe(projected);
      expect(cli({ EVENT_STORE: 'postgres', DATABASE_URL: url }, 'verify')).toMatchObject({ status: 0 });
      // verify took the lease over (a new generation): this API's read-model writes are fenced out, so a
      // request keeping an Idempotency-Key is told why, by a 503 naming the lease. Before: 500 and a stack trace.
      const keyed = await api.http.post('/parties').set('Idempotency-Key', 'after-takeover').send({ name: 'Fenced', kind: 'company' }).expect(503);
      expect(keyed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(keyed.body).toMatchObject({ type: 'urn:problem:read-models-lease-lost', detail: expect.stringContaining("another process holds the read models' lease now") });
      expect(keyed.body.detail).toMatch(/restart this one$/);
    } finally {
      await api.close();
    }
  }, 120000));

  describePostgres('on a new PostgreSQL database', () => it('starts one of two APIs started at once, and refuses the other by name', async () => {
    const database = (await createTestDatabase('twins'))!;
    const env = { LOG_LEVEL: 'silent', NODE_ENV: 'test', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, EVENT_STORE: 'postgres', DATABASE_URL: database.url };
    const apps = await Promise.all([createApp(env), createApp(env)]);
    try {
      // Both create the tables of a new database at the same moment before either asks for the lease.
      const started = await Promise.all(apps.map((app) => app.init().then(() => 'started', (e: Error) => e.message)));
      expect(started.sort()).toEqual(['started', expect.stringMatching(/^the read models in .* are in use by ledger-api \(pid \d+/)]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await database.drop();
    }
  }, 60000));
});
