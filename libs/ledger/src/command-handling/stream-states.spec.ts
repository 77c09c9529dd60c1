import { EventStore, ReadStreamOptions, SqliteEventStore } from '@ledger/event-store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SavedSnapshots, StreamFold, StreamStates } from './stream-states';

const event = (n: number) => {
  const id = randomUUID();
  return { id, type: 'Added', data: { n }, metadata: { actor: { id: 't', role: 'office' }, correlationId: id, causationId: id, recordedAt: '2026-01-01T00:00:00Z' } };
};
const sum: StreamFold<number> = { initial: () => 0, step: (total, e) => total + (e.data as { n: number }).n };
const count: StreamFold<number> = { initial: () => 0, step: (total) => total + 1 };
/** Every read asks for a page at most: of the tail after a snapshot, or of the WHOLE stream from its start. */
const PAGE = { maxCount: 1000 };
const WHOLE = PAGE;

describe('StreamStates (snapshots of folded streams)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let reads: (ReadStreamOptions | undefined)[];
  let counted: EventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stream-states-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    reads = [];
    counted = Object.assign(Object.create(store) as EventStore, {
      readStream: (id: string, options?: ReadStreamOptions) => {
        reads.push(options);
        return store.readStream(id, options);
      },
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads only what was appended since its snapshot, whoever appended it', async () => {
    const states = new StreamStates(counted);
    for (let i = 1; i <= 5; i++) await store.append('s', [event(i)], { expectedRevision: 'any' });
    expect(await states.load('s', sum)).toEqual({ value: 15, revision: 4n });
    await store.append('s', [event(10), event(20)], { expectedRevision: 4n }); // another writer
    expect(await states.load('s', sum)).toEqual({ value: 45, revision: 6n });
    expect(reads).toEqual([WHOLE, { fromRevision: 5n, ...PAGE }]);
  });

  it('keeps one snapshot per way of folding a stream, and none for a stream that does not exist', async () => {
    const states = new StreamStates(counted);
    await store.append('s', [event(7), event(8)], { expectedRevision: 'no_stream' });
    expect((await states.load('s', sum)).value).toBe(15);
    expect((await states.load('s', count)).value).toBe(2);
    expect(await states.load('missing', sum)).toEqual({ value: 0, revision: undefined });
    expect(await states.load('missing', sum)).toEqual({ value: 0, revision: undefined });
    expect(reads).toEqual([WHOLE, WHOLE, WHOLE, WHOLE]);
  });

  it('never goes back to an older revision, and drops the least recently used beyond its capacity', async () => {
    const states = new StreamStates(counted, 2);
    for (const id of ['a', 'b', 'c']) await store.append(id, [event(1)], { expectedRevision: 'no_stream' });
    await states.load('a', sum);
    states.remember('a', sum, 99, 0n); // same revision: ignored
    expect((await states.load('a', sum)).value).toBe(1);
    await states.load('b', sum);
    await states.load('c', sum); // evicts a
    reads = [];
    await states.load('a', sum);
    await states.load('c', sum);
    expect(reads).toEqual([WHOLE, { fromRevision: 1n, ...PAGE }]);
  });

  it('folds a stream longer than a page a page at a time, giving the event loop back between pages', async () => {
    // Folding a university's 250,000 allocations in one go held the event loop for 44 s after a restart.
    const states = new StreamStates(counted, 100, 2);
    await store.append('s', [1, 2, 3, 4, 5].map(event), { expectedRevision: 'no_stream' });
    let otherWorkRan = false;
    const seen: boolean[] = [];
    const watching: StreamFold<number> = { initial: () => 0, step: (total, e) => (seen.push(otherWorkRan), sum.step(total, e)) };
    setImmediate(() => (otherWorkRan = true));
    expect(await states.load('s', watching)).toEqual({ value: 15, revision: 4n });
    expect(seen).toEqual([false, false, true, true, true]);
    expect(reads).toEqual([{ maxCount: 2 }, { fromRevision: 2n, maxCount: 2 }, { fromRevision: 4n, maxCount: 2 }]);
  });

  it('folds one stream several ways from one read, each from its own snapshot', async () => {
    const states = new StreamStates(counted);
    await store.append('s', [event(1), event(2)], { expectedRevision: 'no_stream' });
    await states.load('s', sum); // sum's snapshot at revision 1; count has none
    await store.append('s', [event(3)], { expectedRevision: 1n });
    reads = [];
    expect(await states.loadEach<[number, number]>('s', [sum, count])).toEqual([{ value: 6, revision: 2n }, { value: 3, revision: 2n }]);
    expect(reads).toEqual([WHOLE]); // count had no snapshot: the whole stream, once
    await store.append('s', [event(4)], { expectedRevision: 2n });
    await states.load('s', sum); // sum at revision 3, count still at 2
    reads = [];
    expect(await states.loadEach<[number, number]>('s', [sum, count])).toEqual([{ value: 10, revision: 3n }, { value: 4, revision: 3n }]);
    expect(reads).toEqual([{ fromRevision: 3n, ...PAGE }]); // from the older snapshot; sum skips what it has
  });

  it('reads a stream\'s first event once, and does not remember a stream that does not exist yet', async () => {
    const states = new StreamStates(counted);
    expect(await states.first('s')).toBeUndefined();
    await store.append('s', [event(5)], { expectedRevision: 'no_stream' });
    expect((await states.first('s'))?.data).toEqual({ n: 5 });
    await store.append('s', [event(6)], { expectedRevision: 0n });
    expect((await states.first('s'))?.data).toEqual({ n: 5 });
    expect(reads).toEqual([{ maxCount: 1 }, { maxCount: 1 }]);
  });

  it('keeps the first events of the streams read most recently beyond its capacity', async () => {
    const states = new StreamStates(counted, 2);
    for (const id of ['a', 'b', 'c']) await store.append(id, [event(1)], { expectedRevision: 'no_stream' });
    await states.first('a');
    await states.first('b');
    await states.first('a'); // a is now the more recent
    await states.first('c'); // evicts b
    reads = [];
    await states.first('a');
    await states.first('b');
    expect(reads).toEqual([{ maxCount: 1 }]); // only b was read again
  });

  it('keeps a restored value at once: a load asking while the events since it are read restores nothing again', async () => {
    await store.append('s', [1, 2, 3, 4, 5].map(event), { expectedRevision: 'no_stream' });
    let restores = 0;
    const saved: SavedSnapshots = { restore: async () => (restores++, { value: 6, revision: 2n }) as never, folded: () => undefined };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = Object.assign(Object.create(store) as EventStore, {
      readStream: async (id: string, options?: ReadStreamOptions) => (await gate, store.readStream(id, options)),
    });
    const snapshotted: StreamFold<number> = { ...sum, snapshot: { name: 'sum', version: 1, encode: (n) => n, decode: (n) => n as number } };
    const states = new StreamStates(slow);
    states.keepSnapshotsIn(saved);
    const first = states.load('s', snapshotted);
    await new Promise((resolve) => setImmediate(resolve)); // restored (seconds, for a university), now reading the events since
    const second = states.load('s', snapshotted);
    release();
    expect(await Promise.all([first, second])).toEqual([{ value: 15, revision: 4n }, { value: 15, revision: 4n }]);
    expect(restores).toBe(1);
  });
});
