import { UnavailableError, excludeSystemEvents } from '@eventstore/db-client';
import { eventStoreContract, newEvent } from '../contract/event-store.contract';
import { RecordedEvent, WrongExpectedRevision } from '../port';
import { EventStoreDbEventStore, EventStoreDbNotAnswering, decodePosition, encodePosition, toServerPosition } from './eventstoredb-event-store';
import { isStoreUnavailable } from '../store-unavailable';
import { PassThrough, Readable } from 'node:stream';
import { FakeEventStoreDbClient, FakeOptions } from './fake-eventstoredb-client';

const U64 = (1n << 64n) - 1n;

function open(options: FakeOptions = {}, pageSize?: number, answerWithinMs?: number) {
  const fake = new FakeEventStoreDbClient(options);
  return { fake, store: new EventStoreDbEventStore(fake.asClient(), { pageSize, answerWithinMs }) };
}

const until = async (check: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
};

describe('EventStoreDB positions', () => {
  it('round-trips {commit, prepare} pairs, including the largest commit positions', () => {
    for (const p of [
      { commit: 0n, prepare: 0n }, { commit: 1n, prepare: 1n }, { commit: 123_456_789n, prepare: 123_456_000n },
      { commit: 1n << 40n, prepare: 0n }, { commit: U64, prepare: U64 }, { commit: U64, prepare: 0n }, { commit: 2n ** 63n + 7n, prepare: 5n },
    ]) {
      expect(decodePosition(encodePosition(p))).toEqual(p);
    }
    expect(encodePosition({ commit: 1n, prepare: 0n })).toBe(1n << 64n);
  });

  it('preserves the $all order: commit first, then prepare (events of one commit)', () => {
    const pairs = Array.from({ length: 400 }, (_, i) => ({
      commit: BigInt((i * 7919) % 97) * (1n << 48n) + BigInt(i % 3), prepare: BigInt((i * 104729) % 89) * (1n << 50n),
    }));
    const byPair = [...pairs].sort((a, b) => (a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0));
    const byEncoded = [...pairs].sort((a, b) => { const x = encodePosition(a), y = encodePosition(b); return x < y ? -1 : x > y ? 1 : 0; });
    expect(byEncoded).toEqual(byPair);
    expect(encodePosition({ commit: 5n, prepare: U64 }) < encodePosition({ commit: 6n, prepare: 0n })).toBe(true);
    expect(encodePosition({ commit: 500n, prepare: 100n }) < encodePosition({ commit: 500n, prepare: 200n })).toBe(true);
  });

  it('rejects pairs and bigints outside the 64-bit ranges', () => {
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 0n, prepare: U64 + 1n })).toThrow(RangeError);
    expect(() => decodePosition(-1n)).toThrow(RangeError);
    expect(() => decodePosition(1n << 128n)).toThrow(RangeError);
  });

  it('lowers a position past the last event (prepare > commit) to a pair the server accepts', () => {
    const p = encodePosition({ commit: 700n, prepare: 700n });
    expect(toServerPosition(p + 1n)).toEqual({ commit: 700n, prepare: 700n });
    expect(toServerPosition(encodePosition({ commit: 900n, prepare: 300n }) + 1n)).toEqual({ commit: 900n, prepare: 301n });
  });
});

