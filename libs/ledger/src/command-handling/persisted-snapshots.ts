import { SnapshotCodec, encodedLines, readEncodedLines } from '@ledger/domain';
import { EventStore, RecordedEvent } from '@ledger/event-store';
import { randomUUID } from 'node:crypto';
import { ReadModelDb } from '../read-model/read-model-db';
import { MissingPieces, SnapshotHead, SnapshotTable } from './snapshot-table';
import { SavedSnapshots, StreamFold, streamPages } from './stream-states';

export interface SnapshotOptions {
  /** Events a stream grows by before its value is saved again (at least 10 % of its length); 0 saves none. */
  every: number;
  warn(message: string, context: Record<string, unknown>): void;
  /** Characters of lines written as one piece (one row, one statement); about a megabyte unless a test says. */
  pieceChars?: number;
  /** Each save, and each restore that read a snapshot: seconds for an operator (a university's take seconds, given way). */
  measured?(timing: SnapshotTiming): void;
}

export interface SnapshotTiming {
  operation: 'save' | 'restore';
  outcome: 'done' | 'failed';
  streamId: string;
  fold: string;
  revision: bigint;
  /** Rows of lines read or written. */
  pieces: number;
  seconds: number;
}

/**
 * Folded values of long streams, saved in the read-model database: after a restart a university's
 * party stream of 250,000 allocations is read back from its snapshot plus the events since, instead
 * of folded from its first event (17-25 s in the benches, once per party, before its next allocation
 * or payout could be decided). A snapshot is only a shortcut to what the log folds into, so it is
 * believed only while the log still holds the event it was folded up to (same id, same position: not a log restored from
 * an older backup, nor another store's import), and only under the version of evolve that saved it.
 * Any doubt (unreadable, another version, a failed save) costs the full fold, never a wrong decision.
 */
export class PersistedSnapshots implements SavedSnapshots {
  /** Revision of the snapshot saved (or restored, or last tried) per stream and fold. */
  private readonly savedAt = new Map<string, bigint>();
  private readonly saving = new Map<string, Promise<void>>();
  private readonly restoring = new Map<string, Promise<unknown>>();
  private closed = false;

  private readonly table: SnapshotTable;

  constructor(db: ReadModelDb, private readonly store: EventStore, private readonly options: SnapshotOptions) {
    this.table = new SnapshotTable(db);
  }

  async createTable(): Promise<void> {
    await this.table.create();
  }

  /** One read per stream and fold however many commands ask while it runs (seconds, given way, for a university). */
  restore<T>(streamId: string, fold: StreamFold<T>): Promise<{ value: T; revision: bigint } | undefined> {
    const codec = fold.snapshot;
    if (!codec || this.options.every === 0 || this.closed) return Promise.resolve(undefined);
    const k = `${key(streamId, codec.name)}\u0000${codec.version}`; // another version decodes another value
    let restoring = this.restoring.get(k) as Promise<{ value: T; revision: bigint } | undefined> | undefined;
    if (!restoring) {
      restoring = this.restoreOnce(streamId, codec).finally(() => this.restoring.delete(k));
      this.restoring.set(k, restoring);
    }
    return restoring;
  }

  private async restoreOnce<T>(streamId: string, codec: SnapshotCodec<T>): Promise<{ value: T; revision: bigint } | undefined> {
    try {
      // A save of this stream under way (its value since dropped from memory) deletes the pieces it replaces once it names its own.
      await this.saving.get(key(streamId, codec.name));
      const head = await this.table.head(streamId, codec.name);
      if (!head || head.version !== codec.version) return undefined;
      if (!(await this.stillInTheLog(head))) {
        this.options.warn('a saved snapshot does not match the log; folding the stream from its start', { streamId, fold: codec.name, revision: String(head.revision) });
        return undefined;
      }
      const started = performance.now();
      const value = await this.read(head, codec).catch((error: Error) => {
        this.measure('restore', 'failed', head, started);
        throw error;
      });
      this.measure('restore', 'done', head, started);
      this.savedAt.set(key(streamId, codec.name), head.revision);
      return { value, revision: head.revision };
    } catch (error) {
      this.options.warn(`a saved snapshot could not be read (${(error as Error).message}); folding the stream from its start`, { streamId, fold: codec.name });
      return undefined;
    }
  }

