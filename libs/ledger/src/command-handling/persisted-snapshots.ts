import { EventStore, RecordedEvent } from '@ledger/event-store';
import { ReadModelDb } from '../read-model/read-model-db';
import { SavedSnapshots, StreamFold, streamPages } from './stream-states';

/** A transaction-scoped advisory lock around the table's creation ("SNAP"). */
const SCHEMA_LOCK = 0x534e4150;

export interface SnapshotOptions {
  /** Events a stream grows by before its value is saved again (at least 10 % of its length); 0 saves none. */
  every: number;
  warn(message: string, context: Record<string, unknown>): void;
}

/**
 * Folded values of long streams, saved in the read-model database: after a restart a university's
 * party stream of 250,000 allocations is read back from its snapshot plus the events since, instead
 * of folded from its first event (~27 s, once per party, before its next allocation or payout could
 * be decided). A snapshot is only a shortcut to what the log folds into, so it is believed only while
 * the log still holds the event it was folded up to (same id, same position: not a log restored from
 * an older backup, nor another store's import), and only under the version of evolve that saved it.
 * Any doubt (unreadable, another version, a failed save) costs the full fold, never a wrong decision.
 */
export class PersistedSnapshots implements SavedSnapshots {
  /** Revision of the snapshot saved (or restored, or last tried) per stream and fold. */
  private readonly savedAt = new Map<string, bigint>();
  private readonly saving = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly db: ReadModelDb, private readonly store: EventStore, private readonly options: SnapshotOptions) {}

  async createTable(): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (this.db.dialect === 'postgres') await tx.execute('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await tx.execute(
        `CREATE TABLE IF NOT EXISTS stream_snapshots (
           stream_id TEXT NOT NULL, fold TEXT NOT NULL, version INTEGER NOT NULL, revision TEXT NOT NULL,
           event_id TEXT NOT NULL, position TEXT NOT NULL, state TEXT NOT NULL, saved_at TEXT NOT NULL,
           PRIMARY KEY (stream_id, fold))`,
      );
    });
  }

  async restore<T>(streamId: string, fold: StreamFold<T>): Promise<{ value: T; revision: bigint } | undefined> {
    const codec = fold.snapshot;
    if (!codec || this.options.every === 0) return undefined;
    try {
      const [row] = await this.db.query<{ version: number | string; revision: string; event_id: string; position: string; state: string }>(
        'SELECT version, revision, event_id, position, state FROM stream_snapshots WHERE stream_id = $1 AND fold = $2', [streamId, codec.name]);
      if (!row || Number(row.version) !== codec.version) return undefined;
      const revision = BigInt(row.revision);
      const [at] = await this.store.readStream(streamId, { fromRevision: revision, maxCount: 1 });
      if (at?.revision !== revision || at.id !== row.event_id || at.position !== BigInt(row.position)) {
        this.options.warn('a saved snapshot does not match the log; folding the stream from its start', { streamId, fold: codec.name, revision: row.revision });
        return undefined;
      }
      const value = codec.decode(JSON.parse(row.state));
      this.savedAt.set(key(streamId, codec.name), revision);
      return { value, revision };
    } catch (error) {
      this.options.warn(`a saved snapshot could not be read (${(error as Error).message}); folding the stream from its start`, { streamId, fold: codec.name });
      return undefined;
    }
  }

  folded<T>(streamId: string, fold: StreamFold<T>, value: T, revision: bigint): void {
    const codec = fold.snapshot;
    if (!codec || this.options.every === 0 || this.closed) return;
    const k = key(streamId, codec.name);
    const grown = revision - (this.savedAt.get(k) ?? -1n);
    if (grown < BigInt(this.options.every) || grown * 10n < revision + 1n || this.saving.has(k)) return;
    // After the command that folded it has answered, written a piece at a time (encoding in one go held the event loop 3.5 s at 250,000 allocations).
    const save = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.save(streamId, fold, value, revision))
      .catch((error: Error) => this.options.warn(`a snapshot could not be saved (${error.message}); the next restart folds more of the stream`, { streamId, fold: codec.name, revision: String(revision) }))
      .finally(() => {
        // Failed too: the next try waits for as much growth again, not the next command (an encoding holds the event loop).
        this.savedAt.set(k, revision);
        this.saving.delete(k);
      });
    this.saving.set(k, save);
  }

  /**
   * Each snapshot a restart would believe (its version, its event still in the log), against a fold of
   * its stream up to that event: one that differs would have the API decide on a state the log does not
   * hold, as a codec changed without its version bump would. `folds` are every fold that saves snapshots.
   */
  async differingFromTheLog(folds: readonly StreamFold<unknown>[]): Promise<{ checked: number; differing: string[] }> {
    const byName = new Map(folds.flatMap((f) => (f.snapshot ? [[f.snapshot.name, f] as const] : [])));
    const rows = await this.db.query<SnapshotRow>('SELECT stream_id, fold, version, revision, event_id, position, state FROM stream_snapshots ORDER BY stream_id, fold');
    const byStream = new Map<string, SnapshotRow[]>();
    for (const row of rows) if (byName.get(row.fold)?.snapshot?.version === Number(row.version)) byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), row]);
    let checked = 0;
    const differing: string[] = [];
    for (const [streamId, saved] of byStream) {
      const folding = saved.map((row) => ({ row, fold: byName.get(row.fold)!, revision: BigInt(row.revision), value: byName.get(row.fold)!.initial(), at: undefined as RecordedEvent | undefined }));
      const last = folding.reduce((max, f) => (f.revision > max ? f.revision : max), -1n);
      for await (const page of streamPages(this.store, streamId, 0n, PAGE)) {
        for (const event of page) {
          for (const f of folding) {
            if (event.revision > f.revision) continue;
            f.value = f.fold.step(f.value, event);
            if (event.revision === f.revision) f.at = event;
          }
        }
        if (page.length === 0 || page[page.length - 1].revision >= last) break;
      }
      for (const { row, fold, value, at } of folding) {
        if (at?.id !== row.event_id || at.position !== BigInt(row.position)) continue; // not believed: restore folds from the start
        checked++;
        if (JSON.stringify(fold.snapshot!.encode(value)) !== row.state) {
          differing.push(`saved snapshot ${row.fold} of stream ${streamId} at revision ${row.revision} differs from a fold of the log (repair: stop the API, then ledger-cli rebuild, which forgets every saved snapshot)`);
        }
      }
    }
    return { checked, differing };
  }

  /** Removes every saved snapshot (a full rebuild derives everything from the log again); how many there were. */
  async forgetAll(): Promise<number> {
    return this.db.execute('DELETE FROM stream_snapshots');
  }

  /** Starts no more saves, and waits for those under way (before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.saving.values());
  }

  private async save<T>(streamId: string, fold: StreamFold<T>, value: T, revision: bigint): Promise<void> {
    const codec = fold.snapshot!;
    const [at] = await this.store.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (at?.revision !== revision) throw new Error(`revision ${revision} is not in the stream`);
    const state = await jsonGivingWay(codec.encodeInPieces?.(value) ?? [JSON.stringify(codec.encode(value))]);
    await this.db.execute(
      `INSERT INTO stream_snapshots (stream_id, fold, version, revision, event_id, position, state, saved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (stream_id, fold) DO UPDATE SET version = excluded.version, revision = excluded.revision,
         event_id = excluded.event_id, position = excluded.position, state = excluded.state, saved_at = excluded.saved_at`,
      [streamId, codec.name, codec.version, String(revision), at.id, String(at.position), state, new Date().toISOString()],
    );
  }
}

/**
 * The pieces joined, the event loop given back whenever a slice of writing them has taken SLICE_MS:
 * requests and /health go on while a long stream's snapshot is written.
 */
async function jsonGivingWay(pieces: Iterable<string>): Promise<string> {
  const written: string[] = [];
  let slice = performance.now();
  for (const piece of pieces) {
    written.push(piece);
    if (performance.now() - slice >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
  return written.join('');
}

/** Longest the event loop is held writing a snapshot, between turns given back. */
const SLICE_MS = 20;
type SnapshotRow = { stream_id: string; fold: string; version: number | string; revision: string; event_id: string; position: string; state: string };
/** Events read at a time when verifying. */
const PAGE = 1_000;

const key = (streamId: string, fold: string) => `${fold}\u0000${streamId}`;
