import { SnapshotCodec, encodedLines } from '@ledger/domain';
import { codec, describeSnapshots, event, listed, onPieceQueries, ones, spin, sum, sumOf, turns } from './persisted-snapshots.fixture';
import { StreamFold } from './stream-states';

describeSnapshots('persisted snapshots, given way and in flight', (t) => {
  it('writes and reads a long snapshot a line and a step at a time, giving the event loop back between slices', async () => {
    const { store, db, warnings, open, restart } = t;
    // Five lines, then five steps of decoding, of 25 ms each: in one go either would hold the event loop for 125 ms.
    const slowly: SnapshotCodec<number> = {
      ...codec(),
      encodeLines: function* (n) { for (const line of encodedLines([{ name: 'n', value: () => n }, ...['a', 'b', 'c', 'd'].map((name) => ({ name, value: () => 0 }))])) { spin(25); yield line; } },
      decode: (s) => (s as { n: number }).n,
      decodeInSteps: function* (s) { for (let i = 0; i < 5; i++) { spin(25); yield; } return (s as { n: number }).n; },
    };
    const slow: StreamFold<number> = { ...sum, snapshot: slowly };
    let { keeper, states } = await open();
    await store.append('s', ones(25), { expectedRevision: 'no_stream' });
    await states.load('s', slow);
    expect(await turns(() => keeper.close())).toBeGreaterThanOrEqual(4); // a turn between slices
    const pieces = await db.query<{ lines: string }>('SELECT lines FROM stream_snapshot_pieces');
    expect(pieces.map((p) => p.lines)).toEqual(['["=","n",25]\n["=","a",0]\n["=","b",0]\n["=","c",0]\n["=","d",0]']);
    ({ keeper, states } = await restart(keeper));
    let restored: unknown;
    expect(await turns(async () => (restored = await states.load('s', slow)))).toBeGreaterThanOrEqual(4);
    expect(restored).toEqual({ value: 25, revision: 24n });
    expect(warnings).toEqual([]);
    await keeper.close();
  });

  it('reads a snapshot of many pieces giving the event loop back between its queries, which SQLite answers at once', async () => {
    const { store, db, warnings, reads, open, restart } = t;
    let { keeper, states } = await open(10, 8); // a piece a line
    const values = Array.from({ length: 40 }, (_, n) => n);
    await store.append('s', values.map(event), { expectedRevision: 'no_stream' });
    await states.load('s', listed);
    ({ keeper, states } = await restart(keeper, 10, 8));
    const [{ count }] = await db.query<{ count: number | string }>('SELECT count(*) AS count FROM stream_snapshot_pieces');
    expect(Number(count)).toBe(41);
    // Each query of 4 pieces takes 25 ms: 11 of them in one turn would hold the event loop for 275 ms.
    const undo = onPieceQueries(db, () => spin(25));
    let restored: unknown;
    expect(await turns(async () => (restored = await states.load('s', listed)))).toBeGreaterThanOrEqual(4);
    undo();
    expect(restored).toEqual({ value: values, revision: 39n });
    expect(reads).toEqual([{ fromRevision: 39n, maxCount: 1 }, { fromRevision: 40n, maxCount: 1000 }]);
    expect(warnings).toEqual([]);
    await keeper.close();
  });

  it('reads a stream\'s snapshot only once a save of it under way is done: the save deletes the pieces it replaces', async () => {
    const { store, db, warnings, open, restart } = t;
    let { keeper, states } = await open(10, 8); // a piece a line
    const values = Array.from({ length: 40 }, (_, n) => n);
    await store.append('s', values.slice(0, 20).map(event), { expectedRevision: 'no_stream' });
    await states.load('s', listed); // saved at 19
    await store.append('s', values.slice(20).map(event), { expectedRevision: 19n });
    ({ keeper, states } = await restart(keeper, 10, 8));
    const undo = onPieceQueries(db, () => spin(25));
    // The stream folded to 39 and its save begun, then dropped from memory and asked for again while it is written.
    keeper.folded('s', listed, values, 39n);
    const restored = await keeper.restore('s', listed);
    undo();
    expect(restored).toEqual({ value: values, revision: 39n });
    expect(warnings).toEqual([]);
    await keeper.close();
  });

  it('shares a restore only between folds of one version: another version reads its own snapshot, or none', async () => {
    const { store, open, restart } = t;
    let { keeper, states } = await open();
    await store.append('s', ones(20), { expectedRevision: 'no_stream' });
    await states.load('s', sum);
    ({ keeper, states } = await restart(keeper));
    expect(await Promise.all([keeper.restore('s', sum), keeper.restore('s', sumOf(2))])).toEqual([{ value: 20, revision: 19n }, undefined]);
    await keeper.close();
  });

  it('waits for a restore under way when it closes, and starts none after', async () => {
    const { store, db, open, restart } = t;
    let { keeper, states } = await open(10, 8); // a piece a line
    const values = Array.from({ length: 40 }, (_, n) => n);
    await store.append('s', values.map(event), { expectedRevision: 'no_stream' });
    await states.load('s', listed);
    ({ keeper, states } = await restart(keeper, 10, 8));
    const undo = onPieceQueries(db, () => spin(25));
    let restored: unknown = 'under way';
    const restoring = keeper.restore('s', listed).then((r) => (restored = r));
    await keeper.close(); // as the API stops: the database closes next
    expect(restored).toEqual({ value: values, revision: 39n });
    undo();
    expect(await keeper.restore('s', listed)).toBeUndefined();
    await restoring;
  });

  it('saves and restores whatever a measurement that fails throws, and says so', async () => {
    const { store, warnings, open } = t;
    const failing = { measured: () => { throw new Error('registry gone'); } };
    let { keeper, states } = await open(10, undefined, failing);
    await store.append('s', ones(20), { expectedRevision: 'no_stream' });
    await states.load('s', sum);
    await keeper.close();
    ({ keeper, states } = await open(10, undefined, failing)); // the next process
    expect(await keeper.restore('s', sum)).toEqual({ value: 20, revision: 19n });
    expect(warnings).toEqual(["a snapshot's save could not be measured (registry gone)", "a snapshot's restore could not be measured (registry gone)"]);
    await keeper.close();
  });
});
