import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const API = join(__dirname, '..', 'apps', 'ledger-api', 'src', 'main.ts');

/** Starts the API as `npm start` does (its source, compiled on load), with LOG_LEVEL at info as in service. */
function start(env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', API], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', ...env }, encoding: 'utf8', timeout: 60000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('ledger-api that cannot start', () => {
  it('says why in one line, the admin token and a password never in it', () => {
    const token = start({ LEDGER_ADMIN_TOKEN: 'abcdefghijklmnopqrstuvw' });
    expect(token).toEqual({ status: 1, output: 'ledger-api failed to start: Invalid configuration: LEDGER_ADMIN_TOKEN must be at least 24 characters (got 23 characters, not shown)\n' });
    const url = start({ LEDGER_ADMIN_TOKEN: 'a-long-enough-office-token-000', EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://ledger:pw-secret-99@db/ledger' });
    expect(url.status).toBe(1);
    expect(url.output).toContain('(got "mysql://ledger:***@db/ledger")');
    expect(url.output).not.toContain('pw-secret-99');
  }, 120000);

  it('says a database refusing connections in one line: no console stack dump of Nest ahead of it', () => {
    // Port 9 (discard) has no PostgreSQL: refused at once. Before, Nest flushed its buffered logs to its own
    // coloured console logger, the error's stack and fields included, ahead of this line.
    const refused = start({ LEDGER_ADMIN_TOKEN: 'a-long-enough-office-token-000', EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://ledger:pw-secret-99@127.0.0.1:9/ledger' });
    expect(refused).toEqual({ status: 1, output: 'ledger-api failed to start: connect ECONNREFUSED 127.0.0.1:9\n' });
  }, 120000);
});
