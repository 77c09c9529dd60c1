import { SqliteEventStore } from '@ledger/event-store';
import { useTempDir } from '@ledger/event-store/testing/temp-files';
import { join } from 'node:path';
import { ImportRefused, checkExportLines, exportEvents, importEvents } from './event-log-transfer';

const metadata = { actor: { id: 'office', role: 'office' }, correlationId: 'c', causationId: 'c', recordedAt: '2026-11-30T00:00:00.000Z' };
const party = (n: number, name = `Party ${n}`) =>
  JSON.stringify({ position: String(n), streamId: `party-${n}`, revision: '0', id: `e${n}`, type: 'PartyRegistered', data: { partyId: `${n}`, name, kind: 'company' }, metadata });
const end = (events: number) => JSON.stringify({ endOfExport: { events } });
async function* linesOf(lines: string[]) {
  yield* lines;
}

describe('importing an export', () => {
  const dir = useTempDir('ledger-import-');
  const withStore = async (work: (store: SqliteEventStore) => Promise<void>) => {
    const store = new SqliteEventStore(join(dir(), 'events.sqlite'));
    try {
      await work(store);
    } finally {
      await store.close();
    }
  };

  it("cuts one stream's run into appends of at most 512 KiB, which EventStoreDB's default MaxAppendSize (1 MiB) takes", () => withStore(async (store) => {
    // Before, 500 events an append whatever their size: 500 events of ~4 KB each is 2 MB, refused by EventStoreDB.
    const note = 'x'.repeat(4000);
    const lines = Array.from({ length: 300 }, (_, r) =>
      JSON.stringify({ position: String(r + 1), streamId: 'patent-1', revision: String(r), id: `e${r}`, type: 'PatentCostRecorded', data: { note }, metadata }));
    const sizes: number[] = [];
    const append = store.append.bind(store);
    jest.spyOn(store, 'append').mockImplementation(async (stream, events, options) => {
      sizes.push(events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0));
      return append(stream, events, options);
    });
    await importEvents(store, () => linesOf([...lines, end(300)]));
    expect(sizes.length).toBeGreaterThan(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(512 * 1024);
    expect((await store.readStream('patent-1')).length).toBe(300);
  }));

  it('refuses an event of a type the ledger does not have, naming the line, with nothing appended', () => withStore(async (store) => {
    // Before, a misspelt RoyaltyAssessed was imported, and verified: no projection reads it, so its figures went missing.
    const misspelt = party(2).replace('PartyRegistered', 'PartyRegistred');
    const beginning = jest.fn(async () => undefined);
    await expect(importEvents(store, () => linesOf([party(1), misspelt, end(2)]), undefined, 'required', beginning))
      .rejects.toThrow(new ImportRefused('line 2: type PartyRegistred is not an event of this ledger'));
    expect(await store.headPosition()).toBe(-1n);
    expect(beginning).not.toHaveBeenCalled(); // no unfinished import is recorded for a file refused whole
  }));

  it('says what a line that is not JSON looks like, where it can tell: cut short, or npm\'s banner', async () => {
    // Before, both were a bare "line N is not JSON" (operator QA: a file cut mid-line, an export saved without `npm run -s`).
    const refusal = (lines: string[]) => checkExportLines(linesOf(lines)).then(() => '', (error: Error) => error.message);
    const cut = party(2).slice(0, 40);
    expect(await refusal([party(1), cut])).toBe('line 2 is not JSON: it ends inside its JSON, as a file cut short there does; export again, or copy the whole file');
    expect(await refusal([party(1), '{"position": '])).toContain('line 2 is not JSON: it ends inside its JSON');
    expect(await refusal(['', '> royalty-ledger@0.1.0 cli', party(1)])).toBe("line 2 is not JSON: it looks like npm's banner; export with `npm run -s cli -- export` or with `--out <file>`");
    expect(await refusal([party(1), '{"position": 1} trailing', end(1)])).toBe('line 2 is not JSON'); // nothing more to say of it
  });

  it('refuses a store holding another ledger at the first line, before checking the rest of the file', () => withStore(async (store) => {
    // Before, the whole file was checked first: a million lines took 36 s and 470 MB before the refusal, and a bad line was reported instead.
    await store.append('party-elsewhere', [{ id: 'other', type: 'PartyRegistered', data: {}, metadata }], { expectedRevision: 'no_stream' });
    await expect(importEvents(store, () => linesOf([party(1), '{"position": ', end(2)])))
      .rejects.toThrow(new ImportRefused('the target store is not empty and does not begin with this file (line 1: it holds party-elsewhere@0 there): import into a new store'));
  }));

  it('appends only lines as they were checked when the file changes between its two readings, and resumes with the right file', () => withStore(async (store) => {
    // Before, the second reading appended whatever the file then held, unchecked, or stopped on a bare JSON error.
    const right = [party(1), party(2), party(3), party(4), end(4)];
    const readings = [right, [party(1), party(2), party(3, 'Written over'), '{"position": ', end(4)]];
    const beginning = jest.fn(async () => expect(await store.headPosition()).toBe(-1n)); // before the first append
    await expect(importEvents(store, () => linesOf(readings.shift()!), undefined, 'required', beginning))
      .rejects.toThrow('the file changed since it was checked (line 3 is not the line checked): 2 events appended, each from a line as checked');
    expect((await store.readAll()).map((e) => (e.data as { name: string }).name)).toEqual(['Party 1', 'Party 2']);
    expect(beginning).toHaveBeenCalledTimes(1);
    const cut = [right, right.slice(0, 3)];
    await expect(importEvents(store, () => linesOf(cut.shift()!))).rejects.toThrow('(it ends at line 3, line 5 when checked): 1 event appended');
    expect(await importEvents(store, () => linesOf(right))).toEqual({ resumedAfter: 3, appended: 1 });
    expect((await store.readAll()).map((e) => (e.data as { name: string }).name)).toEqual(['Party 1', 'Party 2', 'Party 3', 'Party 4']);
  }));

  it("refuses an export whose events do not hash to its end line's sha256, with nothing appended", () => withStore(async (source) => {
    await source.append('party-1', [{ id: 'e1', type: 'PartyRegistered', data: { partyId: '1', name: 'Party 1', kind: 'company' }, metadata }], { expectedRevision: 'no_stream' });
    await source.append('party-2', [{ id: 'e2', type: 'PayoutRecorded', data: { partyId: '2', amount: '100.00', currency: 'CNY' }, metadata }], { expectedRevision: 'no_stream' });
    const lines: string[] = [];
    await exportEvents(source, (line) => void lines.push(line));
    expect(JSON.parse(lines[2])).toEqual({ endOfExport: { events: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const target = new SqliteEventStore(join(dir(), 'target.sqlite'));
    try {
      // Before: an amount edited by hand imported whole (and one that unbalanced the journal stopped every projection for good).
      const edited = [lines[0], lines[1].replace('"100.00"', '"100000.00"'), lines[2]];
      await expect(importEvents(target, () => linesOf(edited))).rejects.toThrow(new ImportRefused(
        "the file's events do not hash to its end line's sha256: a line was changed after the export (edited, or corrupted in a copy); export the store again"));
      expect(await target.headPosition()).toBe(-1n);
      const notHex = [lines[0], lines[1], JSON.stringify({ endOfExport: { events: 2, sha256: 'abc' } })];
      await expect(importEvents(target, () => linesOf(notHex))).rejects.toThrow("line 3: the end line's endOfExport.sha256 is not a SHA-256 in hex");
      // Blank lines between the events are no events: the same lines with them hash alike.
      expect(await importEvents(target, () => linesOf([lines[0], '', lines[1], lines[2]]))).toEqual({ resumedAfter: 0, appended: 2 });
    } finally {
      await target.close();
    }
  }));

  it('takes an export written before end lines had a sha256, and refuses a store that holds its ids with other contents', () => withStore(async (store) => {
    expect(await importEvents(store, () => linesOf([party(1), party(2), end(2)]))).toEqual({ resumedAfter: 0, appended: 2 });
    // Before: "already holds this file's 2 events: nothing to import", the store keeping Party 2 as it was.
    await expect(importEvents(store, () => linesOf([party(1), party(2, 'Edited'), end(2)]))).rejects.toThrow(new ImportRefused(
      'line 2: the store holds event e2 (party-2@0) with other contents than the file\'s: this file is not the one imported into it; import into a new store'));
    await expect(importEvents(store, () => linesOf([party(1, 'Edited'), party(2), end(2)]))).rejects.toThrow('line 1: the store holds event e1');
    expect(await importEvents(store, () => linesOf([party(1), party(2), party(3), end(3)]))).toEqual({ resumedAfter: 2, appended: 1 });
  }));
});
