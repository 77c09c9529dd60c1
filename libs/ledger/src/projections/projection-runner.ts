import { EventStore, RecordedEvent, Subscription } from '@ledger/event-store';
import { ReadModelDb } from '../read-model/read-model-db';
import { CHECKPOINT_SCHEMA, VERSIONS_SCHEMA, deleteCheckpoint, loadCheckpoint, prepareTables, saveCheckpoint, saveCheckpoints } from './checkpoints';
import { PageBuffer } from './page-buffer';
import { ProcessManager } from './process-manager';
import { PositionWaiters } from './position-waiters';
import { Projection } from './projection';
import { Attempt, Retries, RunnerLogger } from './retries';
import { BrokenSubscriptions } from './broken-subscriptions';

/** A read model, written in one transaction with its checkpoint, or a process manager. */
export type Consumer = Projection | ProcessManager;
const isProjection = (c: Consumer): c is Projection => 'apply' in c;

interface Running {
  consumer: Consumer;
  /** Last position this consumer has taken into account (handled or skipped). */
  position: bigint;
  /** Events skipped since its checkpoint was last saved. */
  unsaved: number;
  /** Projections: events taken in (handled or skipped) since started or last rebuilt, a rebuild's rate. */
  taken: number;
  /** Process managers have a subscription (and page buffer) each; projections share a feed. */
  subscription?: Subscription;
  buffer?: PageBuffer;
}

/** Projections fed by one subscription: the log is read and decoded once for all of them. */
interface Feed {
  members: Running[];
  buffer: PageBuffer;
  subscription?: Subscription;
}

/** A projection that handles nothing for this many events still saves its checkpoint, so a restart skips them. */
const CHECKPOINT_EVERY = 1000;
/**
 * Pages of at least this many events are written a transaction per projection, at once, where the
 * database runs them in parallel (PostgreSQL); smaller ones, live traffic, in one transaction, which
 * costs two round trips (BEGIN, COMMIT) in all instead of two per projection.
 */
const APART_FROM = 500;

/**
 * Feeds projections and process managers from the store's global subscription. Projections share
 * one subscription and apply a page of events in one transaction together with their checkpoints;
 * process managers handle one event at a time (they append). A failing page or event is retried with
 * backoff, so an event is never skipped. Positions live in memory for `?minPosition=` waits.
 */
