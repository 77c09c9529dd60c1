import { LEDGER_EVENT_TYPES } from '@ledger/domain';
import { EventStore, NewEvent, RecordedEvent } from '@ledger/event-store';
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { CheckedLines } from './checked-lines';

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

/** The store's whole log in global order, read a page at a time. */
async function* logOf(store: Pick<EventStore, 'readAll'>): AsyncGenerator<RecordedEvent> {
  for (let from = 0n; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE });
    if (page.length === 0) return;
    yield* page;
    from = page[page.length - 1].position + 1n;
  }
}

/**
 * The last line of an export: how many events came before it. A file cut short (an export killed, a
 * copy that stopped) ends on a whole line as often as not, and would otherwise import and verify as a
 * smaller ledger.
 */
export interface ExportEnd {
  /**
   * `sha256`: of the event lines, each with its newline, as written. Without it an export edited by
   * hand or corrupted in transit (an amount changed, a journal then unbalanced) imported whole and
   * left projections that could never apply it. Exports written before it have none.
   */
  endOfExport: { events: number; sha256?: string };
}

/** The digest an end line states: every event line, each followed by its newline. */
class ExportDigest {
  private readonly hash = createHash('sha256');
  add(line: string): void {
    this.hash.update(line).update('\n');
  }
  hex(): string {
    return this.hash.digest('hex');
  }
}

const isEndLine = (value: object): value is ExportEnd => 'endOfExport' in value;

/** `absent-allowed`: a file written before exports had an end line, whose end nothing then shows. */
export type EndLine = 'required' | 'absent-allowed';

