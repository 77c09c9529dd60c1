import { PoolClient } from 'pg';
import { EventRow, toRecorded } from '../event-row';
import { AppendOutcome, BatchedAppend } from '../group-commit';
import { retriedAppend } from '../idempotent-retry';
import { IdempotencyViolation, RecordedEvent, WrongExpectedRevision, revisionMatches, wrongRevision } from '../port';

const INSERT_CHUNK = 1000; // 6 parameters a row, well under PostgreSQL's 65535 parameter limit

/**
 * Runs of a batch whose event ids are all distinct. An append that repeats an id of an earlier one in
 * its run (a retry sent while the original is still in the batch) starts a new run, which is checked
 * only once the run before it is written: it then finds the original stored and is recognised as a retry.
 */
function runs(batch: readonly BatchedAppend[]): { index: number; append: BatchedAppend }[][] {
  const out: { index: number; append: BatchedAppend }[][] = [];
  let ids = new Set<string>();
  batch.forEach((append, index) => {
    if (out.length === 0 || append.events.some((e) => ids.has(e.id))) {
      out.push([]);
      ids = new Set();
    }
    for (const e of append.events) ids.add(e.id);
    out[out.length - 1].push({ index, append });
  });
  return out;
}

type HeadRow = EventRow & { n: string; head: string | null };

/**
 * Appends a batch under the append lock in two round trips a run instead of two an append: one query
 * reads every stream's head and any of the run's ids already stored in those streams (a retry), the
 * appends are decided in the order asked (each seeing the heads the earlier ones leave), and one insert
 * writes all that were accepted, in that order. A wrong revision, a retry and ids stored before at
 * another place of the stream are settled before anything is written, and the rest go on; an id used
 * in another stream fails the insert, like any other failure, and the caller replays the batch one
 * append at a time to refuse only that append.
 */
export async function appendBatchLocked(client: PoolClient, batch: readonly BatchedAppend[]): Promise<{ outcomes: AppendOutcome[]; wrote: boolean }> {
  const outcomes: AppendOutcome[] = new Array(batch.length);
  let wrote = false;
  for (const run of runs(batch)) {
    const streams = [...new Set(run.map((r) => r.append.streamId))];
    // Named: prepared once per connection (planning it each time cost a single append ~0.3 ms). Stored
    // ids are looked up by the event-id index alone, whatever the stream's length; heads come back by
    // ordinal, not by the id as the server spells it.
    const { rows } = await client.query<HeadRow>({
      name: 'event-store-heads',
      text: `WITH known AS MATERIALIZED (
               SELECT position, stream_id, revision, event_id, type, data, metadata FROM events WHERE event_id = ANY($2::text[]))
             SELECT s.n, (SELECT MAX(revision) FROM events WHERE stream_id = s.id) AS head,
                    k.position, k.stream_id, k.revision, k.event_id, k.type, k.data, k.metadata
             FROM unnest($1::text[]) WITH ORDINALITY AS s(id, n) LEFT JOIN known k ON k.stream_id = s.id
             ORDER BY s.n, k.revision`,
      values: [streams, run.flatMap((r) => r.append.events.map((e) => e.id))],
    });
    const heads = new Map<string, bigint>();
    const stored = new Map<string, RecordedEvent[]>();
    for (const row of rows) {
      const streamId = streams[Number(row.n) - 1];
      heads.set(streamId, row.head === null ? -1n : BigInt(row.head));
      if (row.event_id === null) continue;
      const known = stored.get(streamId) ?? [];
      known.push({ ...toRecorded(row), streamId });
      stored.set(streamId, known);
    }
    const accepted: { index: number; append: BatchedAppend; first: bigint }[] = [];
    for (const { index, append } of run) {
      const { streamId, events, options } = append;
      try {
        const ids = new Set(events.map((e) => e.id));
        const known = (stored.get(streamId) ?? []).filter((e) => ids.has(e.id)); // in revision order
        const retried = retriedAppend(streamId, events, options.expectedRevision, known);
        if (retried) {
          outcomes[index] = { result: retried };
          continue;
        }
        const current = heads.get(streamId);
        if (current === undefined) throw new Error(`no head was read for stream ${streamId}`);
        if (!revisionMatches(options.expectedRevision, current)) throw wrongRevision(streamId, options.expectedRevision, current);
        accepted.push({ index, append, first: current + 1n });
        heads.set(streamId, current + BigInt(events.length));
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision || error instanceof IdempotencyViolation)) throw error;
        outcomes[index] = { error };
      }
    }
    if (accepted.length === 0) continue;
    const positions = await insertInOrder(client, accepted);
    let next = 0;
    for (const { index, append, first } of accepted) {
      next += append.events.length;
      outcomes[index] = { result: { nextRevision: first + BigInt(append.events.length - 1), position: positions[next - 1] } };
    }
    wrote = true;
  }
  return { outcomes, wrote };
}

/**
 * Inserts the accepted appends' events in batch order and returns their positions in that order.
 * Positions are drawn row by row in VALUES order, so the batch's order is the log's; should they ever
 * not be, the check fails the transaction rather than hand out the wrong positions.
 */
async function insertInOrder(client: PoolClient, accepted: readonly { append: BatchedAppend; first: bigint }[]): Promise<bigint[]> {
  const rows = accepted.flatMap(({ append, first }) =>
    append.events.map((e, k) => [append.streamId, String(first + BigInt(k)), e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]),
  );
  const positions: bigint[] = [];
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK);
    const tuples = chunk.map((_, r) => `(${[1, 2, 3, 4, 5, 6].map((c) => `$${r * 6 + c}`).join(', ')})`);
    const { rows: written } = await client.query<{ position: string }>(
      `INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES ${tuples.join(', ')} RETURNING position`,
      chunk.flat(),
    );
    for (const w of written) {
      const position = BigInt(w.position);
      if (positions.length > 0 && position <= positions[positions.length - 1]) throw new Error('positions were not drawn in the order of the rows');
      positions.push(position);
    }
  }
  if (positions.length !== rows.length) throw new Error(`${rows.length} events inserted, ${positions.length} positions returned`);
  return positions;
}
