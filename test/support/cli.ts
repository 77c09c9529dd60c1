import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { OFFICE_TOKEN } from './tokens';

const CLI = join(__dirname, '..', '..', 'apps', 'ledger-cli', 'src', 'main.ts');

const spawning = (env: Record<string, string>) =>
  ({ env: { ...process.env, LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 120000 }) as const;

export function cli(env: Record<string, string>, ...args: string[]) {
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', CLI, ...args], spawning(env));
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** As cli(), run as another user by `runuser` (root only): undefined where it cannot be. */
export function cliAsUser(user: string, env: Record<string, string>, ...args: string[]) {
  if (process.getuid?.() !== 0) return undefined;
  const run = spawnSync('runuser', ['-u', user, '--', process.execPath, '-r', '@swc-node/register', CLI, ...args], spawning(env));
  return run.error ? undefined : { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * As cli(), without blocking this process (a server the test runs must answer meanwhile). `whenWritten`
 * is called with stderr so far as it grows, and the child to signal.
 */
export function cliInBackground(
  env: Record<string, string>, args: string[], whenWritten?: (stderr: string, child: ChildProcess) => void,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', CLI, ...args], { env: spawning(env).env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    whenWritten?.(stderr, child);
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/**
 * As cli(), with a terminal for its stdin, stdout and stderr: `script` (util-linux) runs it on a
 * pseudo-terminal and returns what it wrote there, escape sequences included. Undefined without `script`.
 */
export function cliOnTerminal(env: Record<string, string>, ...args: string[]) {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, '-r', '@swc-node/register', CLI, ...args].map(quote).join(' ');
  const run = spawnSync('script', ['-qfec', command, '/dev/null'], spawning(env));
  return run.error ? undefined : { status: run.status, terminal: run.stdout };
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