/** Writes every event in global order, one JSON object a line, then the end line; returns the count. */
export async function exportEvents(store: Pick<EventStore, 'readAll'>, write: (line: string) => Promise<void> | void): Promise<number> {
  let count = 0;
  const digest = new ExportDigest();
  for await (const e of logOf(store)) {
    const line: ExportedEvent = {
      position: e.position.toString(), streamId: e.streamId, revision: e.revision.toString(), id: e.id, type: e.type, data: e.data, metadata: e.metadata,
    };
    const text = JSON.stringify(line);
    digest.add(text);
    await write(text);
    count++;
  }
  const end: ExportEnd = { endOfExport: { events: count, sha256: digest.hex() } };
  await write(JSON.stringify(end));
  return count;
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

/**
 * What an operator can do about a line that is not JSON, where it can be told: one that stops inside
 * its JSON was cut (a copy or a download cut short), and npm's banner is what `npm run cli -- export`
 * without `-s` writes to stdout ahead of the export.
 */
function whyNotJson(raw: string, parserSays: string): string {
  if (raw.startsWith('> ')) return ": it looks like npm's banner; export with `npm run -s cli -- export` or with `--out <file>`";
  // Node 20 ends its message "at position N"; later ones add "(line 1 column N+1)".
  const cut = parserSays.includes('end of JSON input') || /at position (\d+)/.exec(parserSays)?.[1] === String(raw.length);
  return cut ? ': it ends inside its JSON, as a file cut short there does; export again, or copy the whole file' : '';
}

/** One line as an event or the end line, or why it is neither. */
function parseLine(raw: string, lineNo: number): ExportedEvent | ExportEnd {
  let event: ExportedEvent;
  try {
    event = JSON.parse(raw) as ExportedEvent;
  } catch (error) {
    throw new ImportRefused(`line ${lineNo} is not JSON${whyNotJson(raw, (error as Error).message)}`);
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new ImportRefused(`line ${lineNo} is not an event object`);
  if (isEndLine(event)) {
    if (!Number.isSafeInteger(event.endOfExport?.events)) throw new ImportRefused(`line ${lineNo}: the end line's endOfExport.events is not a count`);
    const { sha256 } = event.endOfExport;
    if (sha256 !== undefined && (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))) {
      throw new ImportRefused(`line ${lineNo}: the end line's endOfExport.sha256 is not a SHA-256 in hex`);
    }
    return event;
  }
  for (const field of ['position', 'streamId', 'revision', 'id', 'type'] as const) {
    if (typeof event[field] !== 'string' || event[field] === '') throw new ImportRefused(`line ${lineNo}: ${field} is missing or not a non-empty string`);
  }
  for (const field of ['position', 'revision'] as const) {
    if (!DIGITS.test(event[field])) throw new ImportRefused(`line ${lineNo}: ${field} ${event[field]} is not a whole number`);
  }
  if (!LEDGER_EVENT_TYPES.has(event.type)) throw new ImportRefused(`line ${lineNo}: type ${event.type} is not an event of this ledger`);
  if (!isPlainObject(event.data)) throw new ImportRefused(`line ${lineNo}: data is missing or not an object`);
  const metadata = event.metadata as unknown;
  if (!isPlainObject(metadata)) throw new ImportRefused(`line ${lineNo}: metadata is missing or not an object`);
  // What every event records and the read models read: who, when, and the request it came from.
  const actor = metadata.actor;
  if (!isPlainObject(actor) || typeof actor.id !== 'string' || typeof actor.role !== 'string') {
    throw new ImportRefused(`line ${lineNo}: metadata.actor is missing or has no id and role`);
  }
  for (const field of ['correlationId', 'causationId'] as const) {
    if (typeof metadata[field] !== 'string') throw new ImportRefused(`line ${lineNo}: metadata.${field} is missing or not a string`);
  }
  if (typeof metadata.recordedAt !== 'string' || !INSTANT.test(metadata.recordedAt) || Number.isNaN(Date.parse(metadata.recordedAt))) {
    throw new ImportRefused(`line ${lineNo}: metadata.recordedAt is missing or not an ISO instant`);
  }
  return event;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads the whole export before anything is appended, so a bad line refuses the import with the
 * store untouched: every line an event but the end line, which must be last and count them, positions rising, each stream's revisions 0, 1, 2, …, every
 * event id once, and every allocation's source an earlier event of the file. Returns the positions
 * that are sources and how many events the file holds.
 */
async function checkExport(
  lines: AsyncIterable<string>, endLine: EndLine, heldFirst: RecordedEvent | undefined,
): Promise<{ sources: Set<string>; events: number; checked: CheckedLines; lastLine: number }> {
  const next = new Map<string, bigint>();
  const positions = new Set<string>();
  const sources = new Set<string>();
  const ids = new Set<string>();
  let last = -1n;
  let lineNo = 0;
  let end: ExportEnd | undefined;
  const checked = new CheckedLines();
  const digest = new ExportDigest();
  let lastLine = 0;
  for await (const raw of lines) {
    lineNo++;
    checked.add(raw);
    if (raw.trim() === '') continue;
    lastLine = lineNo;
    if (end) throw new ImportRefused(`line ${lineNo} follows the export's end line`);
    const event = parseLine(raw, lineNo);
    if (isEndLine(event)) {
      end = event;
      continue;
    }
    digest.add(raw);
    // A store holding another ledger is refused at once, not once a million lines are checked (36 s, 470 MB).
    if (positions.size === 0 && heldFirst) mustHold(heldFirst, event, lineNo);
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
    if (ids.has(event.id)) throw new ImportRefused(`line ${lineNo}: event id ${event.id} is an earlier line's too`);
    if (source !== undefined) sources.add(source);
    ids.add(event.id);
    positions.add(event.position);
    next.set(event.streamId, expected + 1n);
    last = position;
  }
  if (!end && endLine === 'required') {
    throw new ImportRefused(`the file ends after ${positions.size} events without the export's end line: it was cut short ` +
      '(or written by a ledger-cli that wrote none: export the store again, or import it with --without-end-line)');
  }
  if (end && end.endOfExport.events !== positions.size) {
    throw new ImportRefused(`the end line counts ${end.endOfExport.events} events, the file holds ${positions.size}`);
  }
  if (end?.endOfExport.sha256 !== undefined && end.endOfExport.sha256 !== digest.hex()) {
    throw new ImportRefused("the file's events do not hash to its end line's sha256: a line was changed after the export " +
      '(edited, or corrupted in a copy); export the store again');
  }
  return { sources, events: positions.size, checked, lastLine };
}

/**
 * Checks a whole export as `importEvents` does before its first append, for a store that holds nothing
 * yet, so a file it refuses is refused before the store is made (ImportRefused). Returns its events.
 */
export async function checkExportLines(lines: AsyncIterable<string>, endLine: EndLine = 'required'): Promise<number> {
  return (await checkExport(lines, endLine, undefined)).events;
}

/**
 * Refuses a store whose event at this line is not the file's: it holds another ledger, not an import of
 * this file cut short. The same event is the same id, place, type and data (an allocation's source
 * position already translated to the store's): with the id alone, an edited file was said to be held
 * already, "nothing to import", while the store kept other figures.
 */
function mustHold(had: RecordedEvent, event: ExportedEvent, lineNo: number): void {
  if (had.id !== event.id || had.streamId !== event.streamId || had.revision.toString() !== event.revision) {
    throw new ImportRefused(`the target store is not empty and does not begin with this file (line ${lineNo}: it holds ${had.streamId}@${had.revision} there): import into a new store`);
  }
  if (had.type !== event.type || !isDeepStrictEqual(had.data, event.data)) {
    throw new ImportRefused(`line ${lineNo}: the store holds event ${had.id} (${had.streamId}@${had.revision}) with other contents than the file's: ` +
      'this file is not the one imported into it; import into a new store');
  }
}

export interface Imported {
  /** Events the store already held, as the start of this file: an import cut short, now resumed. */
  resumedAfter: number;
  appended: number;
}

/**
 * Appends an export into a new store, keeping event ids, metadata and each stream's revisions
 * (consecutive events of one stream go in one append). Positions are the new store's own: an
 * allocation's source position is rewritten to where its source landed. `openLines` is called twice:
 * the file is checked whole before the first append. A store that holds the start of this very file,
 * event for event (an import cut short: each append is atomic), is resumed after it; any other
 * non-empty store is refused before anything is appended. `beginning` runs before the first append
 * (unfinished-import.ts).
 */
export async function importEvents(
  store: EventStore, openLines: () => AsyncIterable<string>, progress?: (done: number, total: number) => void, endLine: EndLine = 'required',
  beginning: () => Promise<void> = async () => undefined,
): Promise<Imported> {
  const held = logOf(store)[Symbol.asyncIterator]();
  let next = await held.next();
  // Opened only when iterated: a readline iterator loses the lines it reads before iteration begins.
  const { sources, events: total, checked, lastLine } = await checkExport(openLines(), endLine, next.done ? undefined : next.value);
  const landed = new Map<string, string>();
  let batch: ExportedEvent[] = [];
  let batchBytes = 0;
  let resumedAfter = 0;
  let appended = 0;
  let begun = false;
  const flush = async () => {
    if (batch.length === 0) return;
    if (!begun) await beginning();
    begun = true;
    const first = BigInt(batch[0].revision);
    const { position } = await store.append(batch[0].streamId, batch.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })), {
      expectedRevision: first === 0n ? 'no_stream' : first - 1n,
    });
    // A source always ends its batch, so the append's last position is the source's.
    const lastOld = batch[batch.length - 1].position;
    if (sources.has(lastOld)) landed.set(lastOld, position.toString());
    appended += batch.length;
    progress?.(resumedAfter + appended, total);
    batch = [];
    batchBytes = 0;
  };
  let lineNo = 0;
  const changed = (what: string) => new ImportRefused(`the file changed since it was checked (${what}): ` +
    `${appended} event${appended === 1 ? '' : 's'} appended, each from a line as checked; run the import again with the right file, it resumes`);
  for await (const raw of openLines()) {
    lineNo++;
    if (!checked.unchanged(lineNo, raw)) {
      await flush(); // lines checked and unchanged
      throw changed(`line ${lineNo} is not the line checked`);
    }
    if (raw.trim() === '') continue;
    const line = JSON.parse(raw) as ExportedEvent | ExportEnd;
    if (isEndLine(line)) break; // checked: the last line
    let event = line;
    if (!next.done) {
      const had = next.value;
      const source = sourcePosition(event);
      mustHold(had, source === undefined ? event : withSourcePosition(event, landed.get(source)!), lineNo);
      if (sources.has(event.position)) landed.set(event.position, had.position.toString());
      resumedAfter++;
      next = await held.next();
      continue;
    }
    const source = sourcePosition(event);
    if (source !== undefined) event = withSourcePosition(event, landed.get(source)!);
    // Past 500 events or 512 KiB an append is cut: EventStoreDB refuses one over its MaxAppendSize (1 MiB unless set).
    const bytes = Buffer.byteLength(raw);
    if (batch.length && (batch[0].streamId !== event.streamId || batch.length >= 500 || batchBytes + bytes > 512 * 1024)) await flush();
    batch.push(event);
    batchBytes += bytes;
    if (sources.has(event.position)) await flush();
  }
  if (!next.done) throw new ImportRefused(`the target store is not empty and holds more than this file's ${total} events: import into a new store`);
  // The file was read twice: it must not have changed in between (written over by an export, say).
  if (lineNo < lastLine) {
    await flush();
    throw changed(`it ends at line ${lineNo}, line ${lastLine} when checked`);
  }
  await flush();
  return { resumedAfter, appended };
}

/** Streams whose revisions do not run 0, 1, 2, … in global order. */
export async function revisionGaps(store: EventStore): Promise<string[]> {
  const next = new Map<string, bigint>();
  const problems: string[] = [];
  for await (const e of logOf(store)) {
    const expected = next.get(e.streamId) ?? 0n;
    if (e.revision !== expected) problems.push(`${e.streamId}: revision ${e.revision} where ${expected} was expected`);
    next.set(e.streamId, e.revision + 1n);
  }
  return problems;
}
