import { eventStoreContract, newEvent } from '../contract/event-store.contract';
import { groupCommitContract } from '../contract/group-commit.contract';
import { TestDatabase, createTestDatabase, describePostgres } from '../testing/postgres-test-db';
import { PostgresEventStore } from './postgres-event-store';

/** Waits up to five seconds for a subscriber to have seen the event. */
async function delivered(seen: readonly string[], id: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!seen.includes(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** Subscribes from the store's head, keeping the ids of the events delivered. */
async function watchFromHead(store: PostgresEventStore) {
  const start = await store.headPosition();
  const seen: string[] = [];
  const sub = store.subscribeAll({ fromPosition: start < 0n ? 'start' : start }, (e) => { seen.push(e.id); });
  return { seen, sub };
}

describePostgres('PostgresEventStore', () => {
  let db: TestDatabase | undefined;
  beforeAll(async () => { db = await createTestDatabase('event_store'); });
  // The contract's own afterAll (closing its store) runs first: it sits in a nested describe.
  afterAll(async () => { await db?.drop(); });

  eventStoreContract('postgres', { open: () => PostgresEventStore.open(db!.url, { idlePollMs: 100 }) });
  groupCommitContract('postgres', () => PostgresEventStore.open(db!.url));

  it('creates its schema once when several processes open a fresh database at the same time', async () => {
    const fresh = await createTestDatabase('schema_race');
    try {
      const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresEventStore.open(fresh!.url)));
      await stores[0].append('s-1', [newEvent()], { expectedRevision: 'no_stream' });
      for (const s of stores) expect(await s.headPosition()).toBe(1n);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await fresh?.drop();
    }
  });

  it('wakes a subscriber of one store when another store (another process) appends', async () => {
    const reader = await PostgresEventStore.open(db!.url, { idlePollMs: 60_000 }); // only NOTIFY can wake it
    const writer = await PostgresEventStore.open(db!.url);
    const { seen, sub } = await watchFromHead(reader);
    await new Promise((r) => setTimeout(r, 200)); // the catch-up read finds nothing and sleeps
    const e = newEvent();
    await writer.append(`notify-${e.id}`, [e], { expectedRevision: 'no_stream' });
    await delivered(seen, e.id);
    expect(seen).toContain(e.id);
    await sub.stop();
    await Promise.all([reader.close(), writer.close()]);
  });

  it('wakes its own subscriber once for its own append: its notification is not a second wake-up', async () => {
    const store = await PostgresEventStore.open(db!.url, { idlePollMs: 60_000 }); // only appends can wake it
    const other = await PostgresEventStore.open(db!.url);
    const { seen, sub } = await watchFromHead(store);
    await (store as unknown as { listening: Promise<void> }).listening; // LISTEN is in place
    await new Promise((r) => setTimeout(r, 200)); // the catch-up read finds nothing and sleeps
    const reads = jest.spyOn(store, 'readAll');
    const until = async (id: string) => {
      await delivered(seen, id);
      await new Promise((r) => setTimeout(r, 300)); // time for any notification to come back
    };
    const own = newEvent();
    await store.append(`own-${own.id}`, [own], { expectedRevision: 'no_stream' });
    await until(own.id);
    const theirs = newEvent(); // the control: another store's notification does wake it
    await other.append(`theirs-${theirs.id}`, [theirs], { expectedRevision: 'no_stream' });
    await until(theirs.id);
    expect(seen).toEqual([own.id, theirs.id]);
    expect(reads).toHaveBeenCalledTimes(2); // one read per append; with its own notification, three
    await sub.stop();
    await Promise.all([store.close(), other.close()]);
  });
});
