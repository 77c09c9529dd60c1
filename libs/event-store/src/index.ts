export * from './port';
export { SqliteEventStore } from './sqlite/sqlite-event-store';
export { WriteQueue, writeQueueFor } from './sqlite/write-queue';
export { WalCheckpointer } from './sqlite/wal-checkpointer';
export { PostgresEventStore } from './postgres/postgres-event-store';
export { surviveDroppedConnections } from './postgres/pool-errors';
export { failureInOneLine, isStoreUnavailable } from './store-unavailable';
export { EventStoreDbEventStore, EventStoreDbNotAnswering, decodePosition } from './eventstoredb/eventstoredb-event-store';
