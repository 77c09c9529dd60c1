/** Raw event-store rates: the limits the ledger's own figures are compared with. */
import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent } from '../../libs/event-store/src/port';

/** An event about the size of a one-line sales report. */
export const sampleEvent = (n: number): NewEvent => {
  const id = randomUUID();
  return {
    id, type: 'SalesReportSubmitted',
    data: { n, period: '2025-Q1', lines: [{ product: 'P', territory: 'CN', units: '10', grossSales: '520000.00', deductions: '40000.00' }] },
    metadata: { actor: { id: 'bench', role: 'office' }, correlationId: id, causationId: id, recordedAt: new Date().toISOString() },
  };
};

export const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);

/** Appends of one event per transaction, one after another (events/s = transactions/s). */
export async function singleAppendRate(store: EventStore, count: number, prefix = 'bench-single'): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < count; i++) await store.append(`${prefix}-${i % 50}`, [sampleEvent(i)], { expectedRevision: 'any' });
  return rate(count, performance.now() - t);
}

/** Appends of 100 events per transaction. */
export async function batchAppendRate(store: EventStore, batches: number, prefix = 'bench-batch'): Promise<number> {
  const t = performance.now();
  for (let b = 0; b < batches; b++) {
    await store.append(`${prefix}-${b}`, Array.from({ length: 100 }, (_, i) => sampleEvent(i)), { expectedRevision: 'any' });
  }
  return rate(batches * 100, performance.now() - t);
}

/** Reads the whole log in pages of 1,000. */
export async function readAllRate(store: EventStore): Promise<{ events: number; rate: number }> {
  const t = performance.now();
  let events = 0;
  for (let from = 0n; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
    if (page.length === 0) break;
    events += page.length;
    from = page[page.length - 1].position + 1n;
  }
  return { events, rate: rate(events, performance.now() - t) };
}
