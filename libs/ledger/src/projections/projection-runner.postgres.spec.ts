import { PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { PostgresReadModelDb } from '../read-model/postgres-read-model-db';
import { projectionRunnerSuite } from './projection-runner.suite';

describePostgres('projection runner with PostgreSQL', () => {
  projectionRunnerSuite('postgres (events and read models in one database)', {
    async open() {
      const database = await createTestDatabase('runner');
      if (!database) throw new Error('PostgreSQL is unreachable');
      const opened: { close(): Promise<void> }[] = [];
      const connect = async () => {
        const store = await PostgresEventStore.open(database.url);
        const db = new PostgresReadModelDb(database.url);
        opened.push(store, db);
        return { store, db };
      };
      const first = await connect();
      return {
        ...first,
        reopen: async () => {
          await Promise.all(opened.splice(0).map((c) => c.close()));
          return connect();
        },
        cleanup: async () => {
          await Promise.all(opened.map((c) => c.close()));
          await database.drop();
        },
      };
    },
  });
});
