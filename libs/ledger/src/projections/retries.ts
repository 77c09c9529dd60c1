import { RecordedEvent } from '@ledger/event-store';

export interface RunnerLogger {
  warn(message: string, context?: Record<string, unknown>): void;
}

export const MAX_BACKOFF_MS = 5000;

/**
 * What an attempt was working on when it failed: which consumer (or, at a commit, which ones), which
 * event; and every consumer the failure holds (a page's transaction holds each projection it writes).
 */
export interface Attempt { name: string; event: RecordedEvent; holds?: readonly string[] }

/**
 * Work retried with exponential backoff until it succeeds, so an event is never skipped; it gives up
 * only when the runner stops. What is failing now is kept, one line per retry loop, for /health.
 */
export class Retries {
  private readonly loops = new Map<object, { holds: readonly string[]; attempts: number; line: string }>();

  constructor(
    private readonly logger: RunnerLogger,
    private readonly baseMs: number,
    private readonly stopping: () => boolean,
  ) {}

  /** Each as "projection X failed on Type@position (attempt n): why". */
  failing(): string[] {
    return [...this.loops.values()].map((loop) => loop.line);
  }

  /** Each consumer failing now, with how many attempts its longest retry loop has failed. */
  failedAttempts(): Map<string, number> {
    const attempts = new Map<string, number>();
    for (const { holds, attempts: n } of this.loops.values()) for (const name of holds) attempts.set(name, Math.max(n, attempts.get(name) ?? 0));
    return attempts;
  }

  async run(failedOn: () => Attempt, work: () => Promise<void>): Promise<void> {
    const loop = {};
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await work();
        } catch (error) {
          if (this.stopping()) throw error;
          const delay = Math.min(this.baseMs * 2 ** attempt, MAX_BACKOFF_MS);
          const { name, event: { type, position }, holds = [name] } = failedOn();
          const message = (error as Error).message;
          this.loops.set(loop, { holds, attempts: attempt + 1, line: `projection ${name} failed on ${type}@${position} (attempt ${attempt + 1}): ${message}` });
          this.logger.warn(`projection ${name} failed on ${type}@${position}; retrying`, { error: message, attempt, delay });
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    } finally {
      this.loops.delete(loop);
    }
  }
}
