/**
 * npm run bench:store — raw event-store rates for every reachable adapter, printed as a table:
 * appends with one event per transaction, appends in batches of 100, and readAll in pages of 1,000.
 * Not part of the test run: figures vary by machine, so they are measured, never asserted.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDbEventStore } from '../../libs/event-store/src/eventstoredb/eventstoredb-event-store';
import { EventStore, NewEvent } from '../../libs/event-store/src/port';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { SqliteEventStore } from '../../libs/event-store/src/sqlite/sqlite-event-store';
import { createTestDatabase, postgresStatus } from '../../libs/event-store/src/testing/postgres-test-db';

const SINGLE = Number(process.env.BENCH_SINGLE ?? 2000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);

const event = (n: number): NewEvent => {
  const id = randomUUID();
  return {
    id, type: 'SalesReportSubmitted',
    data: { n, period: '2025-Q1', lines: [{ product: 'P', territory: 'CN', units: '10', grossSales: '520000.00', deductions: '40000.00' }] },
    metadata: { actor: { id: 'bench', role: 'office' }, correlationId: id, causationId: id, recordedAt: new Date().toISOString() },
  };
};

const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);

async function measure(store: EventStore) {
  let t = performance.now();
  for (let i = 0; i < SINGLE; i++) await store.append(`bench-single-${i % 50}`, [event(i)], { expectedRevision: 'any' });
  const single = rate(SINGLE, performance.now() - t);

  t = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    await store.append(`bench-batch-${b}`, Array.from({ length: 100 }, (_, i) => event(i)), { expectedRevision: 'any' });
  }
  const batch = rate(BATCHES * 100, performance.now() - t);

  t = performance.now();
  let read = 0;
  for (let from = 0n; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
    if (page.length === 0) break;
    read += page.length;
    from = page[page.length - 1].position + 1n;
  }
  const readAll = rate(read, performance.now() - t);
  return { single, batch, readAll, read };
}

async function main() {
  const rows: Record<string, unknown>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  try {
    const sqlite = new SqliteEventStore(join(dir, 'bench.sqlite'));
    rows.push({ adapter: 'sqlite', ...(await measure(sqlite)) });
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (postgresStatus().reachable) {
    const db = await createTestDatabase('bench');
    if (db) {
      const pg = await PostgresEventStore.open(db.url);
      try {
        rows.push({ adapter: 'postgres', ...(await measure(pg)) });
      } finally {
        await pg.close();
        await db.drop();
      }
    }
  } else {
    console.log('postgres: unreachable, skipped');
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
