import { createTestDatabase, describePostgres, TestDatabase } from '@ledger/event-store/testing/postgres-test-db';
import { PostgresEventStore } from '@ledger/event-store';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { partitionableProxy } from '@ledger/event-store/testing/partitionable-proxy';
import { silentServer } from '@ledger/event-store/testing/silent-server';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliInBackground } from './support/cli';

/** ledger-cli against database servers that refuse or do not answer: one line naming the server, exit 1. */
describePostgres('ledger-cli: database servers it cannot reach', () => {
  let readModels: TestDatabase;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let silentPort: number;
  beforeAll(async () => {
    readModels = (await createTestDatabase('cli_servers'))!;
    silent = await silentServer();
    silentPort = silent.port;
  });
  afterAll(async () => {
    await silent.close();
    await readModels.drop();
  });

  const onEventStoreDb = (connectionString: string) => ({ EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: connectionString, DATABASE_URL: readModels.url });

  it('says why EventStoreDB cannot be reached, in one line', () => {
    for (const command of [['export'], ['verify'], ['import', __filename]]) {
      const refused = cli(onEventStoreDb('esdb://127.0.0.1:1?tls=false'), ...command);
      expect(refused.status).toBe(1);
      // before: "ledger-cli: error.code?.startsWith is not a function" (a gRPC error's code is a number)
      expect(refused.stderr).toMatch(/^ledger-cli: [^\n]*ECONNREFUSED 127\.0\.0\.1:1[^\n]*\n$/);
    }
  }, 120000);

  it('gives up on a server that accepts connections and never answers, naming it, within 10 s', () => {
    const importing = cli({ EVENT_STORE: 'postgres', DATABASE_URL: `postgres://postgres@127.0.0.1:${silentPort}/ledger` }, 'import', __filename);
    expect(importing.status).toBe(1); // before: no answer, no end (null here: killed after 120 s)
    expect(importing.stderr).toBe(`ledger-cli: PostgreSQL at DATABASE_URL (127.0.0.1:${silentPort}) did not answer within 10 s\n`);
    const exporting = cli(onEventStoreDb(`esdb://127.0.0.1:${silentPort}?tls=false`), 'export');
    expect(exporting.status).toBe(1); // before: waited for ever too (EventStoreDB's reads of $all have no deadline)
    expect(exporting.stderr).toBe(`ledger-cli: EventStoreDB at ESDB_CONNECTION_STRING (127.0.0.1:${silentPort}) did not answer within 10 s\n`);
  }, 300000);

  it('gives up on a PostgreSQL that stops answering part-way through an export, leaving nothing at --out', async () => {
    const ledger = (await createTestDatabase('cli_export_silent'))!;
    const store = await PostgresEventStore.open(ledger.url);
    const metadata = { actor: { id: 'office', role: 'office' }, correlationId: 'c', causationId: 'c', recordedAt: '2026-12-02T00:00:00.000Z' };
    for (let batch = 0; batch < 5; batch++) { // 2,500 events: three pages of the log
      await store.append(`party-${batch}`, Array.from({ length: 500 }, (_, i) => ({
        id: `00000000-0000-4000-8000-${String(batch * 500 + i).padStart(12, '0')}`, type: 'PartyRegistered', data: { partyId: `${batch}-${i}`, name: 'P', kind: 'company' }, metadata,
      })), { expectedRevision: 'no_stream' });
    }
    await store.close();
    // Passes to PostgreSQL until the first page of the log has gone through, then nothing, both ways, keeping the connections open.
    const proxy = await partitionableProxy(new URL(ledger.url));
    proxy.partitionAfter(150_000);
    const dir = mkdtempSync(join(tmpdir(), 'cli-export-silent-'));
    try {
      const out = join(dir, 'events.ndjson');
      let saidAt: number | undefined;
      const exporting = await cliInBackground({ EVENT_STORE: 'postgres', DATABASE_URL: proxy.url(ledger.url) }, ['export', '--out', out],
        (stderr) => void (stderr.includes('stopped answering') && (saidAt ??= Date.now())));
      expect(proxy.answered()).toBeGreaterThanOrEqual(150_000); // it went silent part-way through
      expect(exporting.status).toBe(1); // before: no answer, no end
      expect(exporting.stderr).toContain('ledger-cli: PostgreSQL at DATABASE_URL stopped answering: no page of the log within 10 s\n');
      // Said when it gave up, not once its stores had closed: that waited 10 s more on the silent connection (QA: said after 20 s).
      expect(saidAt! - proxy.partedAt()!).toBeLessThan(15_000);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir)).toEqual([]); // nor its partial file
    } finally {
      proxy.close();
      rmSync(dir, { recursive: true, force: true });
      await ledger.drop();
    }
  }, 120000);
});
