import { Client } from 'pg';
import { ReadModelLeaseLost } from './read-model-lease';

/** The advisory lock's first key ("LDGR"); the second is the read models' schema (a schema's read models have a lease of their own). */
const LEASE_KEY = 0x4c444752;

/** For an operator (psql): the backends holding the read models' leases in the current database. */
export const LEASE_HOLDERS_SQL = `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ${LEASE_KEY} AND objsubid = 2
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/**
 * The server drops a silent client after 10 s idle and 3 unanswered probes 5 s apart (25 s), on the
 * lease's session and the read models' pool alike, so a partitioned holder's lock and open
 * transactions go within ~25 s. The holder asks the server something every 5 s and gives up on an
 * answer after 5 s: it learns first (at most ~10 s).
 */
export const KEEPALIVES = 'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3';
export const HEARTBEAT_MS = 5_000;
const RELEASE_WAIT_MS = 3_000;

/** The fence's advisory lock ("LDGF", per schema): in memory, so fencing writes no WAL and no row lock. */
const FENCE_KEY = 0x4c444746;
const FENCE_LOCK = `${FENCE_KEY}, hashtext(current_schema())`;

/** The SQLSTATE the fence refuses with (user-defined class L): what tells its refusal from any other failure. */
export const FENCED_OUT = 'LDG01';

/**
 * First in every read-model transaction of a holder of generation `generation`: it shares the fence
 * until the commit, then reads the generation, and fails the transaction if another holder has bumped
 * it since. A page sent before a partition and delivered after a takeover aborts.
 */
export function fenceStatement(generation: number): string {
  return `DO $$ BEGIN
    PERFORM pg_advisory_xact_lock_shared(${FENCE_LOCK});
    IF NOT EXISTS (SELECT 1 FROM read_model_lease WHERE id = 1 AND generation = ${Math.trunc(generation)}) THEN
      RAISE EXCEPTION USING ERRCODE = '${FENCED_OUT}', MESSAGE = 'another process holds the read models'' lease now: this one must not write them';
    END IF;
  END $$`;
}

/**
 * In the new holder's transaction that bumps the generation: waits for the transactions of the holder
 * before to end (they end within ~25 s of a partition: keepalives), up to a minute.
 */
export const TAKE_OVER_STATEMENTS = ["SET LOCAL lock_timeout = '60s'", `SELECT pg_advisory_xact_lock(${FENCE_LOCK})`];

/**
 * A session advisory lock on a connection of its own, held until release: the server frees it when the
 * session ends, so also when the process dies (once keepalives tell the server a vanished host is gone).
 * It needs a session of its own on the server: through a pooler in transaction mode (PgBouncer) the
 * lock would stay on a server connection others reuse.
 *
 * A lost session (server restart, failover, network partition, admin kill) is not taken again behind
 * the operator's back: `onLost` is told once, and `check` throws from then on.
 */
export class PostgresLease {
  private lost?: string;
  private released = false;
  private heartbeat?: NodeJS.Timeout;

  private constructor(private readonly client: Client, private readonly onLost: (reason: string) => void, private readonly heartbeatMs: number) {
    client.on('end', () => this.lose("the session holding the read models' lease ended"));
    this.beat();
  }

  /** The lease, or where it is held by another (`database d, schema s`) for the refusal. */
  static async take(
    connectionString: string, schema: string | undefined, onLost: (reason: string) => void, onError: (error: Error) => void, heartbeatMs = HEARTBEAT_MS,
  ): Promise<PostgresLease | { heldElsewhere: string }> {
    const client = new Client({ connectionString, keepAlive: true, query_timeout: heartbeatMs });
    client.on('error', onError);
    await client.connect();
    try {
      await client.query(KEEPALIVES);
      if (schema !== undefined) await client.query(`SET search_path TO ${schema}`);
      const { rows: [taken] } = await client.query<{ held: boolean; database: string; schema: string }>(
        'SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS held, current_database() AS database, current_schema() AS schema', [LEASE_KEY],
      );
      if (taken.held) return new PostgresLease(client, onLost, heartbeatMs);
      await client.end();
      return { heldElsewhere: `database ${taken.database}, schema ${taken.schema}` };
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  /** Throws ReadModelLeaseLost once the session is gone. */
  check(): void {
    if (this.lost) throw new ReadModelLeaseLost(this.lost);
  }

  /**
   * Ends the session, which frees the lock. A session that cannot say goodbye (a dead link: the server
   * would answer only once TCP gives up, many minutes later) is cut after a few seconds instead, so a
   * shutdown finishes; the server frees the lock when its keepalives give the session up.
   */
  async release(): Promise<void> {
    this.released = true;
    clearTimeout(this.heartbeat);
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        (this.client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        resolve();
      }, RELEASE_WAIT_MS);
    });
    await Promise.race([this.client.end().catch(() => undefined), cut]);
    clearTimeout(timer);
  }

  /** One question at a time: the next is asked once the last is answered (or given up on). */
  private beat(): void {
    this.heartbeat = setTimeout(() => {
      this.client.query('SELECT 1').then(
        () => this.lost || this.released || this.beat(),
        (error: Error) => this.lose(`the session holding the read models' lease stopped answering (${error.message})`),
      );
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** A write of this process was refused by the fence: another holds the lease now, whatever this session says. */
  fencedOut(): void {
    this.lose('a write of this process was fenced out: another process took the read models over');
  }

  private lose(why: string): void {
    if (this.lost || this.released) return;
    this.lost = `${why}: another process may now project them; restart this one`;
    clearTimeout(this.heartbeat);
    void this.client.end().catch(() => undefined);
    this.onLost(this.lost);
  }
}