export class ProjectionRunner {
  private readonly running = new Map<string, Running>();
  private readonly feeds = new Set<Feed>();
  private readonly waiters = new PositionWaiters(() => this.position());
  private readonly broken: BrokenSubscriptions;
  private readonly retries: Retries;
  private stopping = false;
  /** Highest position appended by a process manager: reads wait for read models to reach it too. */
  private produced = -1n;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    private readonly projections: readonly Consumer[],
    private readonly logger: RunnerLogger = { warn: () => undefined },
    private readonly retryBaseMs = 100,
  ) {
    this.retries = new Retries(logger, retryBaseMs, () => this.stopping);
    this.broken = new BrokenSubscriptions(store, logger, retryBaseMs, () => this.stopping);
  }

  /** Starts every consumer, or only the projections (operator tools must not append events). */
  async start(scope: 'all' | 'projections' = 'all'): Promise<void> {
    await this.db.execute(CHECKPOINT_SCHEMA);
    await this.db.execute(VERSIONS_SCHEMA);
    const members: Running[] = [];
    for (const consumer of this.projections) {
      if (scope === 'projections' && !isProjection(consumer)) continue;
      if (isProjection(consumer)) await prepareTables(this.db, consumer);
      const checkpoint = await loadCheckpoint(this.db, consumer.name);
      const entry: Running = { consumer, position: checkpoint ?? -1n, unsaved: 0, taken: 0 };
      this.running.set(consumer.name, entry);
      if (isProjection(consumer)) members.push(entry);
      else this.subscribe(entry, checkpoint);
    }
    if (members.length > 0) this.feed(members);
  }

  /** Lowest position reached by every consumer. */
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
    if (!(await this.waiters.reach(position, timeoutMs))) return false;
    const consequences = this.produced > position ? this.produced : position;
    return this.waiters.reach(consequences, Math.max(0, deadline - Date.now()));
  }

  /** Empties one projection's tables and checkpoint, then projects the whole log again. */
  async rebuild(name: string): Promise<void> {
    const entry = this.running.get(name);
    if (!entry || !isProjection(entry.consumer)) throw new Error(`unknown projection ${name}`);
    await this.detach(entry);
    await this.reset([entry]);
    this.feed([entry]);
  }

  /** Empties every projection, then projects the whole log again, reading it once for all of them. */
  async rebuildAll(): Promise<void> {
    const entries = [...this.running.values()].filter((r) => isProjection(r.consumer));
    for (const entry of entries) await this.detach(entry);
    await this.reset(entries);
    this.feed(entries);
  }

  /** After a rebuild has caught up: lets the database tidy the rebuilt tables (ReadModelDb.vacuum). */
  async vacuum(name?: string): Promise<void> {
    const projections = [...this.running.values()].map((r) => r.consumer).filter(isProjection).filter((p) => name === undefined || p.name === name);
    await this.db.vacuum(projections.flatMap((p) => p.tables));
  }

  /** Stops reading, applies what was already read and saves the checkpoints. */
  async stop(): Promise<void> {
    this.stopping = true;
    const subscriptions = [...this.running.values()].map((r) => r.subscription).concat([...this.feeds].map((f) => f.subscription));
    await Promise.all(subscriptions.map((s) => s?.stop()));
    const buffers = [...this.feeds].map((f) => f.buffer).concat([...this.running.values()].flatMap((r) => (r.buffer ? [r.buffer] : [])));
    await Promise.all(buffers.map((b) => b.idle()));
  }

  isProcessManager(name: string): boolean {
    const consumer = this.running.get(name)?.consumer;
    return consumer !== undefined && !isProjection(consumer);
  }

  /**
   * Events each projection has taken in since it started or was last rebuilt: a rebuild's rate, which
   * positions cannot give (on EventStoreDB a position is a byte offset in its log).
   */
  eventsTaken(): Record<string, number> {
    return Object.fromEntries([...this.running].filter(([, r]) => isProjection(r.consumer)).map(([name, r]) => [name, r.taken]));
  }

  /** Consumers whose subscription broke (store unreachable) and is being re-established. */
  failed(): string[] {
    return this.broken.names();
  }

  /** Those consumers, each with how many times in a row their subscription broke. */
  subscriptionBreaks(): Map<string, number> {
    return this.broken.breaks();
  }

  /** Pages and events failing now and being retried, each as "projection X failed on Type@position (attempt n): why". */
  failing(): string[] {
    return this.retries.failing();
  }

  /** Consumers failing now, each with the attempts its retries have failed (none: not listed). */
  failedAttempts(): Map<string, number> {
    return this.retries.failedAttempts();
  }

  private feed(members: Running[]): void {
    const feed: Feed = { members, buffer: new PageBuffer((page) => this.applyPage(feed, page)) };
    this.feeds.add(feed);
    this.subscribeFeed(feed);
  }

  private subscribeFeed(feed: Feed): void {
    const from = feed.members.reduce((min, m) => (m.position < min ? m.position : min), feed.members[0].position);
    const subscription = this.store.subscribeAll({ fromPosition: from < 0n ? 'start' : from }, (event) => feed.buffer.push(event));
    feed.subscription = subscription;
    this.broken.watch(subscription, feed.members.map((m) => m.consumer.name), feed.buffer, () => feed.subscription === subscription && this.feeds.has(feed), () => {
      feed.buffer = new PageBuffer((page) => this.applyPage(feed, page));
      this.subscribeFeed(feed);
    });
  }

  /** Takes a projection out of its feed once its current page is written; a feed left empty stops. */
  private async detach(entry: Running): Promise<void> {
    for (const feed of this.feeds) {
      if (!feed.members.includes(entry)) continue;
      feed.members = feed.members.filter((m) => m !== entry);
      if (feed.members.length === 0) {
        this.feeds.delete(feed);
        await feed.subscription?.stop();
      }
      await feed.buffer.idle();
    }
  }

  private async reset(entries: Running[]): Promise<void> {
    const tables = entries.flatMap(({ consumer }) => (consumer as Projection).tables);
    // PostgreSQL: TRUNCATE frees the pages at once; DELETE would leave every old row dead in table and
    // indexes until a vacuum (SQLite's unqualified DELETE truncates already).
    const empty = this.db.dialect === 'sqlite' ? tables.map((t) => `DELETE FROM ${t}`) : tables.length > 0 ? [`TRUNCATE ${tables.join(', ')}`] : [];
    await this.db.transaction(async (tx) => {
      for (const sql of empty) await tx.execute(sql);
      for (const { consumer } of entries) await deleteCheckpoint(tx, consumer.name);
    });
    for (const entry of entries) Object.assign(entry, { position: -1n, unsaved: 0, taken: 0 });
  }

  /**
   * The page's writes, each projection's with its checkpoint, so each event takes effect once. SQLite
   * has one writer: one transaction for every projection, one commit per page (commits dominate a
   * rebuild's cost there). PostgreSQL: a big page (catch-up, rebuild) in a transaction per projection,
   * all at once on their own connections, so the server writes them on every core (100,000-event
   * rebuild: docs/performance.md); a small one in one transaction (APART_FROM).
   */
  private async applyPage(feed: Feed, page: RecordedEvent[]): Promise<void> {
    const work = feed.members.flatMap((entry) => {
      const events = page.filter((e) => e.position > entry.position);
      if (events.length === 0) return [];
      const projection = entry.consumer as Projection;
      const handled = events.filter((e) => projection.handles.has(e.type));
      const save = handled.length > 0 || entry.unsaved + events.length >= CHECKPOINT_EVERY;
      return [{ entry, projection, handled, save, skipped: events.length, last: events[events.length - 1].position }];
    });
    const writing = work.filter((w) => w.save);
    const apart = this.db.concurrentTransactions && page.length >= APART_FROM;
    const together = apart ? writing.map((w) => [w]) : writing.length > 0 ? [writing] : [];
    // Settled, not all: a transaction that gives up (the runner stopping) must not let stop() return
    // while the others still hold their connections.
    const settled = await Promise.allSettled(together.map((group) => {
      const holds = group.map((g) => g.projection.name); // the transaction holds each of them
      let current: Attempt = { name: holds[0], event: page[0], holds };
      return this.retries.run(() => current, () =>
        this.db.transaction(async (tx) => {
          for (const { projection, handled } of group) {
            for (const event of handled) {
              current = { name: projection.name, event, holds };
              await projection.apply(event, tx);
            }
          }
          await saveCheckpoints(tx, group.map(({ projection, last }) => ({ name: projection.name, position: last })));
          // Deferred writes fail at the commit: name the whole group, not the last event applied.
          current = { name: `${holds.join(', ')} (at commit)`, event: page[page.length - 1], holds };
        }),
      );
    }));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const { entry, save, skipped, last } of work) {
      entry.position = last;
      entry.taken += skipped;
      entry.unsaved = save ? 0 : entry.unsaved + skipped;
      this.broken.cleared(entry.consumer.name);
    }
    this.waiters.advanced();
  }

  private subscribe(entry: Running, checkpoint: bigint | undefined): void {
    const buffer = (entry.buffer = new PageBuffer((page) => this.deliver(entry, page)));
    const subscription = this.store.subscribeAll({ fromPosition: checkpoint ?? 'start' }, (event) => buffer.push(event));
    entry.subscription = subscription;
    this.broken.watch(subscription, [entry.consumer.name], buffer, () => entry.subscription === subscription, () =>
      this.subscribe(entry, entry.position < 0n ? undefined : entry.position),
    );
  }

  /**
   * A process manager takes a page of the events it handles at once (it appends its reactions
   * together) and saves its checkpoint after them; a failed page is retried whole.
   */
  private async deliver(entry: Running, page: RecordedEvent[]): Promise<void> {
    const manager = entry.consumer as ProcessManager;
    const handled = page.filter((e) => e.position > entry.position && manager.handles.has(e.type));
    if (handled.length > 0) {
      await this.retries.run(() => ({ name: manager.name, event: handled[0] }), async () => {
        const appended = await manager.handle(handled);
        if (appended !== undefined && appended > this.produced) this.produced = appended;
        // One statement commits on its own: no BEGIN and COMMIT round trips around it.
        await saveCheckpoint(this.db, manager.name, handled[handled.length - 1].position);
      });
    }
    entry.position = page[page.length - 1].position;
    this.broken.cleared(manager.name);
    this.waiters.advanced();
  }
}
