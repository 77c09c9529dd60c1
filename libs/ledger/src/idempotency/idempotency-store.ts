import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
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

export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse } | { kind: 'in-flight'; requestHash: string };

/**
 * Responses stored under (scope, Idempotency-Key), where the scope is the caller's key. A first request
 * claims the key with a placeholder row (the primary key makes the claim atomic, across processes too),
 * then completes it with the response, or releases it when the request failed.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
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
    });
  }

  async claim(key: string, requestHash: string, now: Date): Promise<Claim> {
    const expired = new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
    await this.db.execute('DELETE FROM idempotency_keys WHERE key = $1 AND created_at < $2', [key, expired]);
    const inserted = await this.db.execute(
      'INSERT INTO idempotency_keys (key, request_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING',
      [key, requestHash, now.toISOString()],
    );
    if (inserted === 1) return { kind: 'claimed' };
    const [row] = await this.db.query<{ request_hash: string; status: number | null; body: string | null }>(
      'SELECT request_hash, status, body FROM idempotency_keys WHERE key = $1', [key],
    );
    if (!row) return this.claim(key, requestHash, now); // released between our insert and select
    if (row.status === null) return { kind: 'in-flight', requestHash: row.request_hash };
    return { kind: 'replay', response: { requestHash: row.request_hash, status: Number(row.status), body: row.body ?? '' } };
  }

  async complete(key: string, status: number, body: string): Promise<void> {
    await this.db.execute('UPDATE idempotency_keys SET status = $2, body = $3 WHERE key = $1', [key, status, body]);
  }

  async release(key: string): Promise<void> {
    await this.db.execute('DELETE FROM idempotency_keys WHERE key = $1 AND status IS NULL', [key]);
  }
}
