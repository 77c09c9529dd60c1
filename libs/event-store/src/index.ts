export * from './port';
export { SqliteEventStore } from './sqlite/sqlite-event-store';
export { WriteQueue, writeQueueFor } from './sqlite/write-queue';
