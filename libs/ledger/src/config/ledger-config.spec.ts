import { InvalidConfiguration, validateLedgerConfig } from './ledger-config';

const TOKEN = 'a-long-enough-office-token-000';

describe('ledger configuration', () => {
  it('defaults to the embedded store on port 3000 in development, without an admin token', () => {
    expect(validateLedgerConfig({})).toMatchObject({ EVENT_STORE: 'sqlite', SQLITE_PATH: './data/ledger.sqlite', PORT: 3000, NODE_ENV: 'development', SHUTDOWN_TIMEOUT_MS: 25000, LEDGER_TIME_ZONE: 'UTC' });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535 (got "abc")'],
    [{ EVENT_STORE: 'mongo' }, 'EVENT_STORE must be one of the following values: sqlite, postgres, eventstoredb (got "mongo")'],
    [{ EVENT_STORE: 'postgres' }, 'DATABASE_URL must be a postgres:// URL'],
    [{ EVENT_STORE: 'eventstoredb', DATABASE_URL: 'postgres://x/y' }, 'ESDB_CONNECTION_STRING must be an esdb://'],
    [{ LEDGER_ADMIN_TOKEN: 'short' }, 'LEDGER_ADMIN_TOKEN must be at least 24 characters'],
    [{ SHUTDOWN_TIMEOUT_MS: '0' }, 'SHUTDOWN_TIMEOUT_MS must be an integer from 1000 to 600000 (got "0")'],
    [{ NODE_ENV: 'production' }, 'LEDGER_ADMIN_TOKEN (24+ characters) is required when NODE_ENV=production'],
    [{ LEDGER_TIME_ZONE: 'China/Beijing' }, 'LEDGER_TIME_ZONE must be an IANA time zone such as UTC or Asia/Shanghai (got "China/Beijing")'],
  ])('refuses %j with one line naming the variable', (env, message) => {
    const error = (() => { try { validateLedgerConfig(env); } catch (e) { return e as Error; } })();
    expect(error).toBeInstanceOf(InvalidConfiguration);
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('\n');
  });

  it('asks the operator CLI for no admin token in production (it authenticates no one), and still checks one given', () => {
    expect(validateLedgerConfig({ NODE_ENV: 'production' }, 'operator-cli')).toMatchObject({ NODE_ENV: 'production' });
    expect(() => validateLedgerConfig({ NODE_ENV: 'production', LEDGER_ADMIN_TOKEN: 'short' }, 'operator-cli')).toThrow('LEDGER_ADMIN_TOKEN must be at least 24 characters');
  });

  it('never shows the admin token, nor a password in a connection string, in the message it logs', () => {
    const message = (env: Record<string, string>) => { try { validateLedgerConfig(env); return ''; } catch (e) { return (e as Error).message; } };
    expect(message({ LEDGER_ADMIN_TOKEN: 'abcdefghijklmnopqrstuvw' })).toBe('Invalid configuration: LEDGER_ADMIN_TOKEN must be at least 24 characters (got 23 characters, not shown)');
    const mysql = message({ EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://u:pw-secret-99@h/x' });
    expect(mysql).toContain('DATABASE_URL must be a postgres:// URL');
    expect(mysql).toContain('(got "mysql://u:***@h/x")');
    const esdb = message({ EVENT_STORE: 'eventstoredb', DATABASE_URL: 'postgres://x/y', ESDB_CONNECTION_STRING: 'http://admin:changeit@es:2113' });
    expect(esdb).toContain('(got "http://admin:***@es:2113/")');
    expect(message({ EVENT_STORE: 'postgres', DATABASE_URL: 'u:pw-secret-99 at h' })).toContain('(got 19 characters, not shown: they may hold a password)');
    const inQuery = message({ EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://h/db?sslmode=require&password=pw-secret-99' });
    expect(inQuery).toContain('(got "mysql://h/db?sslmode=require&password=***")');
    for (const m of [mysql, esdb, inQuery]) expect(m).not.toMatch(/pw-secret-99|changeit/);
  });

  it('refuses an admin token no request could send: a trailing newline, a space, past 256 characters, not ASCII', () => {
    // Before, each started the service with an office token every request was refused with (401), and nothing said why.
    const message = (token: string) => { try { validateLedgerConfig({ LEDGER_ADMIN_TOKEN: token }); return ''; } catch (e) { return (e as Error).message; } };
    const bad = [`${TOKEN}\n`, 'an office token with spaces in it', 'x'.repeat(257), `${TOKEN}é`];
    expect(bad.map(message)).toEqual(bad.map((token) =>
      `Invalid configuration: LEDGER_ADMIN_TOKEN must be 24 to 256 visible ASCII characters, with no space or newline (a bearer token is sent as one) (got ${token.length} characters, not shown)`));
    expect(message('x'.repeat(256))).toBe('');
  });

  it('accepts a server configuration', () => {
    expect(validateLedgerConfig({
      NODE_ENV: 'production', LEDGER_ADMIN_TOKEN: TOKEN, EVENT_STORE: 'eventstoredb',
      ESDB_CONNECTION_STRING: 'esdb://eventstoredb:2113?tls=false', DATABASE_URL: 'postgres://ledger:ledger@postgres:5432/ledger',
    })).toMatchObject({ EVENT_STORE: 'eventstoredb' });
  });
});
