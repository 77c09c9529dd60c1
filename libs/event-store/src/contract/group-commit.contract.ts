import { randomUUID } from 'node:crypto';
import { AppendResult, EventStore, IdempotencyViolation, WrongExpectedRevision } from '../port';
import { newEvent } from './event-store.contract';

/**
 * What the SQL adapters' group commit promises (appends asked for together share one transaction):
 * the order asked for holds inside a batch, and an append refused on its own refuses nothing else.
 */
export function groupCommitContract(name: string, open: () => Promise<EventStore>): void {
  describe(`group commit: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => { store = await open(); });
    afterAll(() => store.close());

    it('commits appends asked for together in the order asked, refusing only the one that conflicts', async () => {
      const [s1, s2] = [`group-${randomUUID()}`, `group-${randomUUID()}`];
      const [a, b, c] = [newEvent('A'), newEvent('B'), newEvent('C')];
      const results = await Promise.allSettled([
        store.append(s1, [a], { expectedRevision: 'no_stream' }),
        store.append(s2, [b], { expectedRevision: 5n }), // wrong: the stream does not exist
        store.append(s1, [c], { expectedRevision: 0n }), // sees the first append of the batch
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
      const [first, , third] = results as PromiseFulfilledResult<AppendResult>[];
      expect([first.value.nextRevision, third.value.nextRevision]).toEqual([0n, 1n]);
      expect(third.value.position).toBeGreaterThan(first.value.position);
      expect((await store.readStream(s1)).map((e) => [e.id, e.position])).toEqual([[a.id, first.value.position], [c.id, third.value.position]]);
      expect(await store.readStream(s2)).toEqual([]);
    });

    it('recognises a retry asked for in the same batch as its original, and writes the events once', async () => {
      const s = `group-${randomUUID()}`;
      const events = [newEvent('A'), newEvent('B')];
      const other = `group-${randomUUID()}`;
      const [first, , again] = await Promise.all([
        store.append(s, events, { expectedRevision: 'no_stream' }),
        store.append(other, [newEvent()], { expectedRevision: 'no_stream' }),
        store.append(s, events, { expectedRevision: 'no_stream' }),
      ]);
      expect(again).toEqual(first);
      expect((await store.readStream(s)).map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(await store.readStream(other)).toHaveLength(1);
    });

    it('refuses an append that repeats only some of a stored append\'s ids and stores the rest of its batch', async () => {
      const s = `group-${randomUUID()}`;
      const [a, b] = [newEvent('A'), newEvent('B')];
      await store.append(s, [a, b], { expectedRevision: 'no_stream' });
      const other = `group-${randomUUID()}`;
      const results = await Promise.allSettled([
        store.append(other, [newEvent()], { expectedRevision: 'no_stream' }),
        store.append(s, [b, newEvent('C')], { expectedRevision: 'any' }),
        store.append(s, [newEvent('D')], { expectedRevision: 1n }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyViolation);
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'D']);
    });

    it('writes a batch of more events than one insert holds, each append at its own positions, in order', async () => {
      const streams = [0, 1, 2].map(() => `group-${randomUUID()}`);
      const results = await Promise.all(
        streams.map((s) => store.append(s, Array.from({ length: 450 }, () => newEvent()), { expectedRevision: 'no_stream' })),
      );
      expect(results.map((r) => r.nextRevision)).toEqual([449n, 449n, 449n]);
      for (const [i, s] of streams.entries()) {
        const events = await store.readStream(s);
        expect(events).toHaveLength(450);
        expect(events[449].position).toBe(results[i].position);
        if (i > 0) expect(events[0].position).toBeGreaterThan(results[i - 1].position);
      }
    });

    it('refuses an append that reuses another stream\'s event id and stores the rest of its batch', async () => {
      const taken = newEvent();
      await store.append(`group-${randomUUID()}`, [taken], { expectedRevision: 'no_stream' });
      const [s1, s2, s3] = [`group-${randomUUID()}`, `group-${randomUUID()}`, `group-${randomUUID()}`];
      const results = await Promise.allSettled([
        store.append(s1, [newEvent()], { expectedRevision: 'no_stream' }),
        store.append(s2, [newEvent(), taken], { expectedRevision: 'no_stream' }),
        store.append(s3, [newEvent()], { expectedRevision: 'no_stream' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyViolation); // SQLite's was a raw SqliteError: a 500
      expect(await store.readStream(s2)).toEqual([]);
      expect(await store.readStream(s1)).toHaveLength(1);
      expect(await store.readStream(s3)).toHaveLength(1);
    });
  });
}
