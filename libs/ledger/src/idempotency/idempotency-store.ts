import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** A transaction-scoped advisory lock around the table's creation ("IDEM"). */
const SCHEMA_LOCK = 0x4944454d;

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: string;
}

/** What a claim finds: a key of its own, a stored response, a request still running, or one its process left. */
export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in-flight'; requestHash: string }
  | { kind: 'abandoned'; requestHash: string; owner: string; requestId: string; fromPosition: bigint; createdAt: string }
  | { kind: 'carried-out'; requestHash: string; position: bigint };

/** Who claims: this process (a fresh id per start), the request (its id, on its events as causationId), the log's head then. */
export interface Claimant {
  requestId: string;
  head: bigint;
}

/** Marks an abandoned claim whose request was found in the log: `carried-out@<position>`. */
const CARRIED_OUT = 'carried-out@';

/**
 * Responses stored under (scope, Idempotency-Key), where the scope is the caller's key. A first request
 * claims the key with a placeholder row (the primary key makes the claim atomic, across processes too),
 * then completes it with the response, or releases it when the request failed. A placeholder names the
 * process that wrote it: one left by a process that is gone (only one holds the read models' lease) is
 * abandoned, and so is one of this process whose request is no longer running (its completion or release
 * failed: the database dropped for a moment); whoever comes next with the key finds out from the log
 * whether its request was carried out.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
  /** This process, in the placeholders it writes. */
  readonly owner = randomUUID();
  /**
   * Keys this process is claiming or running a request under, with how many of its requests: counted
   * from before the insert until complete or release has run, succeeded or not, so a placeholder of its
   * own is in flight exactly while one of its requests holds it.
   */
  private readonly running = new Map<string, number>();

  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  async onModuleInit() {
    await this.db.transaction(async (tx) => {
      // Two processes starting at once on a new PostgreSQL database would both create the table, and
      // one fail on the catalog (23505, 42P07 or 42710, by timing): the second waits for the first here.
      // (It is then refused the read models' lease, with the holder named.) SQLite's BEGIN IMMEDIATE
      // serialises them already.
      if (this.db.dialect === 'postgres') await tx.execute('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await tx.execute(
        `CREATE TABLE IF NOT EXISTS idempotency_keys (
           key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, status INTEGER, body TEXT, created_at TEXT NOT NULL)`,
      );
      // Added later: who holds a placeholder, and where to look for its request's events.
      const columns = (await tx.query<{ name: string }>(this.db.dialect === 'postgres'
        ? "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'idempotency_keys' AND table_schema = current_schema()"
        : "SELECT name FROM pragma_table_info('idempotency_keys')")).map((c) => c.name);
      for (const column of ['owner', 'request_id', 'from_position']) {
        if (!columns.includes(column)) await tx.execute(`ALTER TABLE idempotency_keys ADD COLUMN ${column} TEXT`);
      }
    });
  }

  async claim(key: string, requestHash: string, now: Date, claimant: Claimant = { requestId: '', head: -1n }): Promise<Claim> {
    const expired = new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
    await this.db.execute('DELETE FROM idempotency_keys WHERE key = $1 AND created_at < $2', [key, expired]);
    this.enter(key);
    let inserted: number;
    try {
      // Durable: a claim lost in a power cut would let a retry run its request a second time.
      inserted = await this.db.transaction((tx) => tx.execute(
        `INSERT INTO idempotency_keys (key, request_hash, created_at, owner, request_id, from_position) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key) DO NOTHING`,
        [key, requestHash, now.toISOString(), this.owner, claimant.requestId, claimant.head.toString()],
      ), { durable: true });
    } catch (error) {
      this.leave(key);
      throw error;
    }
    if (inserted === 1) return { kind: 'claimed' };
    this.leave(key);
    const [row] = await this.db.query<{
      request_hash: string; status: number | null; body: string | null; owner: string | null; request_id: string | null; from_position: string | null; created_at: string;
    }>('SELECT request_hash, status, body, owner, request_id, from_position, created_at FROM idempotency_keys WHERE key = $1', [key]);
    if (!row) return this.claim(key, requestHash, now, claimant); // released between our insert and select
    if (row.status === null && row.owner?.startsWith(CARRIED_OUT)) {
      return { kind: 'carried-out', requestHash: row.request_hash, position: BigInt(row.owner.slice(CARRIED_OUT.length)) };
    }
    const runningHere = row.owner === this.owner && this.running.has(key);
    if (row.status === null && row.owner !== null && !runningHere && row.request_id) {
      return {
        kind: 'abandoned', requestHash: row.request_hash, owner: row.owner, requestId: row.request_id, fromPosition: BigInt(row.from_position ?? '-1'), createdAt: row.created_at,
      };
    }
    if (row.status === null) return { kind: 'in-flight', requestHash: row.request_hash };
    return { kind: 'replay', response: { requestHash: row.request_hash, status: Number(row.status), body: row.body ?? '' } };
  }

  /** Ends the claim's run, stored or not: if not, the placeholder is abandoned, and the next claim settles it. */
  async complete(key: string, status: number, body: string): Promise<void> {
    try {
      await this.db.transaction((tx) => tx.execute('UPDATE idempotency_keys SET status = $2, body = $3 WHERE key = $1', [key, status, body]), { durable: true });
    } finally {
      this.leave(key);
    }
  }

  /**
   * Ends the claim's run without settling it: its request failed with the store out of reach, so its
   * append may have committed unseen. The placeholder is abandoned, and the next claim settles it from the log.
   */
  abandon(key: string): void {
    this.leave(key);
  }

  /** Ends the claim's run, released or not: if not, the placeholder is abandoned, and the next claim settles it. */
  async release(key: string): Promise<void> {
    try {
      await this.db.execute('DELETE FROM idempotency_keys WHERE key = $1 AND status IS NULL', [key]);
    } finally {
      this.leave(key);
    }
  }

  /**
   * An abandoned placeholder settled: its request's events are in the log at `position` (its response
   * is not), or it never appended (null: released). Only that placeholder: the same owner's next claim
   * of the key (this process's, since) has its own request id and time.
   */
  async settleAbandoned(key: string, claim: { owner: string; requestId: string; createdAt: string }, position: bigint | null): Promise<void> {
    const theOne = 'key = $1 AND status IS NULL AND owner = $2 AND request_id = $3 AND created_at = $4';
    const params = [key, claim.owner, claim.requestId, claim.createdAt];
    if (position === null) await this.db.execute(`DELETE FROM idempotency_keys WHERE ${theOne}`, params);
    else {
      await this.db.transaction((tx) => tx.execute(
        `UPDATE idempotency_keys SET owner = $5 WHERE ${theOne}`, [...params, `${CARRIED_OUT}${position}`],
      ), { durable: true });
    }
  }

  private enter(key: string): void {
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
  }

  private leave(key: string): void {
    const left = (this.running.get(key) ?? 1) - 1;
    if (left > 0) this.running.set(key, left);
    else this.running.delete(key);
  }
}
