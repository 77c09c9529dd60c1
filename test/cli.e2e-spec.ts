import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { PostgresEventStore, SqliteEventStore, EventStore } from '@ledger/event-store';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cli, onPostgres } from './support/cli';
import { startLedger } from './support/ledger-app';
import { createApp } from '../apps/ledger-api/src/bootstrap';
import { partyStream } from '@ledger/domain';
import { sqliteReadModelPath } from '@ledger/ledger';
import { OFFICE_TOKEN } from './support/tokens';
import { post, registerCast, salesLine, workedLicenseTerms } from './support/worked-example';

/** One statement on a SQLite ledger's read-model file behind the CLI's back (tampering, triggers, reading): its rows, if any. */
function onReadModels(ledgerFile: string, sql: string) {
  const db = new Database(sqliteReadModelPath(ledgerFile));
  try {
    const statement = db.prepare(sql);
    return statement.reader ? statement.all() : (statement.run(), []);
  } finally {
    db.close();
  }
}

/** An export's event lines, and its end line. */
function exportLines(file: string): { events: string[]; end: string } {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return { events: lines.slice(0, -1), end: lines[lines.length - 1] };
}
/** An end line as exports wrote it before they stated a digest: the count alone. */
const endLine = (events: number) => JSON.stringify({ endOfExport: { events } });
/** The end line an export writes after these event lines: their count and SHA-256, each line with its newline. */
const sealed = (events: string[]) =>
  JSON.stringify({ endOfExport: { events: events.length, sha256: createHash('sha256').update(events.map((line) => `${line}\n`).join('')).digest('hex') } });

const comparable = async (store: EventStore) =>
  (await store.readAll()).map((e) => ({ id: e.id, type: e.type, streamId: e.streamId, revision: e.revision, data: e.data, metadata: e.metadata }));

