import { EventStore, NewEvent, RecordedEvent } from '@ledger/event-store';

/** One line of an NDJSON export: an event with its stream, revision and original position. */
export interface ExportedEvent {
  position: string;
  streamId: string;
  revision: string;
  id: string;
  type: string;
  data: unknown;
  metadata: NewEvent['metadata'];
}

const PAGE = 1000;

/** Writes every event in global order, one JSON object a line; returns the count. */
export async function exportEvents(store: EventStore, write: (line: string) => Promise<void> | void): Promise<number> {
  let count = 0;
  for (let from = 0n; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE });
    if (page.length === 0) return count;
    for (const e of page) {
      const line: ExportedEvent = {
        position: e.position.toString(), streamId: e.streamId, revision: e.revision.toString(), id: e.id, type: e.type, data: e.data, metadata: e.metadata,
      };
      await write(JSON.stringify(line));
      count++;
    }
    from = page[page.length - 1].position + 1n;
  }
}

export class ImportRefused extends Error {
  override readonly name = 'ImportRefused';
}

/**
 * Appends an export into an EMPTY store, keeping event ids, metadata and each stream's revisions
 * (consecutive events of one stream go in one append). Positions are the new store's own.
 */
export async function importEvents(store: EventStore, openLines: () => AsyncIterable<string>, progress?: (count: number) => void): Promise<number> {
  if ((await store.headPosition()) !== -1n) throw new ImportRefused('the target store is not empty: import only into a new store');
  // Opened only now: a readline iterator loses the lines it reads before iteration begins.
  const lines = openLines();
  const next = new Map<string, bigint>();
  let batch: ExportedEvent[] = [];
  let count = 0;
  let lineNo = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const first = BigInt(batch[0].revision);
    await store.append(batch[0].streamId, batch.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })), {
      expectedRevision: first === 0n ? 'no_stream' : first - 1n,
    });
    count += batch.length;
    progress?.(count);
    batch = [];
  };
  for await (const raw of lines) {
    lineNo++;
    if (raw.trim() === '') continue;
    let event: ExportedEvent;
    try {
      event = JSON.parse(raw) as ExportedEvent;
    } catch {
      throw new ImportRefused(`line ${lineNo} is not JSON`);
    }
    const expected = next.get(event.streamId) ?? 0n;
    if (typeof event.streamId !== 'string' || BigInt(event.revision) !== expected) {
      throw new ImportRefused(`line ${lineNo}: ${event.streamId} revision ${event.revision}, expected ${expected}`);
    }
    next.set(event.streamId, expected + 1n);
    if (batch.length && (batch[0].streamId !== event.streamId || batch.length >= 500)) await flush();
    batch.push(event);
  }
  await flush();
  return count;
}

/** Streams whose revisions do not run 0, 1, 2, … in global order. */
export async function revisionGaps(store: EventStore): Promise<string[]> {
  const next = new Map<string, bigint>();
  const problems: string[] = [];
  for (let from = 0n; ; ) {
    const page: RecordedEvent[] = await store.readAll({ fromPosition: from, maxCount: PAGE });
    if (page.length === 0) return problems;
    for (const e of page) {
      const expected = next.get(e.streamId) ?? 0n;
      if (e.revision !== expected) problems.push(`${e.streamId}: revision ${e.revision} where ${expected} was expected`);
      next.set(e.streamId, e.revision + 1n);
    }
    from = page[page.length - 1].position + 1n;
  }
}
