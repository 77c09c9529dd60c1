import { SqliteEventStore } from '@ledger/event-store';
import { sqliteReadModelPath } from '@ledger/ledger';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './support/cli';

const metadata = { actor: { id: 'office', role: 'office' }, correlationId: 'c', causationId: 'c', recordedAt: '2026-11-30T00:00:00.000Z' };

describe('ledger-cli export --out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-export-'));
  const ledger = join(dir, 'ledger.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const store = new SqliteEventStore(ledger);
    for (const n of [1, 2, 3]) {
      const data = { partyId: `${n}`, name: `Party ${n}`, kind: 'company' };
      await store.append(`party-${n}`, [{ id: `00000000-0000-4000-8000-00000000000${n}`, type: 'PartyRegistered', data, metadata }], { expectedRevision: 'no_stream' });
    }
    await store.close();
  });

  const events = async () => {
    const store = new SqliteEventStore(ledger);
    try {
      return (await store.readAll()).length;
    } finally {
      await store.close();
    }
  };

  it('never writes over a file: not the ledger given by mistake, not an earlier export', async () => {
    // Before: `export --out ledger.sqlite` truncated the event store it was reading and wrote NDJSON into
    // it ("database disk image is malformed", the ledger gone), and an earlier export was written over.
    for (const file of [ledger, sqliteReadModelPath(ledger)]) {
      const refused = cli({ SQLITE_PATH: ledger }, 'export', '--out', file);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toBe(`ledger-cli: ${file} already exists: export writes a new file, never over one; remove it or name another\n`);
    }
    expect(await events()).toBe(3);
    const earlier = join(dir, 'earlier.ndjson');
    writeFileSync(earlier, 'an earlier export\n');
    expect(cli({ SQLITE_PATH: ledger }, 'export', '--out', earlier).status).toBe(1);
    expect(readFileSync(earlier, 'utf8')).toBe('an earlier export\n');
    expect(cli({ SQLITE_PATH: ledger }, 'verify')).toMatchObject({ status: 0 });

    const fresh = join(dir, 'fresh.ndjson');
    const exported = cli({ SQLITE_PATH: ledger }, 'export', '--out', fresh);
    expect(exported).toMatchObject({ status: 0, stderr: 'exported 3 events\n' });
    expect(readFileSync(fresh, 'utf8').trim().split('\n')).toHaveLength(4);
  }, 120000);

  it('removes what an export killed outright (SIGKILL) left beside its path, on the next export there', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout; // a process that has ended
    const out = join(dir, 'after-kill.ndjson');
    writeFileSync(join(dir, `.after-kill.ndjson.${hostname()}.${gone}.partial`), '{"half":');
    const exported = cli({ SQLITE_PATH: ledger }, 'export', '--out', out);
    expect(exported).toMatchObject({ status: 0, stderr: `removed .after-kill.ndjson.${hostname()}.${gone}.partial, left by an export that was killed\nexported 3 events\n` });
    expect(readdirSync(dir).filter((name) => name.includes('after-kill'))).toEqual(['after-kill.ndjson']);
  }, 120000);
});
