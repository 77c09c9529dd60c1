/**
 * A party's allocations after a restart: folded from the log with no snapshot (as before a snapshot
 * was saved), then saved as the API saves it, then restored by a fresh process's worth of state from
 * that snapshot. The fold runs a page at a time, the save writes and the restore reads a line at a
 * time; the longest each held the event loop is how long the API stood still.
 */
import { distributionDecider, partyStream } from '../../libs/domain/src';
import { EventStore } from '../../libs/event-store/src/port';
import { PersistedSnapshots, StreamStates, deciderFold } from '../../libs/ledger/src';
import { ReadModelDb } from '../../libs/ledger/src/read-model/read-model-db';
import { rate } from './raw-store';

export interface PartyRestart {
  events: number;
  /** Folded from its first event, with no snapshot. */
  fold: { rate: number; seconds: number };
  /** Saving the folded value (encode, lines, inserts): seconds; characters saved (ASCII JSON: bytes); longest hold of the event loop (ms). */
  save: { seconds: number; bytes: number; longestHoldMs: number };
  /** The same value read back after a restart from its snapshot (select, check against the log, decode). */
  restore: { rate: number; seconds: number; longestHoldMs: number };
}

export async function partyRestart(store: EventStore, readModels: ReadModelDb, partyId: string): Promise<PartyRestart> {
  const fold = deciderFold(distributionDecider);
  const stream = partyStream(partyId);
  const warn = (message: string) => {
    throw new Error(`snapshot: ${message}`);
  };
  const saving = new PersistedSnapshots(readModels, store, { every: 10_000, warn });
  await saving.createTable();
  const before = new StreamStates(store);
  before.keepSnapshotsIn(saving);
  let t = performance.now();
  const folded = await before.load(stream, fold);
  const foldMs = performance.now() - t;
  const events = Number(folded.revision ?? -1n) + 1;

  t = performance.now();
  let holds = eventLoopHolds();
  await saving.close(); // waits for the save the fold started
  const saveMs = performance.now() - t;
  const saveHoldMs = holds.stop();
  const [row] = await readModels.query<{ revision: string; chars: number | string }>(
    `SELECT h.revision, (SELECT sum(length(p.lines)) FROM stream_snapshot_pieces p WHERE p.stream_id = h.stream_id AND p.fold = h.fold AND p.generation = h.generation) AS chars
     FROM stream_snapshot_heads h WHERE h.stream_id = $1 AND h.fold = $2`, [stream, fold.snapshot!.name]);
  if (row?.revision !== String(folded.revision)) throw new Error(`no snapshot saved at revision ${folded.revision}`);

  const after = new StreamStates(store);
  after.keepSnapshotsIn(new PersistedSnapshots(readModels, store, { every: 10_000, warn }));
  t = performance.now();
  holds = eventLoopHolds();
  const restored = await after.load(stream, fold);
  const restoreMs = performance.now() - t;
  const restoreHoldMs = holds.stop();
  if (restored.revision !== folded.revision) throw new Error('the restored stream ends elsewhere');
  if (JSON.stringify(fold.snapshot!.encode(restored.value)) !== JSON.stringify(fold.snapshot!.encode(folded.value))) throw new Error('the restored value differs from the fold');
  return {
    events,
    fold: { rate: rate(events, foldMs), seconds: foldMs / 1000 },
    save: { seconds: saveMs / 1000, bytes: Number(row.chars), longestHoldMs: saveHoldMs },
    restore: { rate: rate(events, restoreMs), seconds: restoreMs / 1000, longestHoldMs: restoreHoldMs },
  };
}

/** The longest gap between turns of the event loop while it runs: how long nothing else could be served. */
function eventLoopHolds() {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(Math.max(longest, performance.now() - last));
    },
  };
}
