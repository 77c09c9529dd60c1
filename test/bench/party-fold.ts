/**
 * A party's allocations after a restart: folded from the log with no snapshot (as before a snapshot
 * was saved), then saved as the API saves it, then restored by a fresh process's worth of state from
 * that snapshot. The fold runs a page at a time; encoding and decoding a snapshot hold the event loop,
 * so those times are how long the API stands still for them.
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
  /** Saving the folded value (encode, JSON, insert): seconds, of which encoding and JSON; bytes saved. */
  save: { seconds: number; encodeSeconds: number; bytes: number };
  /** The same value read back after a restart from its snapshot (select, check against the log, decode). */
  restore: { rate: number; seconds: number };
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
  await saving.close(); // waits for the save the fold started
  const saveMs = performance.now() - t;
  const [row] = await readModels.query<{ revision: string; state: string }>('SELECT revision, state FROM stream_snapshots WHERE stream_id = $1', [stream]);
  if (row?.revision !== String(folded.revision)) throw new Error(`no snapshot saved at revision ${folded.revision}`);
  t = performance.now();
  JSON.stringify(fold.snapshot!.encode(folded.value)); // the save's share that holds the event loop on either store
  const encodeMs = performance.now() - t;

  const after = new StreamStates(store);
  after.keepSnapshotsIn(new PersistedSnapshots(readModels, store, { every: 10_000, warn }));
  t = performance.now();
  const restored = await after.load(stream, fold);
  const restoreMs = performance.now() - t;
  if (restored.revision !== folded.revision) throw new Error('the restored stream ends elsewhere');
  if (JSON.stringify(fold.snapshot!.encode(restored.value)) !== row.state) throw new Error('the restored value differs from the fold');
  return {
    events,
    fold: { rate: rate(events, foldMs), seconds: foldMs / 1000 },
    save: { seconds: saveMs / 1000, encodeSeconds: encodeMs / 1000, bytes: Buffer.byteLength(row.state) },
    restore: { rate: rate(events, restoreMs), seconds: restoreMs / 1000 },
  };
}
