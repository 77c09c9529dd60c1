import { createTestDatabase, describePostgres, TestDatabase } from '@ledger/event-store/testing/postgres-test-db';
import { PostgresEventStore } from '@ledger/event-store';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliInBackground } from './support/cli';

/** ledger-cli against database servers that refuse or do not answer: one line naming the server, exit 1. */
describePostgres('ledger-cli: database servers it cannot reach', () => {
  let readModels: TestDatabase;
  // Accepts connections and never answers, as a wrong port behind a proxy does (the kernel accepts
  // them even while spawnSync blocks this process).
  let silent: Server;
  const accepted = new Set<Socket>();
  let silentPort: number;
  beforeAll(async () => {
    readModels = (await createTestDatabase('cli_servers'))!;
    silent = createServer((socket) => accepted.add(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
    // Never read, a socket whose client has gone never sees its end: close() would wait on it for ever.
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
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
    // Forwards to PostgreSQL until the first page of the log has gone through, then drops everything, both ways, keeping the connections open.
    const sockets = new Set<Socket>();
    let answered = 0;
    const proxy = createServer((client) => {
      const server = connect(5432, '127.0.0.1');
      for (const socket of [client, server]) sockets.add(socket.on('error', () => undefined));
      client.on('data', (chunk) => answered < 150_000 && server.write(chunk));
      server.on('data', (chunk) => {
        if (answered >= 150_000) return;
        answered += chunk.length;
        client.write(chunk);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = new URL(ledger.url);
    url.host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'cli-export-silent-'));
    try {
      const out = join(dir, 'events.ndjson');
      const exporting = await cliInBackground({ EVENT_STORE: 'postgres', DATABASE_URL: url.toString() }, ['export', '--out', out]);
      expect(answered).toBeGreaterThanOrEqual(150_000); // it went silent part-way through
      expect(exporting.status).toBe(1); // before: no answer, no end
      expect(exporting.stderr).toContain('ledger-cli: PostgreSQL at DATABASE_URL stopped answering: no page of the log within 10 s\n');
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir)).toEqual([]); // nor its partial file
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
      rmSync(dir, { recursive: true, force: true });
      await ledger.drop();
    }
  }, 120000);
});
