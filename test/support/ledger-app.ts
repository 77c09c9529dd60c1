import { INestApplication } from '@nestjs/common';
import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, ProjectionRunner } from '@ledger/ledger';
import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../apps/ledger-api/src/bootstrap';

export type StoreKind = 'sqlite' | 'postgres';

import { OFFICE_TOKEN } from './tokens';

export { OFFICE_TOKEN };

type Http = Pick<ReturnType<typeof request>, 'get' | 'post' | 'put' | 'delete' | 'patch'>;

/** supertest with a bearer token on every request (none when token is undefined). */
export function client(target: Parameters<typeof request>[0], token?: string): Http {
  const agent = request(target);
  const authed = <M extends keyof Http>(method: M) => ((path: string) => {
    const test = agent[method](path);
    return token ? test.set('Authorization', `Bearer ${token}`) : test;
  }) as Http[M];
  return { get: authed('get'), post: authed('post'), put: authed('put'), delete: authed('delete'), patch: authed('patch') };
}

export interface LedgerUnderTest {
  app: INestApplication;
  /** As the office (the bootstrap admin token). */
  http: Http;
  /** As the holder of `token`, or anonymous. */
  as(token?: string): Http;
  store: EventStore;
  kind: StoreKind;
  /** Resolves once read models and process managers have taken in everything appended so far. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** The real HTTP app on a throw-away store: a temp SQLite file, or a fresh PostgreSQL database. */
export async function startLedger(kind: StoreKind, env: Record<string, string> = {}): Promise<LedgerUnderTest> {
  const cleanups: (() => Promise<void> | void)[] = [];
  let storeEnv: Record<string, string>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    storeEnv = { EVENT_STORE: 'sqlite', SQLITE_PATH: join(dir, 'ledger.sqlite') };
  } else {
    const db = await createTestDatabase('e2e');
    if (!db) throw new Error('PostgreSQL is unreachable');
    cleanups.push(() => db.drop());
    storeEnv = { EVENT_STORE: 'postgres', DATABASE_URL: db.url };
  }
  const app = await createApp({
    LOG_LEVEL: 'silent', NODE_ENV: 'test', MIN_POSITION_WAIT_MS: '1000', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, RATE_LIMIT_PER_MINUTE: '1000000', ...storeEnv, ...env,
  });
  await app.init();
  return {
    app,
    http: client(app.getHttpServer(), OFFICE_TOKEN),
    as: (token) => client(app.getHttpServer(), token),
    store: app.get<EventStore>(EVENT_STORE),
    kind,
    async settled() {
      const store = app.get<EventStore>(EVENT_STORE);
      if (!(await app.get(ProjectionRunner).waitFor(await store.headPosition(), 10_000))) throw new Error('consumers did not catch up');
    },
    async close() {
      await app.close();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

/** Runs one e2e suite on every store that must pass it: sqlite always, PostgreSQL per describePostgres. */
export function describeOnEveryStore(name: string, suite: (kind: StoreKind) => void): void {
  describe(`${name} [sqlite]`, () => suite('sqlite'));
  describePostgres(`${name} [postgres]`, () => suite('postgres'));
}

/** Every event in the store, for "the stream did not change" assertions. */
export async function eventCount(store: EventStore): Promise<number> {
  return (await store.readAll()).length;
}