  private measure(operation: SnapshotTiming['operation'], outcome: SnapshotTiming['outcome'], head: Pick<SnapshotHead, 'streamId' | 'fold' | 'revision' | 'pieces'>, started: number): void {
    const { streamId, fold, revision, pieces } = head;
    try {
      this.options.measured?.({ operation, outcome, streamId, fold, revision, pieces, seconds: (performance.now() - started) / 1000 });
    } catch (error) {
      // A metric or log that fails must not undo the save or the restore it measured.
      this.options.warn(`a snapshot's ${operation} could not be measured (${(error as Error).message})`, { streamId, fold });
    }
  }

  folded<T>(streamId: string, fold: StreamFold<T>, value: T, revision: bigint): void {
    const codec = fold.snapshot;
    if (!codec || this.options.every === 0 || this.closed) return;
    const k = key(streamId, codec.name);
    const grown = revision - (this.savedAt.get(k) ?? -1n);
    if (grown < BigInt(this.options.every) || grown * 10n < revision + 1n || this.saving.has(k)) return;
    // After the command that folded it has answered, written a line at a time (encoding in one go held the event loop 3.5 s at 250,000 allocations).
    const written = { streamId, fold: codec.name, revision, pieces: 0 }; // counted as they are written, a failed save's too
    let started = 0;
    const save = nextTurn()
      .then(() => ((started = performance.now()), this.save(codec, value, written)))
      .then(() => this.measure('save', 'done', written, started))
      .catch((error: Error) => {
        this.measure('save', 'failed', written, started);
        this.options.warn(`a snapshot could not be saved (${error.message}); the next restart folds more of the stream`, { streamId, fold: codec.name, revision: String(revision) });
      })
      .finally(() => {
        // Failed too: the next try waits for as much growth again, not the next command (an encoding holds the event loop).
        this.savedAt.set(k, revision);
        this.saving.delete(k);
      });
    this.saving.set(k, save);
  }

  /**
   * Each snapshot a restart would believe (its version, its event still in the log, every piece there),
   * against a fold of its stream up to that event: one that differs would have the API decide on a state
   * the log does not hold, as a codec changed without its version bump would. `folds` are every fold
   * that saves snapshots.
   */
  async differingFromTheLog(folds: readonly StreamFold<unknown>[]): Promise<{ checked: number; differing: string[] }> {
    const byName = new Map(folds.flatMap((f) => (f.snapshot ? [[f.snapshot.name, f] as const] : [])));
    const byStream = new Map<string, SnapshotHead[]>();
    for (const head of await this.table.heads()) {
      if (byName.get(head.fold)?.snapshot?.version === head.version) byStream.set(head.streamId, [...(byStream.get(head.streamId) ?? []), head]);
    }
    let checked = 0;
    const differing: string[] = [];
    for (const [streamId, saved] of byStream) {
      const folding = saved.map((head) => ({ head, fold: byName.get(head.fold)!, value: byName.get(head.fold)!.initial(), at: undefined as RecordedEvent | undefined }));
      const last = saved.reduce((max, head) => (head.revision > max ? head.revision : max), -1n);
      for await (const page of streamPages(this.store, streamId, 0n, PAGE)) {
        for (const event of page) {
          for (const f of folding) {
            if (event.revision > f.head.revision) continue;
            f.value = f.fold.step(f.value, event);
            if (event.revision === f.head.revision) f.at = event;
          }
        }
        if (page.length === 0 || page[page.length - 1].revision >= last) break;
      }
      for (const { head, fold, value, at } of folding) {
        if (at?.id !== head.eventId || at.position !== head.position) continue; // not believed: restore folds from the start
        const pieces = await this.piecesOf(head).catch((error: Error) => {
          if (error instanceof MissingPieces) return error;
          throw error; // the database's failure, not the snapshot's
        });
        if (pieces instanceof MissingPieces) {
          const now = await this.table.head(streamId, head.fold);
          if (now?.generation !== head.generation) continue; // replaced by a newer save since: not what a restart would read
          differing.push(`saved snapshot ${head.fold} of stream ${streamId} at revision ${head.revision} cannot be read (${pieces.message}): a restart would fold the stream from its start (repair: stop the API, then ledger-cli rebuild, which forgets every saved snapshot)`);
          continue;
        }
        checked++;
        if (pieces.join('\n') !== [...linesOf(fold.snapshot!, value)].join('\n')) {
          differing.push(`saved snapshot ${head.fold} of stream ${streamId} at revision ${head.revision} differs from a fold of the log (repair: stop the API, then ledger-cli rebuild, which forgets every saved snapshot)`);
        }
      }
    }
    return { checked, differing };
  }

