import { describeSnapshots, onPieceQueries, event, sumOf, sum, ones, listed } from './persisted-snapshots.fixture';

describeSnapshots('persisted snapshots', (t) => {
  it('keeps a snapshot as pieces under a generation, deleting the ones before it and any a cut-off save left', async () => {
    const { store, db, warnings, reads, open, restart } = t;
    let { keeper, states } = await open(10, 40);
    await store.append('s', Array.from({ length: 20 }, (_, i) => event(i)), { expectedRevision: 'no_stream' });
    await states.load('s', listed);
    await keeper.close();
    const heads = () => db.query<{ generation: string; pieces: number | string }>('SELECT generation, pieces FROM stream_snapshot_heads');
    const pieces = () => db.query<{ generation: string; seq: number | string }>('SELECT generation, seq FROM stream_snapshot_pieces ORDER BY generation, seq');
    const [first] = await heads();
    expect(Number(first.pieces)).toBe(5); // 21 lines, 184 characters with their newlines, in pieces of at least 40
    expect((await pieces()).map((p) => [p.generation, Number(p.seq)])).toEqual([0, 1, 2, 3, 4].map((seq) => [first.generation, seq]));
    await db.execute("INSERT INTO stream_snapshot_pieces (stream_id, fold, generation, seq, lines) VALUES ('s', 'listed', 'cut-off', 9, 'x')");
    await store.append('s', Array.from({ length: 10 }, (_, i) => event(20 + i)), { expectedRevision: 19n });
    ({ keeper, states } = await restart(keeper, 10, 40));
    expect(await states.load('s', listed)).toEqual({ value: Array.from({ length: 30 }, (_, i) => i), revision: 29n });
    await keeper.close(); // saved again at 29: grown by 10
    const [second] = await heads();
    expect(second.generation).not.toBe(first.generation);
    expect((await pieces()).map((p) => [p.generation, Number(p.seq)])).toEqual(Array.from({ length: Number(second.pieces) }, (_, seq) => [second.generation, seq]));
    ({ keeper, states } = await restart(keeper, 10, 40));
    expect(await states.load('s', listed)).toEqual({ value: Array.from({ length: 30 }, (_, i) => i), revision: 29n });
    expect(reads).toEqual([{ fromRevision: 29n, maxCount: 1 }, { fromRevision: 30n, maxCount: 1000 }]);
    expect(warnings).toEqual([]);
    // A piece gone (a newer save deleted it while this one was read): doubt costs the full fold, never a wrong value.
    await db.execute('DELETE FROM stream_snapshot_pieces WHERE seq = 1');
    ({ keeper, states } = await restart(keeper, 10, 40));
    expect(await states.load('s', listed)).toEqual({ value: Array.from({ length: 30 }, (_, i) => i), revision: 29n });
    expect(warnings).toEqual([`a saved snapshot could not be read (pieces from 0 of ${second.pieces} are missing); folding the stream from its start`]);
    await keeper.close();
  });

  it('restores a long stream after a restart from its snapshot and the events since, and saves it again as it grows', async () => {
    const { store, warnings, reads, timings, open, restart } = t;
    let { keeper, states } = await open();
    await store.append('s', ones(25), { expectedRevision: 'no_stream' });
    expect(await states.load('s', sum)).toEqual({ value: 25, revision: 24n });
    await store.append('s', ones(3), { expectedRevision: 24n });
    ({ keeper, states } = await restart(keeper));
    // Commands asking at once: the snapshot is read for them once.
    const asked = await Promise.all([states.load('s', sum), states.load('s', sum)]);
    expect(asked).toEqual([{ value: 28, revision: 27n }, { value: 28, revision: 27n }]);
    // The snapshot's event checked, then only what came after it (for each command).
    expect(reads).toEqual([{ fromRevision: 24n, maxCount: 1 }, { fromRevision: 25n, maxCount: 1000 }, { fromRevision: 25n, maxCount: 1000 }]);
    await store.append('s', ones(12), { expectedRevision: 27n });
    states.remember('s', sum, 28 + 12, 39n); // as a command that appended 12 more: grown by 15 since the snapshot
    ({ keeper, states } = await restart(keeper));
    expect(await states.load('s', sum)).toEqual({ value: 40, revision: 39n });
    expect(reads).toEqual([{ fromRevision: 39n, maxCount: 1 }, { fromRevision: 40n, maxCount: 1000 }]);
    expect(warnings).toEqual([]);
    // Each save, and each restore that read a snapshot, timed for the operator (the two commands above shared one).
    expect(timings.map(({ seconds, ...t }) => (expect(seconds).toBeGreaterThanOrEqual(0), t))).toEqual([
      { operation: 'save', outcome: 'done', streamId: 's', fold: 'sum', revision: 24n, pieces: 1 },
      { operation: 'restore', outcome: 'done', streamId: 's', fold: 'sum', revision: 24n, pieces: 1 },
      { operation: 'save', outcome: 'done', streamId: 's', fold: 'sum', revision: 39n, pieces: 1 },
      { operation: 'restore', outcome: 'done', streamId: 's', fold: 'sum', revision: 39n, pieces: 1 },
    ]);
  });

  it('saves nothing for a stream that grew less than the setting, or less than a tenth of its length, or with the setting 0', async () => {
    const { store, reads, open, restart } = t;
    let { keeper, states } = await open();
    await store.append('short', ones(9), { expectedRevision: 'no_stream' });
    await states.load('short', sum);
    await store.append('long', ones(200), { expectedRevision: 'no_stream' });
    await states.load('long', sum); // saved at 199
    await store.append('long', ones(15), { expectedRevision: 199n });
    await states.load('long', sum); // 15 more, under 10 % of 215: not saved
    ({ keeper, states } = await restart(keeper));
    await states.load('short', sum);
    await states.load('long', sum);
    expect(reads).toEqual([{ maxCount: 1000 }, { fromRevision: 199n, maxCount: 1 }, { fromRevision: 200n, maxCount: 1000 }]);
    ({ keeper, states } = await restart(keeper, 0));
    await store.append('off', ones(50), { expectedRevision: 'no_stream' });
    await states.load('off', sum);
    await states.load('long', sum); // 0: not even read back
    ({ keeper, states } = await restart(keeper));
    await states.load('off', sum);
    expect(reads).toEqual([{ maxCount: 1000 }]);
    await keeper.close();
  });

  it('folds from the start when the snapshot was saved by another version of evolve, or cannot be read', async () => {
    const { store, db, warnings, reads, timings, open, restart } = t;
    let { keeper, states } = await open();
    await store.append('s', ones(20), { expectedRevision: 'no_stream' });
    await states.load('s', sum);
    ({ keeper, states } = await restart(keeper));
    expect(await states.load('s', sumOf(2))).toEqual({ value: 20, revision: 19n });
    expect(reads).toEqual([{ maxCount: 1000 }]);
    ({ keeper, states } = await restart(keeper)); // the new version saved its own
    expect((await db.query('SELECT version FROM stream_snapshot_heads')).map((r) => Number(r.version))).toEqual([2]);
    await db.execute(`UPDATE stream_snapshot_pieces SET lines = '["=","whole",{"n":"twenty"}]'`);
    expect(await states.load('s', sumOf(2))).toEqual({ value: 20, revision: 19n });
    expect(warnings).toEqual(['a saved snapshot could not be read (not a sum); folding the stream from its start']);
    expect(timings.filter((t) => t.operation === 'restore')).toEqual([expect.objectContaining({ outcome: 'failed', fold: 'sum', revision: 19n, pieces: 1 })]);
    await keeper.close();
  });

  it('folds from the start when the log no longer holds the event the snapshot was folded up to', async () => {
    const { place, warnings, open, restart } = t;
    let { keeper, states } = await open();
    await t.store.append('s', ones(20), { expectedRevision: 'no_stream' });
    await states.load('s', sum);
    await keeper.close();
    await t.store.close();
    t.store = await place.openOtherLog(); // the same stream, other events: a backup restored, another store imported
    await t.store.append('s', Array.from({ length: 20 }, () => event(2)), { expectedRevision: 'no_stream' });
    ({ keeper, states } = await restart(keeper));
    expect(await states.load('s', sum)).toEqual({ value: 40, revision: 19n });
    expect(warnings).toEqual(['a saved snapshot does not match the log; folding the stream from its start']);
    await keeper.close();
  });

  it('finds a snapshot a restart would believe that differs from a fold of the log, and forgets every one on request', async () => {
    const { store, db, reads, open, restart } = t;
    let { keeper, states } = await open();
    await store.append('s', ones(20), { expectedRevision: 'no_stream' });
    await store.append('t', ones(2100), { expectedRevision: 'no_stream' }); // folded in three pages
    await states.load('s', sum);
    await states.load('t', sum);
    await keeper.close();
    await store.append('t', ones(5), { expectedRevision: 2099n }); // grown since: the check folds up to the snapshot
    expect(await keeper.differingFromTheLog([sum])).toEqual({ checked: 2, differing: [] });
    await db.execute(`UPDATE stream_snapshot_pieces SET lines = '["=","whole",{"n":21}]' WHERE stream_id = 's'`);
    const differs = 'saved snapshot sum of stream s at revision 19 differs from a fold of the log (repair: stop the API, then ledger-cli rebuild, which forgets every saved snapshot)';
    expect(await keeper.differingFromTheLog([sum])).toEqual({ checked: 2, differing: [differs] });
    // What a restart would not believe is not checked: another version's, another fold's, another log's.
    expect(await keeper.differingFromTheLog([sumOf(2)])).toEqual({ checked: 0, differing: [] });
    expect(await keeper.differingFromTheLog([])).toEqual({ checked: 0, differing: [] });
    await db.execute(`UPDATE stream_snapshot_heads SET event_id = 'elsewhere' WHERE stream_id = 't'`);
    expect(await keeper.differingFromTheLog([sum])).toEqual({ checked: 1, differing: [differs] });
    // The database failing is verify's failure, not the snapshot's.
    const undo = onPieceQueries(db, () => { throw new Error('Connection terminated unexpectedly'); });
    await expect(keeper.differingFromTheLog([sum])).rejects.toThrow('Connection terminated unexpectedly');
    undo();
    await db.execute(`DELETE FROM stream_snapshot_pieces WHERE stream_id = 's'`); // named by its head, and gone
    expect(await keeper.differingFromTheLog([sum])).toEqual({ checked: 0, differing: [
      'saved snapshot sum of stream s at revision 19 cannot be read (pieces from 0 of 1 are missing): a restart would fold the stream from its start (repair: stop the API, then ledger-cli rebuild, which forgets every saved snapshot)',
    ] });

    expect(await keeper.forgetAll()).toBe(2);
    ({ keeper, states } = await restart(keeper));
    expect(await states.load('s', sum)).toEqual({ value: 20, revision: 19n });
    expect(reads).toEqual([{ maxCount: 1000 }]);
    await keeper.close();
  });

  it('after a failed save, tries again only once the stream has grown as much again', async () => {
    const { store, db, warnings, timings, open } = t;
    const { keeper, states } = await open();
    await db.execute('DROP TABLE stream_snapshot_pieces');
    await store.append('s', ones(20), { expectedRevision: 'no_stream' });
    await states.load('s', sum);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.append('s', ones(3), { expectedRevision: 19n });
    await states.load('s', sum); // 3 more: no second try
    await keeper.close();
    const saves = warnings.filter((w) => w.startsWith('a snapshot could not be saved'));
    expect(saves).toHaveLength(1); // (the read before it found no head: that table is still there)
    expect(saves[0]).toMatch(/^a snapshot could not be saved \(.+\); the next restart folds more of the stream$/);
    expect(timings).toEqual([expect.objectContaining({ operation: 'save', outcome: 'failed', fold: 'sum', revision: 19n, pieces: 0 })]);
  });

  it('waits for a save under way when it closes, and saves nothing after', async () => {
    const { store, db, open } = t;
    const { keeper, states } = await open();
    await store.append('s', ones(20), { expectedRevision: 'no_stream' });
    await states.load('s', sum);
    await keeper.close(); // the save was deferred to the next turn: done by now
    expect((await db.query('SELECT revision FROM stream_snapshot_heads')).map((r) => r.revision)).toEqual(['19']);
    await store.append('s', ones(20), { expectedRevision: 19n });
    await states.load('s', sum);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await db.query('SELECT revision FROM stream_snapshot_heads')).map((r) => r.revision)).toEqual(['19']);
  });
});
