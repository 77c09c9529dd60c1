import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { OFFICE_TOKEN } from './tokens';

const CLI = join(__dirname, '..', '..', 'apps', 'ledger-cli', 'src', 'main.ts');

export function cli(env: Record<string, string>, ...args: string[]) {
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', CLI, ...args], {
    env: { ...process.env, LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 120000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** One query on its own connection. */
export async function onPostgres(url: string, sql: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
