import { PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { PostgresReadModelDb } from '../read-model/postgres-read-model-db';
import { projectionRunnerSuite } from './projection-runner.suite';

describePostgres('projection runner with PostgreSQL', () => {
  projectionRunnerSuite('postgres (events and read models in one database)', {
    async prepare() {
      const database = await createTestDatabase('runner');
      if (!database) throw new Error('PostgreSQL is unreachable');
      return {
        connect: async () => ({ store: await PostgresEventStore.open(database.url), db: new PostgresReadModelDb(database.url) }),
        remove: () => database.drop(),
      };
    },
  });
});
