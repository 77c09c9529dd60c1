import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite durability under SIGKILL', () => {
  it('keeps every append it acknowledged before the process was killed', async () => {
    const file = join(dir, 'crash.sqlite');
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '..', 'testing', 'sqlite-append-loop.ts'), file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      acknowledged.push(...lines);
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill at a moment that depends on progress, not on wall-clock speed: after some hundreds of appends.
    const target = 200 + Math.floor(Math.random() * 300);
    while (acknowledged.length < target) {
      if (child.exitCode !== null) throw new Error('append loop died on its own');
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await exited;

    const store = new SqliteEventStore(file);
    const ids = new Set((await store.readAll()).map((e) => e.id));
    await store.close();
    const lost = acknowledged.filter((id) => !ids.has(id));
    expect(acknowledged.length).toBeGreaterThanOrEqual(target);
    expect(lost).toEqual([]);
  }, 60000);
});
