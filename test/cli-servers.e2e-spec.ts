import { createTestDatabase, describePostgres, TestDatabase } from '@ledger/event-store/testing/postgres-test-db';
import { cli } from './support/cli';

/** ledger-cli against database servers that refuse or do not answer: one line naming the server, exit 1. */
describePostgres('ledger-cli: database servers it cannot reach', () => {
  let readModels: TestDatabase;
  beforeAll(async () => {
    readModels = (await createTestDatabase('cli_servers'))!;
  });
  afterAll(() => readModels.drop());

  const onEventStoreDb = (connectionString: string) => ({ EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: connectionString, DATABASE_URL: readModels.url });

  it('says why EventStoreDB cannot be reached, in one line', () => {
    for (const command of [['export'], ['verify'], ['import', __filename]]) {
      const refused = cli(onEventStoreDb('esdb://127.0.0.1:1?tls=false'), ...command);
      expect(refused.status).toBe(1);
      // before: "ledger-cli: error.code?.startsWith is not a function" (a gRPC error's code is a number)
      expect(refused.stderr).toMatch(/^ledger-cli: [^\n]*ECONNREFUSED 127\.0\.0\.1:1[^\n]*\n$/);
    }
  }, 120000);
});
