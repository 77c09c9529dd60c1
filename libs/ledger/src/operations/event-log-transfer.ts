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
 * The log position an event's data names: an allocation's source. Positions are each store's own
 * (PostgreSQL's have holes, EventStoreDB's encode its commit positions), and revenue sharing compares
 * them with the positions of the store it runs on, so an import translates them.
 */
function sourcePosition(event: ExportedEvent): string | undefined {
  if (event.type !== 'DistributionAllocated') return undefined;
  return (event.data as { source?: { position?: string } } | null)?.source?.position;
}

const withSourcePosition = (event: ExportedEvent, position: string): ExportedEvent => {
  const data = event.data as { source: object };
  return { ...event, data: { ...data, source: { ...data.source, position } } };
};

const DIGITS = /^\d+$/;

/** One line as an event, or why it is not one. */
function parseLine(raw: string, lineNo: number): ExportedEvent {
  let event: ExportedEvent;
  try {
    event = JSON.parse(raw) as ExportedEvent;
  } catch {
    throw new ImportRefused(`line ${lineNo} is not JSON`);
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new ImportRefused(`line ${lineNo} is not an event object`);
  for (const field of ['position', 'streamId', 'revision', 'id', 'type'] as const) {
    if (typeof event[field] !== 'string' || event[field] === '') throw new ImportRefused(`line ${lineNo}: ${field} is missing or not a non-empty string`);
  }
  for (const field of ['position', 'revision'] as const) {
    if (!DIGITS.test(event[field])) throw new ImportRefused(`line ${lineNo}: ${field} ${event[field]} is not a whole number`);
  }
  if (event.metadata === null || typeof event.metadata !== 'object') throw new ImportRefused(`line ${lineNo}: metadata is missing`);
  return event;
}

/**
 * Reads the whole export before anything is appended, so a bad line refuses the import with the
 * store still empty: every line an event, positions rising, each stream's revisions 0, 1, 2, …, and
 * every allocation's source an earlier event of the file. Returns the positions that are sources.
 */
async function checkExport(lines: AsyncIterable<string>): Promise<Set<string>> {
  const next = new Map<string, bigint>();
  const positions = new Set<string>();
  const sources = new Set<string>();
  let last = -1n;
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    if (raw.trim() === '') continue;
    const event = parseLine(raw, lineNo);
    const position = BigInt(event.position);
    if (position <= last) throw new ImportRefused(`line ${lineNo}: position ${position} does not follow ${last}: not an export in log order`);
    const expected = next.get(event.streamId) ?? 0n;
    if (BigInt(event.revision) !== expected) {
      throw new ImportRefused(`line ${lineNo}: ${event.streamId} revision ${event.revision}, expected ${expected}`);
    }
    const source = sourcePosition(event);
    if (source !== undefined && !positions.has(source)) {
      throw new ImportRefused(`line ${lineNo}: the allocation's source.position ${source} is not the position of an earlier event in the file`);
    }
    if (source !== undefined) sources.add(source);
    positions.add(event.position);
    next.set(event.streamId, expected + 1n);
    last = position;
  }
  return sources;
}

/**
 * Appends an export into an EMPTY store, keeping event ids, metadata and each stream's revisions
 * (consecutive events of one stream go in one append). Positions are the new store's own: an
 * allocation's source position is rewritten to where its source landed. `openLines` is called twice:
 * the file is checked whole before the first append.
 */
export async function importEvents(store: EventStore, openLines: () => AsyncIterable<string>, progress?: (count: number) => void): Promise<number> {
  if ((await store.headPosition()) !== -1n) throw new ImportRefused('the target store is not empty: import only into a new store');
  // Opened only when iterated: a readline iterator loses the lines it reads before iteration begins.
  const sources = await checkExport(openLines());
  const landed = new Map<string, string>();
  let batch: ExportedEvent[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const first = BigInt(batch[0].revision);
    const { position } = await store.append(batch[0].streamId, batch.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })), {
      expectedRevision: first === 0n ? 'no_stream' : first - 1n,
    });
    // A source always ends its batch, so the append's last position is the source's.
    const lastOld = batch[batch.length - 1].position;
    if (sources.has(lastOld)) landed.set(lastOld, position.toString());
    count += batch.length;
    progress?.(count);
    batch = [];
  };
  for await (const raw of openLines()) {
    if (raw.trim() === '') continue;
    let event = JSON.parse(raw) as ExportedEvent;
    const source = sourcePosition(event);
    if (source !== undefined) event = withSourcePosition(event, landed.get(source)!);
    if (batch.length && (batch[0].streamId !== event.streamId || batch.length >= 500)) await flush();
    batch.push(event);
    if (sources.has(event.position)) await flush();
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
