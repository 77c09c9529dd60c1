import { ReadModelDb } from '../read-model/read-model-db';

/** A transaction-scoped advisory lock around the tables' creation ("SNAP"). */
const SCHEMA_LOCK = 0x534e4150;
/** Pieces read in one query, and deleted in one statement: a few MB, a few ms of SQLite's one thread. */
const PIECES_AT_ONCE = 4;

/** A saved snapshot's description; its text is `pieces` rows of lines under its `generation`. */
export interface SnapshotHead {
  streamId: string;
  fold: string;
  version: number;
  revision: bigint;
  eventId: string;
  position: bigint;
  generation: string;
  pieces: number;
}

type HeadRow = { stream_id: string; fold: string; version: number | string; revision: string; event_id: string; position: string; generation: string; pieces: number | string };
const HEAD_COLUMNS = 'stream_id, fold, version, revision, event_id, position, generation, pieces';

/**
 * Where snapshots are kept in the read-model database. A snapshot's text is written as pieces of about
 * a megabyte (one statement each: a 70 MB insert held SQLite's one thread, and so the API, for ~190 ms),
 * under a generation of its own, and only then named by its head: a reader never sees half a snapshot,
 * and a save cut off leaves pieces no head names, which the next save of that stream deletes.
 */
export class SnapshotTable {
  constructor(private readonly db: ReadModelDb) {}

  async create(): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (this.db.dialect === 'postgres') await tx.execute('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      // The earlier layout kept each snapshot as one text; a snapshot is only a shortcut, so they go.
      await tx.execute('DROP TABLE IF EXISTS stream_snapshots');
      await tx.execute(
        `CREATE TABLE IF NOT EXISTS stream_snapshot_heads (
           stream_id TEXT NOT NULL, fold TEXT NOT NULL, version INTEGER NOT NULL, revision TEXT NOT NULL, event_id TEXT NOT NULL,
           position TEXT NOT NULL, generation TEXT NOT NULL, pieces INTEGER NOT NULL, saved_at TEXT NOT NULL, PRIMARY KEY (stream_id, fold))`,
      );
      await tx.execute(
        `CREATE TABLE IF NOT EXISTS stream_snapshot_pieces (
           stream_id TEXT NOT NULL, fold TEXT NOT NULL, generation TEXT NOT NULL, seq INTEGER NOT NULL, lines TEXT NOT NULL,
           PRIMARY KEY (stream_id, fold, generation, seq))`,
      );
    });
  }

  async head(streamId: string, fold: string): Promise<SnapshotHead | undefined> {
    const [row] = await this.db.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM stream_snapshot_heads WHERE stream_id = $1 AND fold = $2`, [streamId, fold]);
    return row && toHead(row);
  }

  async heads(): Promise<SnapshotHead[]> {
    return (await this.db.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM stream_snapshot_heads ORDER BY stream_id, fold`)).map(toHead);
  }

  /** The snapshot's pieces in order, a few per query; throws if any is missing (deleted by a newer save). */
  async *pieces(head: SnapshotHead): AsyncGenerator<string> {
    for (let from = 0; from < head.pieces; from += PIECES_AT_ONCE) {
      const rows = await this.db.query<{ seq: number | string; lines: string }>(
        `SELECT seq, lines FROM stream_snapshot_pieces WHERE stream_id = $1 AND fold = $2 AND generation = $3 AND seq >= $4 AND seq < $5 ORDER BY seq`,
        [head.streamId, head.fold, head.generation, from, from + PIECES_AT_ONCE]);
      if (rows.length !== Math.min(PIECES_AT_ONCE, head.pieces - from) || rows.some((row, i) => Number(row.seq) !== from + i)) {
        throw new MissingPieces(`pieces from ${from} of ${head.pieces} are missing`);
      }
      for (const row of rows) yield row.lines;
    }
  }

  async addPiece(streamId: string, fold: string, generation: string, seq: number, lines: string): Promise<void> {
    await this.fenced('INSERT INTO stream_snapshot_pieces (stream_id, fold, generation, seq, lines) VALUES ($1, $2, $3, $4, $5)',
      [streamId, fold, generation, seq, lines]);
  }

  /** Names the pieces written under `head.generation` as the stream's snapshot, then deletes every other generation's, a few at a time. */
  async name(head: SnapshotHead, savedAt: string): Promise<void> {
    await this.fenced(
      `INSERT INTO stream_snapshot_heads (${HEAD_COLUMNS}, saved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (stream_id, fold) DO UPDATE SET version = excluded.version, revision = excluded.revision, event_id = excluded.event_id,
         position = excluded.position, generation = excluded.generation, pieces = excluded.pieces, saved_at = excluded.saved_at`,
      [head.streamId, head.fold, head.version, String(head.revision), head.eventId, String(head.position), head.generation, head.pieces, savedAt],
    );
    const others = [head.streamId, head.fold, head.generation];
    const [{ top }] = await this.db.query<{ top: number | string | null }>(
      'SELECT max(seq) AS top FROM stream_snapshot_pieces WHERE stream_id = $1 AND fold = $2 AND generation <> $3', others);
    for (let below = PIECES_AT_ONCE; top !== null && below <= Number(top) + PIECES_AT_ONCE; below += PIECES_AT_ONCE) {
      await this.fenced('DELETE FROM stream_snapshot_pieces WHERE stream_id = $1 AND fold = $2 AND generation <> $3 AND seq < $4', [...others, below]);
    }
  }

  /**
   * Every write in a transaction of its own, which on PostgreSQL carries the lease's fence: a process
   * that lost the read models' lease (it goes on answering commands) stops its save at the next piece,
   * and never deletes the pieces of the holder's save under way.
   */
  private fenced(sql: string, params: readonly unknown[]): Promise<number> {
    return this.db.transaction((tx) => tx.execute(sql, params));
  }

  /** Deletes every snapshot; how many heads there were. */
  async forgetAll(): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.execute('DELETE FROM stream_snapshot_pieces');
      return tx.execute('DELETE FROM stream_snapshot_heads');
    });
  }
}

/** A head names pieces that are not there: deleted by a newer save, or by hand. */
export class MissingPieces extends Error {
  override readonly name = 'MissingPieces';
}

const toHead = (row: HeadRow): SnapshotHead => ({
  streamId: row.stream_id, fold: row.fold, version: Number(row.version), revision: BigInt(row.revision), eventId: row.event_id,
  position: BigInt(row.position), generation: row.generation, pieces: Number(row.pieces),
});
