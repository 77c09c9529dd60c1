import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent, RecordedEvent, WrongExpectedRevision } from '../port';

/**
 * The one contract every adapter passes. It never assumes an empty store (EventStoreDB keeps its data
 * between runs): streams get unique names and global reads start at the head position.
 */
export interface ContractTarget {
  open(): Promise<EventStore>;
}

export function newEvent(type = 'Tested', data: unknown = { n: 1 }): NewEvent {
  const id = randomUUID();
  return {
    id,
    type,
    data,
    metadata: { actor: { id: 'contract', role: 'office' }, correlationId: id, causationId: id, recordedAt: '2026-01-01T00:00:00.000Z' },
  };
}

const stream = (label: string) => `contract_${label}-${randomUUID()}`;

async function collectUntil(
  store: EventStore, from: bigint | 'start', streams: Set<string>, count: number, seen: RecordedEvent[],
) {
  const sub = store.subscribeAll({ fromPosition: from }, (e) => {
    if (streams.has(e.streamId)) seen.push(e);
  });
  const deadline = Date.now() + 15000;
  while (seen.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return sub;
}

export function eventStoreContract(name: string, target: ContractTarget): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => { store = await target.open(); });
    afterAll(async () => { await store?.close(); });

    it('appends to a new stream and reads it back with revision 0 and full metadata', async () => {
      const s = stream('new');
      const e = newEvent('PartyRegistered', { name: 'Eastlake', nested: { a: [1, 'x'] } });
      const result = await store.append(s, [e], { expectedRevision: 'no_stream' });
      expect(result.nextRevision).toBe(0n);
      const [read] = await store.readStream(s);
      expect(read).toMatchObject({ id: e.id, type: e.type, data: e.data, metadata: e.metadata, streamId: s, revision: 0n });
      expect(read.position).toBe(result.position);
    });

    it('returns an empty array for a stream that does not exist', async () => {
      expect(await store.readStream(stream('missing'))).toEqual([]);
    });

    it('honours every expectedRevision form', async () => {
      const s = stream('forms');
      await expect(store.append(s, [newEvent()], { expectedRevision: 'exists' })).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect((await store.append(s, [newEvent()], { expectedRevision: 'any' })).nextRevision).toBe(0n);
      await expect(store.append(s, [newEvent()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect((await store.append(s, [newEvent()], { expectedRevision: 'exists' })).nextRevision).toBe(1n);
      expect((await store.append(s, [newEvent(), newEvent()], { expectedRevision: 1n })).nextRevision).toBe(3n);
      const conflict = await store.append(s, [newEvent()], { expectedRevision: 1n }).catch((e) => e);
      expect(conflict).toBeInstanceOf(WrongExpectedRevision);
      expect(conflict).toMatchObject({ streamId: s, expected: 1n, actual: 3n });
      expect((await store.append(s, [newEvent()], { expectedRevision: 'any' })).nextRevision).toBe(4n);
      expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
    });

    it('treats a retry with the same event ids and expected revision as a no-op', async () => {
      const s = stream('retry');
      const batch = [newEvent(), newEvent()];
      const first = await store.append(s, batch, { expectedRevision: 'no_stream' });
      const again = await store.append(s, batch, { expectedRevision: 'no_stream' });
      expect(again).toEqual(first);
      const anyAgain = await store.append(s, batch, { expectedRevision: 'any' });
      expect(anyAgain.nextRevision).toBe(first.nextRevision);
      await store.append(s, [newEvent()], { expectedRevision: 1n });
      expect(await store.append(s, batch, { expectedRevision: 'no_stream' })).toEqual(first);
      expect(await store.readStream(s)).toHaveLength(3);
    });

    it('reads a stream from a revision with a maximum count', async () => {
      const s = stream('page');
      await store.append(s, Array.from({ length: 10 }, (_, n) => newEvent('T', { n })), { expectedRevision: 'no_stream' });
      const page = await store.readStream(s, { fromRevision: 3n, maxCount: 4 });
      expect(page.map((e) => (e.data as { n: number }).n)).toEqual([3, 4, 5, 6]);
    });

    it('reads all events in strictly increasing position order, page by page', async () => {
      const start = (await store.headPosition()) + 1n;
      const a = stream('all'), b = stream('all');
      const mine = new Set([a, b]);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const e = newEvent('T', { i });
        ids.push(e.id);
        await store.append(i % 2 ? b : a, [e], { expectedRevision: 'any' });
      }
      const all = (await store.readAll({ fromPosition: start })).filter((e) => mine.has(e.streamId));
      expect(all.map((e) => e.id)).toEqual(ids);
      const paged: RecordedEvent[] = [];
      let from = start;
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: 2 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(2);
        paged.push(...page);
        from = page[page.length - 1].position + 1n;
      }
      const positions = paged.map((e) => e.position);
      positions.forEach((p, i) => i > 0 && expect(p > positions[i - 1]).toBe(true));
      expect(paged.filter((e) => mine.has(e.streamId)).map((e) => e.id)).toEqual(ids);
      expect(await store.headPosition()).toBe(paged[paged.length - 1].position);
    });

    it('subscribes from a checkpoint: catch-up, then live, then resumes without loss or duplicates', async () => {
      const start = (await store.headPosition());
      const s = stream('sub');
      const mine = new Set([s]);
      for (let i = 0; i < 5; i++) await store.append(s, [newEvent('T', { i })], { expectedRevision: 'any' });
      const seen: RecordedEvent[] = [];
      const sub = await collectUntil(store, start < 0n ? 'start' : start, mine, 5, seen);
      for (let i = 5; i < 8; i++) await store.append(s, [newEvent('T', { i })], { expectedRevision: 'any' });
      const deadline = Date.now() + 15000;
      while (seen.length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await sub.stop();
      expect(seen.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

      const checkpoint = seen[3].position;
      await store.append(s, [newEvent('T', { i: 8 })], { expectedRevision: 'any' });
      const resumed: RecordedEvent[] = [];
      const sub2 = await collectUntil(store, checkpoint, mine, 5, resumed);
      await new Promise((r) => setTimeout(r, 100));
      await sub2.stop();
      expect(resumed.map((e) => (e.data as { i: number }).i)).toEqual([4, 5, 6, 7, 8]);
    });

    it('ends a subscription with the error its handler threw', async () => {
      const s = stream('boom');
      const start = await store.headPosition();
      await store.append(s, [newEvent()], { expectedRevision: 'no_stream' });
      const sub = store.subscribeAll({ fromPosition: start < 0n ? 'start' : start }, (e) => {
        if (e.streamId === s) throw new Error('handler failed');
      });
      await expect(sub.done).rejects.toThrow('handler failed');
      await sub.stop();
    });

    it('keeps unicode and 1 MB payloads intact', async () => {
      const s = stream('payload');
      const text = '知识产权入股 — Ünïcödé ✓ 🧪 \u0000 "quoted" \\ back';
      const big = 'x'.repeat(1024 * 1024);
      await store.append(s, [newEvent('Unicode', { text }), newEvent('Big', { big })], { expectedRevision: 'no_stream' });
      const [u, b] = await store.readStream(s);
      expect((u.data as { text: string }).text).toBe(text);
      expect((b.data as { big: string }).big).toHaveLength(big.length);
    });

    it('lets exactly one of 20 racing writers win each revision; the losers get the conflict', async () => {
      const s = stream('race');
      await store.append(s, [newEvent()], { expectedRevision: 'no_stream' });
      const firstRound = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.append(s, [newEvent()], { expectedRevision: 0n })),
      );
      expect(firstRound.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const losers = firstRound.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(losers).toHaveLength(19);
      losers.forEach((l) => expect(l.reason).toBeInstanceOf(WrongExpectedRevision));

      // Every writer now retries with the revision it reads until it lands: each revision exactly once.
      const writers = Array.from({ length: 20 }, async (_, w) => {
        const e = newEvent('Raced', { w });
        for (;;) {
          const events = await store.readStream(s);
          try {
            return await store.append(s, [e], { expectedRevision: events[events.length - 1].revision });
          } catch (err) {
            if (!(err instanceof WrongExpectedRevision)) throw err;
          }
        }
      });
      await Promise.all(writers);
      const events = await store.readStream(s);
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 22 }, (_, i) => BigInt(i)));
      expect(new Set(events.filter((e) => e.type === 'Raced').map((e) => (e.data as { w: number }).w)).size).toBe(20);
    });
  });
}
