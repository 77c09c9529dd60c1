import { AppendOptions, AppendResult, NewEvent } from './port';

/** An append waiting for its batch. */
export interface BatchedAppend {
  streamId: string;
  events: readonly NewEvent[];
  options: AppendOptions;
}

/** What became of one append of a batch: appended, or refused on its own (e.g. wrong revision). */
export type AppendOutcome = { result: AppendResult } | { error: unknown };

interface Waiting extends BatchedAppend {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit for SQL stores: appends asked for while a batch is being written (or during the same
 * turn of the event loop) go together in the next batch, one transaction with one commit, so
 * concurrent writers share its fsync. One batch is in flight at a time and appends keep the order in
 * which they were asked for. `commit` returns one outcome per append, in order; if it throws, nothing
 * of the batch was written and every append of it is refused with that error.
 */
export class GroupCommit {
  private pending: Waiting[] = [];
  private running = false;

  constructor(private readonly commit: (batch: readonly BatchedAppend[]) => Promise<AppendOutcome[]>) {}

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ streamId, events, options, resolve, reject });
      if (!this.running && this.pending.length === 1) setImmediate(() => void this.next());
    });
  }

  private async next(): Promise<void> {
    if (this.running || this.pending.length === 0) return;
    this.running = true;
    const batch = this.pending.splice(0);
    try {
      const outcomes = await this.commit(batch);
      batch.forEach((a, i) => {
        const outcome = outcomes[i];
        if ('result' in outcome) a.resolve(outcome.result);
        else a.reject(outcome.error);
      });
    } catch (error) {
      for (const a of batch) a.reject(error);
    } finally {
      this.running = false;
      void this.next(); // what arrived meanwhile goes at once
    }
  }
}