  /** Removes every saved snapshot (a full rebuild derives everything from the log again); how many there were. */
  async forgetAll(): Promise<number> {
    return this.table.forgetAll();
  }

  /** Starts no more saves, and waits for those under way and for restores (before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.saving.values(), ...this.restoring.values()]);
  }

  private async stillInTheLog(head: SnapshotHead): Promise<boolean> {
    const [at] = await this.store.readStream(head.streamId, { fromRevision: head.revision, maxCount: 1 });
    return at?.revision === head.revision && at.id === head.eventId && at.position === head.position;
  }

  /** Its pieces read, their lines parsed and the result decoded, the event loop given back every SLICE_MS. */
  private async read<T>(head: SnapshotHead, codec: SnapshotCodec<T>): Promise<T> {
    const encoded = await givingWay(readEncodedLines(linesIn(await this.piecesOf(head))));
    const whole = codec.encodeLines ? encoded : encoded[WHOLE];
    return codec.decodeInSteps ? givingWay(codec.decodeInSteps(whole)) : codec.decode(whole);
  }

  /** Throws if any is missing. SQLite answers each query at once: its pieces would all be read in one turn (~0.3 s of 70 MB). */
  private async piecesOf(head: SnapshotHead): Promise<string[]> {
    const pieces: string[] = [];
    const sliceOver = slices();
    for await (const piece of this.table.pieces(head)) {
      pieces.push(piece);
      if (sliceOver()) await nextTurn();
    }
    return pieces;
  }

  /**
   * Lines gathered into pieces of about pieceChars, each written (and counted in `written.pieces`) as
   * soon as it is full, under a new generation named at the end.
   */
  private async save<T>(codec: SnapshotCodec<T>, value: T, written: { streamId: string; revision: bigint; pieces: number }): Promise<void> {
    const { streamId, revision } = written;
    const [at] = await this.store.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (at?.revision !== revision) throw new Error(`revision ${revision} is not in the stream`);
    const generation = randomUUID();
    const pieceChars = this.options.pieceChars ?? PIECE_CHARS;
    let piece: string[] = [];
    let chars = 0;
    const write = async () => {
      await this.table.addPiece(streamId, codec.name, generation, written.pieces, piece.join('\n'));
      written.pieces++;
      piece = [];
      chars = 0;
    };
    const sliceOver = slices();
    for (const line of linesOf(codec, value)) {
      piece.push(line);
      chars += line.length + 1;
      if (chars >= pieceChars) await write();
      if (sliceOver()) await nextTurn();
    }
    if (piece.length > 0) await write();
    const head: SnapshotHead = { streamId, fold: codec.name, version: codec.version, revision, eventId: at.id, position: at.position, generation, pieces: written.pieces };
    await this.table.name(head, new Date().toISOString());
  }
}

/** Runs steps to their end, giving the event loop back whenever a slice of them has taken SLICE_MS. */
async function givingWay<T>(steps: Iterator<unknown, T>): Promise<T> {
  const sliceOver = slices();
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    if (sliceOver()) await nextTurn();
  }
}

/**
 * A synchronous check between steps, true once a slice of SLICE_MS has passed (and a new one starts):
 * awaiting on every one of 250,000 steps would cost a turn of microtasks each.
 */
function slices(): () => boolean {
  let start = performance.now();
  return () => {
    const now = performance.now();
    if (now - start < SLICE_MS) return false;
    start = now;
    return true;
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A codec's lines; one line of the whole encoding for a codec whose states are short. */
const linesOf = <T>(codec: SnapshotCodec<T>, value: T): Iterable<string> =>
  codec.encodeLines?.(value) ?? encodedLines([{ name: WHOLE, value: () => codec.encode(value) }]);

function* linesIn(pieces: readonly string[]): Generator<string> {
  for (const piece of pieces) yield* piece.split('\n');
}

/** Longest the event loop is held writing or reading a snapshot, between turns given back. */
const SLICE_MS = 20;
/** About a megabyte of lines per piece. */
const PIECE_CHARS = 1 << 20;
const WHOLE = 'whole';
/** Events read at a time when verifying. */
const PAGE = 1_000;

const key = (streamId: string, fold: string) => `${fold}\u0000${streamId}`;