describe('ledger-cli: export, import, verify, rebuild', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
  const source = join(dir, 'source.sqlite');
  const target = join(dir, 'target.sqlite');
  const exported = join(dir, 'events.ndjson');
  let cast: Awaited<ReturnType<typeof registerCast>>;
  let license: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    // Snapshots saved as the stream grows by any event (10 % of its length): verify checks them against the log.
    const ledger = await startLedger('sqlite', { SQLITE_PATH: source, STREAM_SNAPSHOT_EVERY: '1' });
    cast = await registerCast(ledger);
    await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send({
      adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }).expect(200);
    license = (await post<{ id: string }>(ledger, '/licenses', workedLicenseTerms(cast))).id;
    const q1 = await post<{ reportId: string }>(ledger, `/licenses/${license}/sales-reports`, { period: '2025-Q1', lines: [salesLine('520000.00', '40000.00')] });
    await post(ledger, `/licenses/${license}/sales-reports`, { period: '2025-Q2', lines: [salesLine('700000.00', '0.00')] });
    const last = await post<{ position: string }>(ledger, `/licenses/${license}/sales-reports/${q1.reportId}/restatements`, { lines: [salesLine('490000.00', '40000.00')] });
    await ledger.http.get(`/parties/${cast.lin}/statement?minPosition=${last.position}`).expect(200);
    await ledger.close();
  }, 60000);

  it('exports every event as NDJSON and imports it into a new store, identically', async () => {
    const out = cli({ SQLITE_PATH: source }, 'export', '--out', exported);
    expect(out).toMatchObject({ status: 0 });
    const { events, end } = exportLines(exported);
    expect(out.stderr).toContain(`exported ${events.length} events`);
    expect(end).toBe(sealed(events)); // the last line says how many came before it, and their digest
    const imported = cli({ SQLITE_PATH: target }, 'import', exported);
    expect(imported).toMatchObject({ status: 0 });
    expect(imported.stderr).toContain(`imported ${events.length} events into the sqlite store`);
    const [a, b] = [new SqliteEventStore(source), new SqliteEventStore(target)];
    expect(await comparable(b)).toEqual(await comparable(a));
    await Promise.all([a.close(), b.close()]);
  }, 120000);

  it('verifies the imported store: balanced, contiguous, read models equal to a rebuild', () => {
    const verified = cli({ SQLITE_PATH: target }, 'verify');
    expect(verified).toMatchObject({ status: 0 });
    expect(verified.stderr).toMatch(/verified: the log up to position \d+, trial balance zero, revisions contiguous, \d+ read models/);
  }, 120000);

  it('gives every partner the same statement from the imported store as from the source', async () => {
    const statements = async (file: string) => {
      const ledger = await startLedger('sqlite', { SQLITE_PATH: file });
      try {
        await ledger.settled();
        const parties = [cast.university, cast.company, cast.lin, cast.chen, cast.school];
        return await Promise.all(parties.map(async (id) => (await ledger.http.get(`/parties/${id}/statement`).expect(200)).body as { lines: unknown[] }));
      } finally {
        await ledger.close();
      }
    };
    const [before, after] = [await statements(source), await statements(target)];
    expect(before.some((s) => s.lines.length > 0)).toBe(true);
    expect(after).toEqual(before);
  }, 120000);

  it('translates allocations to where their sources land when the new store numbers the log otherwise, so revenue sharing goes on', async () => {
    // As from PostgreSQL after rolled-back appends (holes) or from EventStoreDB (encoded positions): every position 1,000 higher.
    const shifted = join(dir, 'shifted.ndjson');
    const up = (position: string) => (BigInt(position) + 1000n).toString();
    const { events: original, end } = exportLines(exported);
    const lines = original.map((line) => {
      const e = JSON.parse(line) as { position: string; type: string; data: { source?: { position: string } } };
      if (e.type === 'DistributionAllocated') e.data.source!.position = up(e.data.source!.position);
      return JSON.stringify({ ...e, position: up(e.position) });
    });
    expect(end).not.toBe(sealed(lines)); // as the other store's export would end: with its own lines' digest
    writeFileSync(shifted, [...lines, sealed(lines)].join('\n'));
    const moved = join(dir, 'moved.sqlite');
    expect(cli({ SQLITE_PATH: moved }, 'import', shifted)).toMatchObject({ status: 0 });

    const store = new SqliteEventStore(moved);
    const events = await store.readAll();
    await store.close();
    const at = new Map(events.map((e) => [e.id, e.position.toString()]));
    const allocations = events.filter((e) => e.type === 'DistributionAllocated');
    expect(allocations.length).toBeGreaterThan(0);
    for (const a of allocations) {
      const source = (a.data as { source: { eventId: string; position: string } }).source;
      expect(source.position).toBe(at.get(source.eventId));
    }

    // A report after the migration is allocated to the inventor, not mistaken for a replay.
    const ledger = await startLedger('sqlite', { SQLITE_PATH: moved });
    try {
      await post(ledger, `/licenses/${license}/sales-reports`, { period: '2025-Q3', lines: [salesLine('300000.00', '0.00')] });
      const q3Lines = async () => {
        const { body } = await ledger.http.get(`/parties/${cast.lin}/statement`).expect(200);
        return (body as { lines: { source: { period?: string } }[] }).lines.filter((l) => l.source.period === '2025-Q3').length;
      };
      for (const until = Date.now() + 15000; (await q3Lines()) === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
      expect(await q3Lines()).toBeGreaterThan(0);
    } finally {
      await ledger.close();
    }
  }, 120000);

  it('refuses an export with a bad line before appending anything, naming the line', async () => {
    const { events: lines, end } = exportLines(exported);
    const broken = join(dir, 'broken.ndjson');
    const empty = join(dir, 'empty.sqlite');
    for (const [bad, message] of [
      ['null', 'is not an event object'],
      [JSON.stringify({ ...JSON.parse(lines[lines.length - 1]), revision: undefined }), 'revision is missing'],
      ['{"position": ', 'is not JSON'],
      [JSON.stringify({ ...JSON.parse(lines[lines.length - 1]), id: JSON.parse(lines[0]).id }), `event id ${JSON.parse(lines[0]).id} is an earlier line's too`],
      // Before, these were appended: a missing data failed midway with events already in, a null data or
      // metadata without recordedAt was imported whole and broke the projections for good.
      [JSON.stringify({ ...JSON.parse(lines[lines.length - 1]), data: undefined }), 'data is missing or not an object'],
      [JSON.stringify({ ...JSON.parse(lines[lines.length - 1]), data: null }), 'data is missing or not an object'],
      [JSON.stringify({ ...JSON.parse(lines[lines.length - 1]), metadata: [] }), 'metadata is missing or not an object'],
      [JSON.stringify({ ...JSON.parse(lines[lines.length - 1]), metadata: { ...JSON.parse(lines[lines.length - 1]).metadata, recordedAt: undefined } }), 'metadata.recordedAt is missing'],
      [JSON.stringify({ ...JSON.parse(lines[lines.length - 1]), metadata: { ...JSON.parse(lines[lines.length - 1]).metadata, recordedAt: 'yesterday' } }), 'not an ISO instant'],
      [JSON.stringify({ ...JSON.parse(lines[lines.length - 1]), metadata: { ...JSON.parse(lines[lines.length - 1]).metadata, actor: undefined } }), 'metadata.actor is missing'],
    ]) {
      writeFileSync(broken, [...lines.slice(0, -1), bad, end].join('\n'));
      const refused = cli({ SQLITE_PATH: empty }, 'import', broken);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`line ${lines.length}`);
      expect(refused.stderr).toContain(message);
      const store = new SqliteEventStore(empty);
      expect(await store.headPosition()).toBe(-1n);
      await store.close();
    }
    // Before, a file cut short on a line boundary imported and verified as a smaller ledger.
    for (const [file, message] of [
      [lines.slice(0, 20), 'the file ends after 20 events without the export\'s end line: it was cut short (or written by a ledger-cli that wrote none: export the store again, or import it with --without-end-line)'],
      [[...lines.slice(0, 20), endLine(21)], 'the end line counts 21 events, the file holds 20'],
      [[...lines, end, lines[0]], `line ${lines.length + 2} follows the export's end line`],
    ] as const) {
      writeFileSync(broken, `${file.join('\n')}\n`);
      const refused = cli({ SQLITE_PATH: empty }, 'import', broken);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(message);
      const store = new SqliteEventStore(empty);
      expect(await store.headPosition()).toBe(-1n);
      await store.close();
    }
    // A file written before exports had the end line: imported when the operator says so.
    writeFileSync(broken, `${lines.join('\n')}\n`);
    const old = cli({ SQLITE_PATH: empty }, 'import', '--without-end-line', broken);
    expect(old).toMatchObject({ status: 0 });
    expect(old.stderr).toContain(`imported ${lines.length} events into the sqlite store`);
  }, 120000);

  it('resumes an import cut short, and refuses a store that holds anything but the start of the file', async () => {
    const { events: lines } = exportLines(exported);
    const start = join(dir, 'start.ndjson');
    writeFileSync(start, `${[...lines.slice(0, 20), endLine(20)].join('\n')}\n`); // to append what an interrupted import had
    const resumed = join(dir, 'resumed.sqlite');
    expect(cli({ SQLITE_PATH: resumed }, 'import', start)).toMatchObject({ status: 0 });
    const rest = cli({ SQLITE_PATH: resumed }, 'import', exported);
    expect(rest.status).toBe(0);
    // The first import finished: the store holds the start of the file, not what an import cut short left.
    expect(rest.stderr).toContain(`imported ${lines.length - 20} events into the sqlite store, after the 20 the store already held as the start of this file, event for event`);
    const [from, to] = [new SqliteEventStore(source), new SqliteEventStore(resumed)];
    expect(await comparable(to)).toEqual(await comparable(from));
    await Promise.all([from.close(), to.close()]);
    expect(cli({ SQLITE_PATH: resumed }, 'import', exported).stderr).toContain(`the sqlite store already holds this file's ${lines.length} events: nothing to import`);

    const longer = cli({ SQLITE_PATH: target }, 'import', start);
    expect(longer.status).toBe(1);
    expect(longer.stderr).toContain("the target store is not empty and holds more than this file's 20 events");
    const other = join(dir, 'other.sqlite');
    const store = new SqliteEventStore(other);
    await store.append('party-elsewhere', [{ id: '00000000-0000-4000-8000-000000000001', type: 'PartyRegistered', data: {}, metadata: JSON.parse(lines[0]).metadata }], { expectedRevision: 'no_stream' });
    await store.close();
    const foreign = cli({ SQLITE_PATH: other }, 'import', exported);
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain('the target store is not empty and does not begin with this file (line 1: it holds party-elsewhere@0 there)');
  }, 120000);

  it('refuses the start of a ledger an import has not finished, in the API, export, verify and rebuild, until the import is run again', async () => {
    // Before, an import killed midway verified and exported as a whole ledger, and an API started on it
    // appended allocations of its own, after which the import could not resume.
    const { events: lines } = exportLines(exported);
    const start = join(dir, 'unfinished-start.ndjson');
    writeFileSync(start, `${[...lines.slice(0, 20), endLine(20)].join('\n')}\n`);
    const store = join(dir, 'unfinished.sqlite');
    expect(cli({ SQLITE_PATH: store }, 'import', start)).toMatchObject({ status: 0 });
    // What an import of the whole file leaves when it is killed after its first 20 events:
    onReadModels(store, `INSERT INTO unfinished_import (id, file, since) VALUES (1, '${exported}', '2026-11-30T12:00:00.000Z')`);
    const unfinished = `an import into this store has not finished (ledger-cli import ${exported}, begun 2026-11-30T12:00:00.000Z)`;
    for (const command of [['verify'], ['export'], ['rebuild']]) {
      const refused = cli({ SQLITE_PATH: store }, ...command);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(unfinished);
    }
    const api = await createApp({ EVENT_STORE: 'sqlite', SQLITE_PATH: store, LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    await expect(api.init()).rejects.toThrow(unfinished);
    await api.close().catch(() => undefined);
    const finished = cli({ SQLITE_PATH: store }, 'import', exported);
    expect(finished.status).toBe(0);
    expect(finished.stderr).toContain(`imported ${lines.length - 20} events into the sqlite store, after the 20`);
    expect(cli({ SQLITE_PATH: store }, 'verify')).toMatchObject({ status: 0 });
  }, 120000);

  it('says in one line why it cannot start: a store it cannot reach, a ledger that is not there', () => {
    const unreachable = cli({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }, 'verify');
    expect(unreachable.status).toBe(1);
    // Before: Nest's ExceptionHandler and a stack; then pg's words alone, naming no setting.
    expect(unreachable.stderr).toBe('ledger-cli: cannot connect to PostgreSQL at DATABASE_URL (127.0.0.1:1): connect ECONNREFUSED 127.0.0.1:1\n');
    const typo = join(dir, 'typo', 'ledger.sqlite');
    for (const command of ['export', 'verify', 'rebuild']) {
      const missing = cli({ SQLITE_PATH: typo }, command);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toBe(`ledger-cli: no event store at ${typo} (SQLITE_PATH): ${command} works on an existing ledger\n`);
    }
    expect(readdirSync(dir)).not.toContain('typo'); // before: an empty ledger made there, "exported 0 events"
    // Before: SQLite's "disk I/O error"; pg's and Node's words naming neither the setting nor what is missing.
    for (const command of ['export', 'verify']) {
      const directory = cli({ SQLITE_PATH: dir }, command);
      expect(directory).toMatchObject({ status: 1, stderr: expect.stringContaining(`ledger-cli: no event store at ${dir} (SQLITE_PATH): it is a directory; name the ledger's file in it`) });
    }
    const noFile = join(dir, 'nowhere', 'export.ndjson');
    const fresh = join(dir, 'fresh', 'ledger.sqlite');
    expect(cli({ SQLITE_PATH: fresh }, 'import', noFile)).toMatchObject({ status: 1, stderr: `ledger-cli: ${noFile}: no such file (import reads a file written by ledger-cli export)\n` });
    expect(readdirSync(dir)).not.toContain('fresh'); // before: an empty store made there first
    expect(cli({ SQLITE_PATH: fresh }, 'import')).toMatchObject({ status: 1, stderr: 'ledger-cli: import needs the file an export wrote: ledger-cli import <file>\n' });
    expect(readdirSync(dir)).not.toContain('fresh'); // before: made, then commander's "missing required argument
  }, 60000);

  it('refuses a SQLite file that holds no ledger (the read-model file by mistake, another one), writing nothing into it', () => {
    const foreign = join(dir, 'foreign', 'notes.sqlite');
    mkdirSync(join(dir, 'foreign'));
    const db = new Database(foreign);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    const calendar = join(dir, 'foreign', 'calendar.sqlite'); // a table named events, but not the ledger's
    const other = new Database(calendar);
    other.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, title TEXT, starts TEXT)');
    other.close();
    writeFileSync(join(dir, 'foreign', 'plain.txt'), 'not a database at all');
    for (const path of [foreign, calendar, join(dir, 'foreign', 'plain.txt'), sqliteReadModelPath(source)]) {
      for (const command of ['export', 'verify', 'rebuild']) {
        const refused = cli({ SQLITE_PATH: path }, command);
        expect(refused.status).toBe(1); // before: 0, "verified: the log up to position -1", or "exported 0 events"
        expect(refused.stderr).toMatch(new RegExp(`^ledger-cli: no event store at ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(SQLITE_PATH\\): .+: ${command} works on an existing ledger\n$`));
      }
    }
    const tables = new Database(foreign, { readonly: true });
    expect(tables.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'notes' }]);
    tables.close();
    expect(readdirSync(join(dir, 'foreign')).sort()).toEqual(['calendar.sqlite', 'notes.sqlite', 'plain.txt']); // no read models, no lease beside it
    const help = cli({ SQLITE_PATH: foreign }, 'export', '--help'); // help needs no ledger
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(cli({ SQLITE_PATH: source }, 'verify')).toMatchObject({ status: 0 });
  }, 120000);

  it('answers --help with the help and 0, an unknown command with commander\'s one line and 1', () => {
    const help = cli({ SQLITE_PATH: source }, '--help');
    expect(help).toMatchObject({ status: 0, stderr: '' }); // before: 1, and "ledger-cli: (outputHelp)"
    expect(help.stdout).toContain('verify');
    expect(help.stdout).toMatch(/^Usage: ledger-cli \[options\] \[command\]/); // before: "Usage: main", the script's name
    expect(cli({ SQLITE_PATH: source }, 'import', '--help').stdout).toMatch(/^Usage: ledger-cli import \[options\] <file>/);
    const unknown = cli({ SQLITE_PATH: source }, 'bogus');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toEqual(["error: unknown command 'bogus'"]); // before: twice
  }, 60000);

  it('refuses arguments a command does not take', () => {
    // before: `rebuild parties journal` rebuilt parties alone and exited 0
    for (const [args, expected] of [
      [['rebuild', 'parties', 'journal'], "too many arguments for 'rebuild'. Expected 1 argument but got 2."],
      [['verify', 'journal'], "too many arguments for 'verify'. Expected 0 arguments but got 1."],
      [['export', 'events.ndjson'], "too many arguments for 'export'. Expected 0 arguments but got 1."],
      [['import', exported, 'more.ndjson'], "too many arguments for 'import'. Expected 1 argument but got 2."],
    ] as const) {
      const refused = cli({ SQLITE_PATH: source }, ...args);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(expected);
      expect(refused.stderr).not.toMatch(/rebuilt|verified|imported|exported/);
    }
  }, 60000);

  it('refuses read models of another ledger beside an empty store: the API does not start, import appends nothing', async () => {
    const stale = join(dir, 'stale.sqlite');
    copyFileSync(sqliteReadModelPath(source), sqliteReadModelPath(stale)); // as if copied beside a new event store
    const ahead = /the read models are ahead of the event store, whose log ends at -1 \(.*journal at \d+.*\): they were projected from another ledger's log/;
    const importing = cli({ SQLITE_PATH: stale }, 'import', exported);
    expect(importing.status).toBe(1);
    expect(importing.stderr).toMatch(ahead);
    const api = await createApp({ LOG_LEVEL: 'silent', NODE_ENV: 'test', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, SQLITE_PATH: stale });
    await expect(api.init()).rejects.toThrow(ahead); // before: started, served the other ledger's parties, /health ok
    await api.close();
    const store = new SqliteEventStore(stale);
    expect(await store.headPosition()).toBe(-1n);
    await store.close();
  }, 60000);

  it('refuses to import from a pipe, which it could read only once', () => {
    const fifo = join(dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    const piped = cli({ SQLITE_PATH: join(dir, 'piped.sqlite') }, 'import', fifo);
    expect(piped.status).toBe(1);
    expect(piped.stderr).toContain('is not a regular file: import reads it more than once');
  });

  it('rebuilds a projection with a progress bar and its rate in events, and rejects an unknown one', async () => {
    const store = new SqliteEventStore(source);
    const events = (await store.readAll()).length;
    const head = await store.headPosition();
    await store.close();
    const rebuilt = cli({ SQLITE_PATH: source }, 'rebuild', 'journal');
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stderr).toMatch(new RegExp(`journal .* 100% \\| position ${head}/${head} \\| ${events} events, \\d+ events/s`));
    expect(rebuilt.stderr).toContain(`rebuilt journal: ${events} events up to position ${head} in `);
    const unknown = cli({ SQLITE_PATH: source }, 'rebuild', 'nonsense');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown projection "nonsense"');
    // `rebuild "$P"` with P unset names no projection: before, it rebuilt every one.
    const blank = cli({ SQLITE_PATH: source }, 'rebuild', '');
    expect(blank.status).toBe(1);
    expect(blank.stderr).toContain('unknown projection ""');
    // /health lists the process manager beside the projections: before, "unknown projection" alone.
    const manager = cli({ SQLITE_PATH: source }, 'rebuild', 'distribution');
    expect(manager.status).toBe(1);
    expect(manager.stderr).toContain('ledger-cli: "distribution" is the process manager that allocates revenue, not a projection: its allocations are events in the log');
  }, 120000);

  it('fails verify when a checkpoint is past the log\'s end, which the API refuses to start on', () => {
    onReadModels(source, "UPDATE projection_checkpoints SET position = '999999' WHERE name = 'parties'");
    const failed = cli({ SQLITE_PATH: source }, 'verify');
    expect(failed.status).toBe(1); // before: "verified"
    expect(failed.stderr).toContain('the read models are ahead of the event store');
    expect(failed.stderr).toContain('parties at 999999');
    expect(cli({ SQLITE_PATH: source }, 'rebuild', 'parties').status).toBe(0);
    expect(cli({ SQLITE_PATH: source }, 'verify')).toMatchObject({ status: 0 });
  }, 120000);

  it('fails verify when a read model was tampered with, leaving it for rebuild to repair', () => {
    onReadModels(source, "UPDATE journal_lines SET amount = '999.99' WHERE position = (SELECT MIN(position) FROM journal_lines) AND line_no = 0");
    const interrupted = `${sqliteReadModelPath(source)}.verify-0badf00d`; // as a verify stopped by Ctrl-C leaves it
    writeFileSync(interrupted, '');
    const failed = cli({ SQLITE_PATH: source }, 'verify');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`removed ${interrupted}, left by an interrupted verify`);
    // The table and how many rows differ each way: the changed line is one row the rebuild does not hold, and one it holds instead.
    expect(failed.stderr).toContain('read model journal differs from a fresh rebuild of the log: table journal_lines, 1 row only in the live read model, 1 row only in the rebuild (repair: ledger-cli rebuild journal)');
    expect(failed.stderr).not.toContain('read model licenses');
    // verify rebuilt into a place of its own, removed after: what partners read was left alone.
    expect(cli({ SQLITE_PATH: source }, 'verify').status).toBe(1);
    expect(readdirSync(dir).filter((f) => f.includes('.verify-'))).toEqual([]);
    expect(cli({ SQLITE_PATH: source }, 'rebuild', 'journal').status).toBe(0);
    expect(cli({ SQLITE_PATH: source }, 'verify')).toMatchObject({ status: 0 });
  }, 180000);

  it('fails verify when a saved snapshot of a long stream differs from a fold of the log; a full rebuild forgets the snapshots', () => {
    const university = partyStream(cast.university);
    const saved = onReadModels(source, 'SELECT stream_id, fold FROM stream_snapshot_heads') as { stream_id: string; fold: string }[];
    expect(saved).toEqual(expect.arrayContaining([{ stream_id: university, fold: 'distribution' }, { stream_id: university, fold: 'policy-versions' }]));
    expect(cli({ SQLITE_PATH: source }, 'verify').stderr).toContain(`, ${saved.length} saved snapshots of long streams equal to a fold of the log`);
    // As a change to evolve without a new snapshot version would leave it: the API would decide on it after a restart.
    onReadModels(source, `UPDATE stream_snapshot_pieces SET lines = replace(lines, '["=","latestVersion",1]', '["=","latestVersion",7]') WHERE stream_id = '${university}' AND fold = 'distribution'`);
    const failed = cli({ SQLITE_PATH: source }, 'verify');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`saved snapshot distribution of stream ${university} at revision \\d+ differs from a fold of the log ` +
      '\\(repair: stop the API, then ledger-cli rebuild, which forgets every saved snapshot\\)'));
    expect(failed.stderr).not.toContain('policy-versions');
    const rebuilt = cli({ SQLITE_PATH: source }, 'rebuild');
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stderr).toContain(`forgot ${saved.length} saved snapshots of long streams`);
    expect(onReadModels(source, 'SELECT * FROM stream_snapshot_heads')).toEqual([]);
    expect(onReadModels(source, 'SELECT * FROM stream_snapshot_pieces')).toEqual([]);
    expect(cli({ SQLITE_PATH: source }, 'verify').stderr).toContain(', 0 saved snapshots of long streams equal to a fold of the log');
  }, 180000);

  it('names a journal line whose amount is not a decimal, and goes on comparing read models', () => {
    const [{ position }] = onReadModels(source, 'SELECT MIN(position) AS position FROM journal_lines') as { position: string }[];
    onReadModels(source, `UPDATE journal_lines SET amount = 'n/a' WHERE position = '${position}' AND line_no = 1`);
    const failed = cli({ SQLITE_PATH: source }, 'verify');
    expect(failed.status).toBe(1);
    // before: "ledger-cli: [big.js] Invalid number", and no other check's finding
    expect(failed.stderr).toContain(`no trial balance: the amount of journal line 1 at position ${BigInt(position)} is "n/a", not a decimal`);
    expect(failed.stderr).toMatch(/read model journal differs from a fresh rebuild of the log: table journal_lines, .*\(repair: ledger-cli rebuild journal\)/);
    expect(cli({ SQLITE_PATH: source }, 'rebuild', 'journal').status).toBe(0);
  }, 180000);

  it('gives up on a page that keeps failing, naming the projection and the error, instead of waiting for ever', () => {
    onReadModels(source, "CREATE TRIGGER refuse_journal BEFORE INSERT ON journal_lines BEGIN SELECT RAISE(ABORT, 'journal refused by a trigger'); END");
    try {
      const giveUp = { SQLITE_PATH: source, CATCH_UP_GIVE_UP_MS: '2000' }; // 15 s by default
      const rebuilt = cli(giveUp, 'rebuild', 'journal');
      expect(rebuilt.status).toBe(1);
      expect(rebuilt.stderr).toMatch(/rebuild of journal stopped (at position \d+ of \d+|before its first page): gave up after 2 s of failures \(CATCH_UP_GIVE_UP_MS\): projection journal failed on \w+@\d+ \(attempt \d+\): journal refused by a trigger/);
      const verified = cli(giveUp, 'verify');
      expect(verified.status).toBe(1);
      // One transaction per page for every projection on SQLite: the journal's failing page holds the others back too.
      expect(verified.stderr).toMatch(/read models did not catch up with the log \(head \d+; behind: .*journal at -1.*\): gave up after 2 s of failures \(CATCH_UP_GIVE_UP_MS\): projection journal failed/);
    } finally {
      onReadModels(source, 'DROP TRIGGER refuse_journal');
    }
    expect(cli({ SQLITE_PATH: source }, 'rebuild', 'journal').status).toBe(0);
    expect(cli({ SQLITE_PATH: source }, 'verify').status).toBe(0);
  }, 180000);

  it('refuses rebuild, verify and import while an API runs on the store, naming it, and a second API too', async () => {
    const busy = join(dir, 'busy.sqlite');
    const api = await startLedger('sqlite', { SQLITE_PATH: source });
    const other = await startLedger('sqlite', { SQLITE_PATH: busy });
    const inUse = (file: string) => new RegExp(`the read models in ${sqliteReadModelPath(file).replace(/[.\\/]/g, '\\$&')} are in use by ledger-api \\(pid ${process.pid} on [^)]+\\), since [\\d-]+T[\\d:.]+Z: .*stop it first`);
    try {
      const journal = () => onReadModels(source, 'SELECT count(*) AS n, max(position) AS last FROM journal_lines');
      const before = journal();
      for (const command of [['rebuild'], ['rebuild', 'journal'], ['verify']]) {
        const refused = cli({ SQLITE_PATH: source }, ...command);
        expect(refused.status).toBe(1);
        expect(refused.stderr).toMatch(inUse(source));
      }
      expect(journal()).toEqual(before); // the refused rebuild emptied nothing
      const importing = cli({ SQLITE_PATH: busy }, 'import', exported);
      expect(importing.status).toBe(1);
      expect(importing.stderr).toMatch(inUse(busy));
      expect(await other.store.headPosition()).toBe(-1n);
      const second = await createApp({ LOG_LEVEL: 'silent', NODE_ENV: 'test', LEDGER_ADMIN_TOKEN: OFFICE_TOKEN, EVENT_STORE: 'sqlite', SQLITE_PATH: source });
      await expect(second.init()).rejects.toThrow(inUse(source));
      await second.close();
    } finally {
      await Promise.all([api.close(), other.close()]);
    }
    expect(cli({ SQLITE_PATH: source }, 'verify')).toMatchObject({ status: 0 }); // free again once the API stopped
  }, 120000);

  describePostgres('a PostgreSQL database that holds no ledger', () => it('is refused by export, verify and rebuild, which create nothing in it', async () => {
    const database = await createTestDatabase('cli_foreign');
    try {
      await onPostgres(database!.url, 'CREATE TABLE events (id int, title text)'); // a calendar's, say
      for (const command of ['export', 'verify', 'rebuild']) {
        const refused = cli({ EVENT_STORE: 'postgres', DATABASE_URL: database!.url }, command);
        expect(refused.status).toBe(1); // before: 0 and 21 ledger tables created in the database
        expect(refused.stderr).toBe('ledger-cli: no event store in the database at DATABASE_URL: it holds no events table with the ledger\'s columns ' +
          `(position, stream_id, revision, event_id, type, data, metadata): ${command} works on an existing ledger\n`);
      }
      expect(await onPostgres(database!.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ tablename: 'events' }]);
    } finally {
      await database?.drop();
    }
  }, 120000));

  describePostgres('into PostgreSQL', () => it('migrates the export (sqlite → postgres)', async () => {
    const database = await createTestDatabase('cli');
    try {
      // Options in the URL replace those the read models pass to pg: verify's schema must not travel there.
      const env = { EVENT_STORE: 'postgres', DATABASE_URL: `${database!.url}?options=-c%20search_path%3Dpublic` };
      expect(cli(env, 'import', exported)).toMatchObject({ status: 0 });
      // Scratch schemas are named after the live schema: this ledger's (public) and another ledger's in the same database.
      const ours = `ledger_verify_${createHash('sha256').update('public').digest('hex').slice(0, 8)}_0badf00d`;
      await onPostgres(database!.url, `CREATE SCHEMA ${ours}`); // as a verify stopped by Ctrl-C leaves it
      await onPostgres(database!.url, 'CREATE SCHEMA ledger_verify_0therled_feedface'); // another ledger's verify, running
      await onPostgres(database!.url, 'CREATE SCHEMA ledger_verify_0badf00d'); // named the old way: whose, cannot be told
      const verified = cli(env, 'verify');
      expect(verified).toMatchObject({ status: 0 });
      expect(verified.stderr).toContain(`removed ${ours}, left by an interrupted verify`);
      expect(verified.stderr).not.toContain('0therled'); // before: dropped, and that verify failed
      const [a, b] = [new SqliteEventStore(source), await PostgresEventStore.open(database!.url)];
      const scratch = await onPostgres(database!.url, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ledger_verify_%' ORDER BY nspname");
      expect(scratch).toEqual([{ nspname: 'ledger_verify_0badf00d' }, { nspname: 'ledger_verify_0therled_feedface' }]); // verify's fresh rebuild went into a schema of its own, dropped after
      await onPostgres(database!.url, "UPDATE journal_lines SET amount = '999.99' WHERE ctid = (SELECT ctid FROM journal_lines ORDER BY position LIMIT 1)");
      const failed = cli(env, 'verify');
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain('read model journal differs from a fresh rebuild of the log');
      expect(await comparable(b)).toEqual(await comparable(a));
      await Promise.all([a.close(), b.close()]);
    } finally {
      await database?.drop();
    }
  }, 120000));
});
