import { eventStoreContract } from '../contract/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * The shared contract against a real EventStoreDB, e.g.
 *   docker run -d -p 2113:2113 eventstore/eventstore:24.10 --insecure --run-projections=All
 *   ESDB_CONNECTION_STRING='esdb://localhost:2113?tls=false' npx jest --selectProjects unit libs/event-store/src/eventstoredb
 * Streams get unique names, so a server that keeps data between runs is fine.
 */
const connectionString = process.env.ESDB_CONNECTION_STRING;

if (!connectionString) {
  // stderr, not console: jest hides console output of a file whose tests are all skipped.
  process.stderr.write('[skip] ESDB_CONNECTION_STRING not set: EventStoreDB contract suite skipped (see README)\n');
}

(connectionString ? describe : describe.skip)('EventStoreDbEventStore against a live server', () => {
  eventStoreContract('eventstoredb', { open: async () => new EventStoreDbEventStore(connectionString!) });
});
