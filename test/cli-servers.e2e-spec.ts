import { createTestDatabase, describePostgres, TestDatabase } from '@ledger/event-store/testing/postgres-test-db';
import { AddressInfo, Server, createServer } from 'node:net';
import { cli } from './support/cli';

/** ledger-cli against database servers that refuse or do not answer: one line naming the server, exit 1. */
describePostgres('ledger-cli: database servers it cannot reach', () => {
  let readModels: TestDatabase;
  // Accepts connections and never answers, as a wrong port behind a proxy does (the kernel accepts
  // them even while spawnSync blocks this process).
  let silent: Server;
  let silentPort: number;
  beforeAll(async () => {
    readModels = (await createTestDatabase('cli_servers'))!;
    silent = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
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
});
