import { RecordedEvent } from '@ledger/event-store';

/**
 * Reacts to events by appending new ones (e.g. DistributionAllocated for every RoyaltyAssessed). It runs
 * outside any SQL transaction and its checkpoint is saved after the append, so after a crash it may see
 * an event again: `handle` must be idempotent (deterministic event ids, state that remembers sources).
 */
export interface ProcessManager {
  readonly name: string;
  readonly handles: ReadonlySet<string>;
  /** Returns the position of the last event it appended, if it appended any. */
  handle(event: RecordedEvent): Promise<bigint | undefined>;
}
