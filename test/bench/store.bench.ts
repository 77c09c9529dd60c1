/**
 * npm run bench:store — raw event-store rates for every reachable adapter, printed as a table:
 * appends with one event per transaction, appends in batches of 100, and readAll in pages of 1,000.
 * Not part of the test run: figures vary by machine, so they are measured, never asserted.
 */
import { cpus } from 'node:os';
import { EventStoreDbEventStore } from '../../libs/event-store/src/eventstoredb/eventstoredb-event-store';
import { EventStore } from '../../libs/event-store/src/port';
import { ADAPTERS } from './bench-stores';
import { batchAppendRate, readAllRate, singleAppendRate } from './raw-store';

const SINGLE = Number(process.env.BENCH_SINGLE ?? 2000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);

async function measure(store: EventStore) {
  const single = await singleAppendRate(store, SINGLE);
  const batch = await batchAppendRate(store, BATCHES);
  const { events: read, rate: readAll } = await readAllRate(store);
  return { single, batch, readAll, read };
}

async function main() {
  const rows: Record<string, unknown>[] = [];
  for (const adapter of ADAPTERS) {
    const why = adapter.unavailable();
    if (why) {
      console.log(`${adapter.name}: ${why}, skipped`);
      continue;
    }
    const place = await adapter.create('store');
    const store = await place.openStore();
    try {
      rows.push({ adapter: adapter.name, ...(await measure(store)) });
    } finally {
      await store.close();
      await place.remove();
    }
  }

  if (process.env.ESDB_CONNECTION_STRING) {
    const esdb = new EventStoreDbEventStore(process.env.ESDB_CONNECTION_STRING);
    rows.push({ adapter: 'eventstoredb', ...(await measure(esdb)) });
    await esdb.close();
  } else {
    console.log('eventstoredb: ESDB_CONNECTION_STRING not set, skipped');
  }

  console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  console.log(`appends: ${SINGLE} single-event transactions, ${BATCHES} batches of 100; readAll in pages of 1,000\n`);
  console.log('| adapter | append, 1 event/tx (events/s) | append, batches of 100 (events/s) | readAll (events/s) | events read | batch ÷ single | readAll ÷ single |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows as { adapter: string; single: number; batch: number; readAll: number; read: number }[]) {
    console.log(`| ${r.adapter} | ${r.single} | ${r.batch} | ${r.readAll} | ${r.read} | ${(r.batch / r.single).toFixed(1)} | ${(r.readAll / r.single).toFixed(1)} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
