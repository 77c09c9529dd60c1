import Database from 'better-sqlite3';
import { connect } from 'node:net';
import { failureInOneLine, isStoreUnavailable } from './store-unavailable';
import { join } from 'node:path';
import { useTempDir } from './testing/temp-files';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isStoreUnavailable', () => {
  it('recognises PostgreSQL refusing or dropping the session: class 08, shutdown, cannot connect now, database gone', () => {
    for (const code of ['08000', '08003', '08006', '08001', '08P01', '57P01', '57P02', '57P03', '3D000']) expect(isStoreUnavailable(withCode(code))).toBe(true);
  });

  it("recognises pg's own errors, which carry no code, and pg-pool's connect timeout by its cause too", () => {
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isStoreUnavailable(new Error('wrapped', { cause: new Error('Connection terminated due to connection timeout') }))).toBe(true);
  });

  it('recognises a refused connection as Node reports it, a single error or an AggregateError over addresses', async () => {
    const refused = await new Promise<unknown>((resolve) => connect({ port: 1, host: '127.0.0.1' }).on('error', resolve));
    expect(isStoreUnavailable(refused)).toBe(true);
    expect(isStoreUnavailable(Object.assign(new AggregateError([withCode('ECONNREFUSED')], ''), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStoreUnavailable(withCode('ECONNRESET'))).toBe(true);
  });

  describe('SQLite', () => {
    const dir = useTempDir('store-unavailable-');

    it('recognises SQLITE_BUSY: another connection held the write lock past busy_timeout', () => {
      const holder = new Database(join(dir(), 'busy.sqlite'));
      const other = new Database(join(dir(), 'busy.sqlite'));
      try {
        holder.exec('CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
        other.pragma('busy_timeout = 0');
        const busy = (() => { try { other.exec('INSERT INTO t VALUES (2)'); } catch (e) { return e; } })();
        expect((busy as { code?: string }).code).toBe('SQLITE_BUSY');
        expect(isStoreUnavailable(busy)).toBe(true);
      } finally {
        holder.close();
        other.close();
      }
    });
  });

  it("recognises EventStoreDB out of reach as its client says it: by type, and as the raw gRPC error of its feature query", async () => {
    // Before, only UnavailableError: an append while the server was down failed with the raw {code: 14} (a 500), and so
    // did a deadline, a timeout or a leader change.
    const { DeadlineExceededError, ErrorType, TimeoutError, UnavailableError } = await import('@eventstore/db-client');
    const raw = (code: number) => Object.assign(new Error(`${code} UNAVAILABLE: No connection established`), { code, details: 'No connection established', metadata: {} });
    const { EventStoreDbNotAnswering } = await import('./eventstoredb/eventstoredb-event-store');
    const recognised = [new UnavailableError(), new DeadlineExceededError(), new TimeoutError(), Object.assign(new Error('not leader'), { type: ErrorType.NOT_LEADER }), raw(14), raw(4), new EventStoreDbNotAnswering('no answer')];
    expect(recognised.map(isStoreUnavailable)).toEqual(recognised.map(() => true));
    const conflict = Object.assign(new Error('conflict'), { type: ErrorType.WRONG_EXPECTED_VERSION });
    expect([conflict, raw(3), Object.assign(new Error('x'), { code: 14 })].map(isStoreUnavailable)).toEqual([false, false, false]); // INVALID_ARGUMENT; a 14 that is no gRPC error
  });

  it('leaves everything else to be a 500: constraint violations, syntax errors, bugs', () => {
    for (const error of [withCode('23505'), withCode('42P01'), withCode('SQLITE_CONSTRAINT_UNIQUE'), new TypeError('x is undefined'), 'a string', null, undefined]) {
      expect(isStoreUnavailable(error)).toBe(false);
    }
  });
});

describe('failureInOneLine', () => {
  it('says a refusal of several addresses in one line: an AggregateError has no message of its own', () => {
    const refused = Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')], ''), { code: 'ECONNREFUSED' });
    // Before: "ledger-api failed to start: " and "ledger-cli: cannot connect to PostgreSQL at DATABASE_URL (localhost:9): ", nothing after them.
    expect(failureInOneLine(refused)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
    expect(failureInOneLine(new Error('Invalid configuration: PORT must be an integer'))).toBe('Invalid configuration: PORT must be an integer');
  });
});
