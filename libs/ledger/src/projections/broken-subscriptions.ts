import { EventStore, Subscription } from '@ledger/event-store';
import { MAX_BACKOFF_MS, RunnerLogger } from './retries';

interface Break { breaks: number; message: string }

/**
 * Consumers whose subscription broke (the store out of reach), each with how many times in a row. A
 * break is over once the resubscription has gone a while without breaking and the store answers, or a
 * page reaches the consumer: before, only a page cleared it, so a ledger with no new events kept /health
 * down after one dropped connection (and every resubscription waited 5 s, however short the outage).
 */
export class BrokenSubscriptions {
  private readonly broken = new Map<string, Break>();

  constructor(
    private readonly store: Pick<EventStore, 'headPosition'>,
    private readonly logger: RunnerLogger,
    private readonly baseMs: number,
    private readonly stopping: () => boolean,
  ) {}

  /**
   * A subscription that breaks (store unreachable) is re-established from the last position reached,
   * once what it had already read is applied (`buffer`: its page may still be retrying), so no two
   * pipelines ever hold the same events and positions only move forward. `current` says whether it is
   * still the consumers' subscription.
   */
  watch(subscription: Subscription, names: readonly string[], buffer: { idle(): Promise<void> }, current: () => boolean, resubscribe: () => void): void {
    subscription.done.catch((error: Error) => {
      if (this.stopping() || !current()) return;
      const { delayMs, marks } = this.broke(names, error.message);
      this.logger.warn(`${names.join(', ')} lost the subscription; resubscribing`, { error: error.message, delay: delayMs });
      setTimeout(() => {
        void buffer.idle().then(() => {
          if (this.stopping() || !current()) return;
          resubscribe();
          // A subscription gives no sign that it reads again: it is taken to once it has gone a while
          // without breaking (10 retry bases, 1 s by default) and the store answers. Until then it counts
          // as broken, so the breaks of one that keeps breaking add up (backoff, /health).
          setTimeout(() => void this.store.headPosition().then(() => this.recovered(marks), () => undefined), this.baseMs * 10).unref();
        });
      }, delayMs).unref();
    });
  }

  /**
   * Records a break of these consumers' subscription; answers how long to wait before resubscribing
   * (doubling with each break in a row, from the retry base up to MAX_BACKOFF_MS), and what `recovered`
   * is to clear.
   */
  broke(names: readonly string[], message: string): { delayMs: number; marks: Map<string, Break> } {
    const marks = new Map(names.map((name) => [name, { breaks: (this.broken.get(name)?.breaks ?? 0) + 1, message }]));
    for (const [name, mark] of marks) this.broken.set(name, mark);
    const breaks = Math.max(...[...marks.values()].map((m) => m.breaks));
    return { delayMs: Math.min(this.baseMs * 2 ** (breaks - 1), MAX_BACKOFF_MS), marks };
  }

  /** The resubscription held and the store answered: these breaks are over, unless the subscription broke again since. */
  recovered(marks: Map<string, Break>): void {
    for (const [name, mark] of marks) if (this.broken.get(name) === mark) this.broken.delete(name);
  }

  /** A page reached the consumer: its subscription works. */
  cleared(name: string): void {
    this.broken.delete(name);
  }

  names(): string[] {
    return [...this.broken.keys()];
  }

  /** Each broken consumer with its breaks in a row. */
  breaks(): Map<string, number> {
    return new Map([...this.broken].map(([name, b]) => [name, b.breaks]));
  }
}
