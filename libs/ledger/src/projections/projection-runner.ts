import { EventStore, RecordedEvent, Subscription } from '@ledger/event-store';
import { ReadModelDb } from '../read-model/read-model-db';
import { CHECKPOINT_SCHEMA, deleteCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoints';
import { ProcessManager } from './process-manager';
import { Projection } from './projection';

export interface RunnerLogger {
  warn(message: string, context?: Record<string, unknown>): void;
}

/** A read model, written in one transaction with its checkpoint, or a process manager. */
export type Consumer = Projection | ProcessManager;
const isProjection = (c: Consumer): c is Projection => 'apply' in c;

interface Running {
  projection: Consumer;
  /** Last position this projection has taken into account (handled or skipped). */
  position: bigint;
  subscription?: Subscription;
}

const MAX_BACKOFF_MS = 5000;

/**
 * Feeds projections from the store's global subscription. Each handled event and the checkpoint are
 * written in one transaction; a failing handler is retried with backoff on the same event, so an event
 * is never skipped. Positions live in memory for `?minPosition=` waits.
 */
export class ProjectionRunner {
  private readonly running = new Map<string, Running>();
  private readonly waiters = new Set<() => void>();
  private readonly failures = new Map<string, string>();
  private stopping = false;
  /** Highest position appended by a process manager: reads wait for read models to reach it too. */
  private produced = -1n;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    private readonly projections: readonly Consumer[],
    private readonly logger: RunnerLogger = { warn: () => undefined },
    private readonly retryBaseMs = 100,
  ) {}

  /** Starts every consumer, or only the projections (operator tools must not append events). */
  async start(scope: 'all' | 'projections' = 'all'): Promise<void> {
    await this.db.execute(CHECKPOINT_SCHEMA);
    for (const projection of this.projections) {
      if (scope === 'projections' && !isProjection(projection)) continue;
      if (isProjection(projection)) for (const ddl of projection.schema) await this.db.execute(ddl);
      const checkpoint = await loadCheckpoint(this.db, projection.name);
      const entry: Running = { projection, position: checkpoint ?? -1n };
      this.running.set(projection.name, entry);
      this.subscribe(entry, checkpoint);
    }
  }

  /** Lowest position reached by every projection. */
  position(): bigint {
    let min: bigint | undefined;
    for (const { position } of this.running.values()) if (min === undefined || position < min) min = position;
    return min ?? -1n;
  }

  positions(): Record<string, bigint> {
    return Object.fromEntries([...this.running].map(([name, r]) => [name, r.position]));
  }

  /**
   * Resolves true once every consumer has reached `position` and every read model has also taken in
   * what process managers appended in reaction (so a statement read after a sales report shows its
   * allocations); false after `timeoutMs`.
   */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    if (!(await this.reach(position, timeoutMs))) return false;
    const consequences = this.produced > position ? this.produced : position;
    return this.reach(consequences, Math.max(0, deadline - Date.now()));
  }

  private async reach(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.position() >= position) return true;
    return new Promise((resolve) => {
      const check = () => {
        if (this.position() < position) return;
        finish(true);
      };
      const finish = (reached: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(reached);
      };
      const timer = setTimeout(() => finish(this.position() >= position), timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Empties a projection's tables and checkpoint, then projects the whole log again. */
  async rebuild(name: string): Promise<void> {
    const entry = this.running.get(name);
    if (!entry || !isProjection(entry.projection)) throw new Error(`unknown projection ${name}`);
    const projection = entry.projection;
    await entry.subscription?.stop();
    await this.db.transaction(async (tx) => {
      for (const table of projection.tables) await tx.execute(`DELETE FROM ${table}`);
      await deleteCheckpoint(tx, name);
    });
    entry.position = -1n;
    this.subscribe(entry, undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running.values()].map((r) => r.subscription?.stop()));
  }

  isProcessManager(name: string): boolean {
    const consumer = this.running.get(name)?.projection;
    return consumer !== undefined && !isProjection(consumer);
  }

  /** Projections whose subscription broke (store unreachable) and is being re-established. */
  failed(): string[] {
    return [...this.failures.keys()];
  }

  private subscribe(entry: Running, checkpoint: bigint | undefined) {
    const subscription = this.store.subscribeAll({ fromPosition: checkpoint ?? 'start' }, (event) =>
      this.deliver(entry, event),
    );
    entry.subscription = subscription;
    subscription.done.catch((error: Error) => {
      if (this.stopping || entry.subscription !== subscription) return;
      this.failures.set(entry.projection.name, error.message);
      this.logger.warn(`projection ${entry.projection.name} lost its subscription; resubscribing`, { error: error.message });
      setTimeout(() => {
        if (!this.stopping && entry.subscription === subscription) {
          this.subscribe(entry, entry.position < 0n ? undefined : entry.position);
        }
      }, MAX_BACKOFF_MS).unref();
    });
  }

  private async deliver(entry: Running, event: RecordedEvent): Promise<void> {
    const { projection } = entry;
    if (projection.handles.has(event.type)) {
      for (let attempt = 0; ; attempt++) {
        try {
          if (isProjection(projection)) {
            await this.db.transaction(async (tx) => {
              await projection.apply(event, tx);
              await saveCheckpoint(tx, projection.name, event.position);
            });
          } else {
            const appended = await projection.handle(event);
            if (appended !== undefined && appended > this.produced) this.produced = appended;
            await this.db.transaction((tx) => saveCheckpoint(tx, projection.name, event.position));
          }
          break;
        } catch (error) {
          if (this.stopping) throw error;
          const delay = Math.min(this.retryBaseMs * 2 ** attempt, MAX_BACKOFF_MS);
          this.logger.warn(`projection ${projection.name} failed on ${event.type}@${event.position}; retrying`, {
            error: (error as Error).message, attempt, delay,
          });
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    }
    entry.position = event.position;
    this.failures.delete(projection.name);
    for (const waiter of [...this.waiters]) waiter();
  }
}
