import { MAX_BACKOFF_MS } from './retries';

interface Break { breaks: number; message: string }

/**
 * Consumers whose subscription broke (the store out of reach), each with how many times in a row. A
 * break is over once the store answers after the consumer resubscribed, or a page reaches it: before,
 * only a page cleared it, so a ledger with no new events kept /health down after one dropped connection
 * (and every resubscription waited 5 s, however short the outage).
 */
export class BrokenSubscriptions {
  private readonly broken = new Map<string, Break>();

  constructor(private readonly baseMs: number) {}

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

  /** The store answered after the resubscription: these breaks are over, unless the subscription broke again since. */
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
