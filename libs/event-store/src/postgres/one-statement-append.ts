import { Pool } from 'pg';
import { AppendOutcome, BatchedAppend } from '../group-commit';
import { ExpectedRevision } from '../port';

/** Above this many events a batch takes the transaction path, whose insert is chunked. */
const MAX_EVENTS = 5000;

/**
 * The whole batch in one statement, committed on its own: the append lock, every stream's expected
 * revision, the insert in the order asked and the notification. No round trip to this process happens
 * while the lock is held, so a busy event loop here (or in another process appending to the same
 * database) no longer stretches the time every other appender waits for the lock.
 *
 * The heads are read in the statement's snapshot, taken before the lock is granted, so they may be
 * stale: a stream appended to meanwhile still shows its old head. The insert then repeats a revision
 * that has since committed (a retry whose original committed meanwhile, an event id), and the unique
 * keys, which see committed rows whatever the snapshot, refuse the whole statement. A check that fails
 * inserts nothing, but still commits its NOTIFY: listeners look once and find nothing.
 *
 * Positions are drawn only under the lock, so the log's order is gap-safe as in the transaction path:
 * the check is an uncorrelated subquery (an InitPlan), evaluated as a one-time filter before the first
 * row is pulled, and it reads `streams`, which reads `lock`; the position default is evaluated above the
 * sort of the rows by `ord`, so positions follow the order asked.
 */
const SQL = `
WITH lock AS MATERIALIZED (SELECT pg_advisory_xact_lock($1::bigint), pg_notify($2, $3)),
streams AS MATERIALIZED (
  SELECT s.n, s.id, s.expected, (SELECT MAX(revision) FROM events WHERE stream_id = s.id) AS head
  FROM lock, unnest($4::text[], $5::text[]) WITH ORDINALITY AS s(id, expected, n)),
checked AS (
  SELECT bool_and(CASE expected WHEN 'any' THEN true WHEN 'no_stream' THEN head IS NULL
                  WHEN 'exists' THEN head IS NOT NULL ELSE head IS NOT DISTINCT FROM expected::bigint END) AS ok
  FROM streams)
INSERT INTO events (stream_id, revision, event_id, type, data, metadata)
SELECT st.id, COALESCE(st.head, -1) + e.k, e.event_id, e.type, e.data, e.metadata
FROM unnest($6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[])
       WITH ORDINALITY AS e(stream_n, k, event_id, type, data, metadata, ord)
JOIN streams st ON st.n = e.stream_n
WHERE (SELECT ok FROM checked)
ORDER BY e.ord
RETURNING position, revision, event_id`;

const expectedText = (e: ExpectedRevision) => (typeof e === 'bigint' ? e.toString() : e);

/** A batch the one statement can settle: one append per stream and no event id twice. */
export function fitsOneStatement(batch: readonly BatchedAppend[]): boolean {
  const streams = new Set<string>();
  const ids = new Set<string>();
  let events = 0;
  for (const { streamId, events: list } of batch) {
    if (streams.has(streamId)) return false;
    streams.add(streamId);
    for (const e of list) {
      if (ids.has(e.id)) return false;
      ids.add(e.id);
    }
    events += list.length;
  }
  return events <= MAX_EVENTS;
}

/**
 * Appends every append of the batch, or none: undefined when an expected revision does not hold or a
 * unique key refuses the insert (a retry, a race, an id used elsewhere), which the transaction path
 * then settles append by append. Any other failure is thrown.
 */
export async function appendInOneStatement(
  pool: Pool, lock: number, notify: { channel: string; payload: string }, batch: readonly BatchedAppend[],
): Promise<AppendOutcome[] | undefined> {
  const rows = batch.flatMap((a, s) => a.events.map((e, k) => ({ s: s + 1, k: k + 1, e })));
  let written: { position: string; revision: string; event_id: string }[];
  try {
    ({ rows: written } = await pool.query<{ position: string; revision: string; event_id: string }>({
      name: 'event-store-append-one-statement',
      text: SQL,
      values: [
        String(lock), notify.channel, notify.payload,
        batch.map((a) => a.streamId), batch.map((a) => expectedText(a.options.expectedRevision)),
        rows.map((r) => r.s), rows.map((r) => r.k), rows.map((r) => r.e.id), rows.map((r) => r.e.type),
        rows.map((r) => JSON.stringify(r.e.data)), rows.map((r) => JSON.stringify(r.e.metadata)),
      ],
    }));
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return undefined;
    throw err;
  }
  if (written.length === 0) return undefined;
  // Committed by now: a mismatch is thrown, and the transaction path recognises the events as a retry.
  if (written.length !== rows.length) throw new Error(`${rows.length} events asked for, ${written.length} inserted`);
  if (written.some((w, i) => w.event_id !== rows[i].e.id)) throw new Error('events came back in another order than asked');
  const outcomes: AppendOutcome[] = [];
  let last = -1;
  for (const a of batch) {
    last += a.events.length;
    outcomes.push({ result: { nextRevision: BigInt(written[last].revision), position: BigInt(written[last].position) } });
  }
  return outcomes;
}
