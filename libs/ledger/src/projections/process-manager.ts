import { RecordedEvent } from '@ledger/event-store';

/**
 * Reacts to events by appending new ones (e.g. DistributionAllocated for every RoyaltyAssessed). It
 * gets the events it handles a page at a time, in log order, and runs outside any SQL transaction; its
 * checkpoint is saved after the appends, so after a crash or a failed page it may see events again:
 * `handle` must be idempotent (deterministic event ids, state that remembers sources).
 */
export interface ProcessManager {
  readonly name: string;
  readonly handles: ReadonlySet<string>;
  /** Returns the highest position it appended at, if it appended anything. */
  handle(events: readonly RecordedEvent[]): Promise<bigint | undefined>;
}