describe('EventStoreDbEventStore (fake client)', () => {
  it('maps every expectedRevision form onto the client constants and appends json events', async () => {
    const { fake, store } = open();
    const e = newEvent('PartyRegistered', { name: 'Eastlake' });
    await store.append('s', [e], { expectedRevision: 'no_stream' });
    await store.append('s', [newEvent()], { expectedRevision: 'exists' });
    await store.append('s', [newEvent()], { expectedRevision: 1n });
    await store.append('s', [newEvent()], { expectedRevision: 'any' });
    expect(fake.appendCalls.map((c) => c.options.expectedRevision)).toEqual(['no_stream', 'stream_exists', 1n, 'any']);
    expect(fake.appendCalls[0].events[0]).toEqual({ id: e.id, type: e.type, data: e.data, metadata: e.metadata, contentType: 'application/json' });
  });

  it("maps WrongExpectedVersionError onto WrongExpectedRevision with the actual revision or 'no_stream'", async () => {
    const { store } = open();
    const missing = await store.append('s', [newEvent()], { expectedRevision: 'exists' }).catch((err) => err);
    expect(missing).toBeInstanceOf(WrongExpectedRevision);
    expect(missing).toMatchObject({ streamId: 's', expected: 'exists', actual: 'no_stream' });
    await store.append('s', [newEvent(), newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' });
    const stale = await store.append('s', [newEvent()], { expectedRevision: 1n }).catch((err) => err);
    expect(stale).toMatchObject({ name: 'WrongExpectedRevision', streamId: 's', expected: 1n, actual: 3n });
  });

  it('passes other client errors through unchanged', async () => {
    const { fake, store } = open();
    const down = new UnavailableError();
    jest.spyOn(fake, 'appendToStream').mockRejectedValueOnce(down);
    await expect(store.append('s', [newEvent()], { expectedRevision: 'any' })).rejects.toBe(down);
  });

  it('fails an append, a read and a ping the server does not answer in time as not answering (503), ending the read', async () => {
    // The client reads and appends with no deadline: a server that took connections and never answered held them for ever.
    const { fake, store } = open({}, undefined, 50);
    const never = () => new Promise<never>(() => undefined);
    jest.spyOn(fake, 'appendToStream').mockImplementation(never);
    const hung = new PassThrough({ objectMode: true }); // a read whose answer never comes
    jest.spyOn(fake, 'readStream').mockReturnValue(hung as never);
    jest.spyOn(fake, 'readAll').mockImplementation(() => new PassThrough({ objectMode: true }) as never);
    const failures = await Promise.all([
      store.append('s', [newEvent()], { expectedRevision: 'any' }).catch((e) => e),
      store.readStream('s').catch((e) => e),
      store.ping().catch((e) => e),
    ]);
    expect(failures.map((e) => [e instanceof EventStoreDbNotAnswering, isStoreUnavailable(e)])).toEqual([[true, true], [true, true], [true, true]]);
    expect(failures[0].message).toBe('EventStoreDB did not answer an append to s within 50 ms');
    expect(hung.destroyed).toBe(true);
  });

  it('lets a long read go on while events keep coming: the deadline is for silence, not for the whole read', async () => {
    const { fake, store } = open({}, undefined, 50);
    await store.append('s', [newEvent(), newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' });
    const records = fake.log.map((event) => ({ event }));
    const steady = Readable.from((async function* () {
      for (const record of records) { await new Promise((r) => setTimeout(r, 30)); yield record; } // 120 ms in all
    })());
    jest.spyOn(fake, 'readStream').mockReturnValue(steady as never);
    expect((await store.readStream('s')).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
  });

  it('answers a committed append with the response\'s position when reading it back fails: it is not reported as failed', async () => {
    // Before, the read back's failure failed the append: its caller decided it again, with new event ids.
    const { fake, store } = open();
    jest.spyOn(fake, 'readStream').mockImplementationOnce(() => { throw new UnavailableError(); });
    const result = await store.append('s', [newEvent()], { expectedRevision: 'no_stream' });
    expect(result.nextRevision).toBe(0n);
    expect(result.position).toBeGreaterThan(0n);
    expect(fake.log).toHaveLength(1);
  });

  it('names the server\'s MaxAppendSize and the setting to raise when it refuses an append', async () => {
    const { store } = open({ maxAppendBytes: 1000 });
    const big = await store.append('s', [newEvent('Tested', { blob: 'x'.repeat(2000) })], { expectedRevision: 'any' }).catch((e) => e);
    expect(big.message).toContain('larger than its MaxAppendSize (1000 bytes; 1 MiB unless set): raise EVENTSTORE_MAX_APPEND_SIZE');
  });

  it('reads a whole stream from a negative revision, as the SQL stores do (the client throws on one)', async () => {
    const { store } = open();
    await store.append('s', [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
    expect((await store.readStream('s', { fromRevision: -5n })).map((e) => e.revision)).toEqual([0n, 1n]);
  });

  it('refuses throwOnAppendFailure=false in a connection string, and reads the real revision of a conflict a client so told answers', async () => {
    expect(() => new EventStoreDbEventStore('esdb://localhost:2113?tls=false&throwOnAppendFailure=false')).toThrow('throwOnAppendFailure=false is not supported');
    const { fake, store } = open();
    await store.append('s', [newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' });
    jest.spyOn(fake, 'appendToStream').mockResolvedValueOnce({ success: false, nextExpectedRevision: 1n } as never); // BigInt(true)
    await expect(store.append('s', [newEvent()], { expectedRevision: 0n })).rejects.toMatchObject({ name: 'WrongExpectedRevision', actual: 2n });
  });

  it('returns the $all position of the last appended event, also for a batch sharing one commit and a retry', async () => {
    const { store } = open({ sharedCommit: true });
    const batch = [newEvent(), newEvent(), newEvent()];
    const result = await store.append('s', batch, { expectedRevision: 'no_stream' });
    const all = await store.readAll();
    expect(result).toEqual({ nextRevision: 2n, position: all[2].position });
    expect(new Set(all.map((e) => decodePosition(e.position).commit)).size).toBe(1);
    expect(await store.append('s', batch, { expectedRevision: 'no_stream' })).toEqual(result);
  });

  it("falls back to the append response's position when stream reads carry none (server < 22.6)", async () => {
    const { store } = open({ noStreamPositions: true });
    const result = await store.append('s', [newEvent()], { expectedRevision: 'no_stream' });
    expect(result.position).toBe((await store.readAll())[0].position);
    expect((await store.readStream('s'))[0].position).toBe(-1n);
  });

  it('reads a stream by revision and count; a missing stream is empty', async () => {
    const { store } = open();
    expect(await store.readStream('nope')).toEqual([]);
    await store.append('s', Array.from({ length: 6 }, (_, n) => newEvent('T', { n })), { expectedRevision: 'no_stream' });
    const page = await store.readStream('s', { fromRevision: 2n, maxCount: 3 });
    expect(page.map((e) => [e.revision, (e.data as { n: number }).n])).toEqual([[2n, 2], [3n, 3], [4n, 4]]);
    expect(page[0]).toMatchObject({ streamId: 's', type: 'T', metadata: { actor: { id: 'contract', role: 'office' } } });
  });

  it('skips system events in readAll, pages past them to honour maxCount, and treats fromPosition as inclusive', async () => {
    const { fake, store } = open({}, 3);
    fake.system('$stats-127.0.0.1:2113', '$statsCollected');
    await store.append('a', [newEvent('T', { i: 0 })], { expectedRevision: 'any' });
    fake.system('$$a', '$metadata');
    fake.system('$ce-a', '$>');
    fake.system('$projections-$all', 'ProjectionUpdated'); // a $-stream with a plain type
    fake.system('a-sys', '$checkpoint'); // a $-type in a plain stream
    await store.append('b', [newEvent('T', { i: 1 }), newEvent('T', { i: 2 })], { expectedRevision: 'any' });
    fake.system('$ce-b', '$>');
    const all = await store.readAll();
    expect(all.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2]);
    expect((await store.readAll({ maxCount: 2 })).map((e) => (e.data as { i: number }).i)).toEqual([0, 1]);
    expect((await store.readAll({ fromPosition: all[1].position })).map((e) => e.id)).toEqual([all[1].id, all[2].id]);
    expect(await store.readAll({ fromPosition: all[2].position + 1n })).toEqual([]);
    expect(fake.readAllCalls.every((c) => typeof c.fromPosition !== 'object' || (c.fromPosition as { commit: bigint; prepare: bigint }).commit >= (c.fromPosition as { prepare: bigint }).prepare)).toBe(true);
  });

  it('pages through $all with position + 1 without loss, duplicates or disorder (shared commits too)', async () => {
    for (const sharedCommit of [false, true]) {
      const { store } = open({ sharedCommit }, 2);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const batch = [newEvent(), newEvent()];
        ids.push(...batch.map((e) => e.id));
        await store.append(`s-${i % 2}`, batch, { expectedRevision: 'any' });
      }
      const paged: RecordedEvent[] = [];
      for (let from = 0n; ;) {
        const page = await store.readAll({ fromPosition: from, maxCount: 3 });
        if (page.length === 0) break;
        paged.push(...page);
        from = page[page.length - 1].position + 1n;
      }
      expect(paged.map((e) => e.id)).toEqual(ids);
      paged.forEach((e, i) => i > 0 && expect(e.position > paged[i - 1].position).toBe(true));
      expect(await store.headPosition()).toBe(paged[paged.length - 1].position);
    }
  });

  it('finds the head position past trailing system events, or -1n', async () => {
    const { fake, store } = open({}, 2);
    expect(await store.headPosition()).toBe(-1n);
    fake.system('$settings', '$settings');
    expect(await store.headPosition()).toBe(-1n);
    const { position } = await store.append('s', [newEvent()], { expectedRevision: 'any' });
    for (let i = 0; i < 5; i++) fake.system('$ce-s', '$>');
    expect(await store.headPosition()).toBe(position);
  });

  it('pings and closes through the client', async () => {
    const { fake, store } = open();
    await store.ping();
    expect(fake.readAllCalls[0]).toMatchObject({ direction: 'backwards', maxCount: 1 });
    await store.close();
    expect(fake.disposed).toBe(true);
  });

  describe('subscribeAll', () => {
    it('subscribes with the system-event filter, from START or the decoded checkpoint (exclusive)', async () => {
      const { fake, store } = open();
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.append('s', [newEvent('T', { i })], { expectedRevision: 'any' }));
      const seen: number[] = [];
      const sub = store.subscribeAll({ fromPosition: results[1].position }, (e) => { seen.push((e.data as { i: number }).i); });
      await until(() => seen.length === 2);
      await store.append('s', [newEvent('T', { i: 4 })], { expectedRevision: 'any' });
      await until(() => seen.length === 3);
      await sub.stop();
      expect(seen).toEqual([2, 3, 4]);
      expect(fake.subscribeCalls[0]).toEqual({ fromPosition: decodePosition(results[1].position), filter: excludeSystemEvents() });
      await store.subscribeAll({}, () => undefined).stop();
      expect(fake.subscribeCalls[1]).toMatchObject({ fromPosition: 'start' });
    });

    it('awaits each handler call before the next and skips entries without an event', async () => {
      const { fake, store } = open();
      for (let i = 0; i < 3; i++) await store.append('s', [newEvent('T', { i })], { expectedRevision: 'any' });
      fake.system('$$s', '$metadata'); // the server filter drops it; the adapter would too
      let inFlight = 0, maxInFlight = 0;
      const seen: number[] = [];
      const sub = store.subscribeAll({ fromPosition: 'start' }, async (e) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        seen.push((e.data as { i: number }).i);
        inFlight--;
      });
      fake.pushUnresolvedLink();
      await store.append('s', [newEvent('T', { i: 3 }), newEvent('T', { i: 4 })], { expectedRevision: 'any' });
      await until(() => seen.length === 5);
      await sub.stop();
      expect(seen).toEqual([0, 1, 2, 3, 4]);
      expect(maxInFlight).toBe(1);
    });

    it('stop() waits for the handler call in flight, then resolves done', async () => {
      const { store } = open();
      await store.append('s', [newEvent()], { expectedRevision: 'any' });
      let finished = false;
      let started = false;
      const sub = store.subscribeAll({}, async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 50));
        finished = true;
      });
      await until(() => started);
      await sub.stop();
      expect(finished).toBe(true);
      await expect(sub.done).resolves.toBeUndefined();
    });

    it('rejects done with the error the handler threw, and unsubscribes', async () => {
      const { fake, store } = open();
      await store.append('s', [newEvent()], { expectedRevision: 'any' });
      const sub = store.subscribeAll({}, () => { throw new Error('handler failed'); });
      await expect(sub.done).rejects.toThrow('handler failed');
      expect(fake.live.size).toBe(0);
      await sub.stop();
    });

    it('rejects done when the subscription fails', async () => {
      const { fake, store } = open();
      const sub = store.subscribeAll({}, () => undefined);
      fake.failSubscriptions(new UnavailableError(undefined, 'server went away'));
      await expect(sub.done).rejects.toBeInstanceOf(UnavailableError);
      await sub.stop();
    });

    it('close() stops live subscriptions before disposing the client', async () => {
      const { fake, store } = open();
      const sub = store.subscribeAll({}, () => undefined);
      await store.close();
      await expect(sub.done).resolves.toBeUndefined();
      expect(fake.live.size).toBe(0);
    });
  });
});

// The shared contract against the fake: proves the adapter's own logic under the server semantics the
// fake models. eventstoredb-contract.spec.ts runs the same suite against a real server.
eventStoreContract('eventstoredb (in-memory fake client)', {
  open: async () => new EventStoreDbEventStore(new FakeEventStoreDbClient().asClient()),
});
