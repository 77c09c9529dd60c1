import { Client, Pool } from 'pg';
import { TestDatabase, createTestDatabase, describePostgres } from '../testing/postgres-test-db';
import { PostgresEventStore } from './postgres-event-store';

describePostgres('a PostgreSQL connection the server drops', () => {
  let database: TestDatabase | undefined;
  beforeAll(async () => { database = await createTestDatabase('dropped_connection'); });
  afterAll(async () => { await database?.drop(); });

  it("fails the event store's work on it and leaves the process running; the store carries on with a new one", async () => {
    // Before, a checked-out connection's 'error' event had no listener: Node ended the process.
    const pool = new Pool({ connectionString: database!.url });
    const store = await new PostgresEventStore(pool).init();
    const admin = new Client({ connectionString: database!.url });
    await admin.connect();
    try {
      const client = await pool.connect(); // as the store's transactions check one out
      const { rows: [{ pid }] } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the 'error' event arrives while it is checked out
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      expect(await store.headPosition()).toBe(-1n);
    } finally {
      await admin.end();
      await store.close();
    }
  });
});
