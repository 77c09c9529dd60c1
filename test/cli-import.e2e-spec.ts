import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import { SqliteEventStore } from '@ledger/event-store';
import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cli, cliAsUser, cliInBackground, onPostgres } from './support/cli';
import { partiesExport } from './support/export-lines';

const NOT_A_LEDGER = "no events table with the ledger's columns (position, stream_id, revision, event_id, type, data, metadata)";

describe('ledger-cli import: the store it writes into', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-import-'));
  const file = join(dir, 'events.ndjson');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => writeFileSync(file, partiesExport(2)));

  it("refuses another application's SQLite file, writing nothing into it or beside it", () => {
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    const calendar = join(foreign, 'calendar.sqlite'); // a table named events, not the ledger's
    const db = new Database(calendar);
    db.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO events (title) VALUES ('dentist')");
    db.close();
    const notes = join(foreign, 'notes.sqlite'); // tables, none named events: the read-model file by mistake, say
    const other = new Database(notes);
    other.exec('CREATE TABLE notes (body TEXT)');
    other.close();
    for (const path of [calendar, notes]) {
      const refused = cli({ SQLITE_PATH: path }, 'import', file);
      expect(refused.status).toBe(1); // before: "no such column: revision", or 2 events imported into the notes
      expect(refused.stderr).toBe(`ledger-cli: no event store at ${path} (SQLITE_PATH): the file holds ${NOT_A_LEDGER}: import writes into a new store or a ledger\n`);
    }
    // before: both switched to WAL (a setting kept in the file), with read models, -wal and -shm files beside them
    expect(readdirSync(foreign).sort()).toEqual(['calendar.sqlite', 'notes.sqlite']);
    const after = new Database(calendar, { readonly: true });
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    after.close();
  }, 60000);

  it('says a ledger this user may not write is one, naming the directory, instead of "no event store"', () => {
    chmodSync(dir, 0o755); // mkdtemp's 700 would hide the ledger from the other user altogether
    const owned = join(dir, 'owned');
    mkdirSync(owned, { mode: 0o755 });
    const path = join(owned, 'ledger.sqlite');
    expect(cli({ SQLITE_PATH: path }, 'import', file)).toMatchObject({ status: 0 });
    const exported = cliAsUser('nobody', { SQLITE_PATH: path }, 'export');
    if (!exported) return console.log('skipped: not root, or no runuser, so no other user to run ledger-cli as'); // eslint-disable-line no-console
    // Before: "no event store at …/ledger.sqlite (SQLITE_PATH): attempt to write a readonly database: export works on an existing ledger"
    expect(exported).toMatchObject({ status: 1, stderr: `ledger-cli: the ledger at ${path} (SQLITE_PATH) cannot be opened by this user: SQLite writes in ${owned} ` +
      '(the ledger and its -wal and -shm files beside it), which it may not write; run as its owner, or copy the ledger somewhere writable\n' });
  }, 60000);

  it('imports into a new file, and into an empty one', () => {
    const empty = join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    for (const path of [join(dir, 'new', 'ledger.sqlite'), empty]) {
      const imported = cli({ SQLITE_PATH: path }, 'import', file);
      expect(imported.status).toBe(0);
      expect(imported.stderr).toContain('imported 2 events into the sqlite store');
    }
  }, 60000);

  it('makes no store for a file it refuses: a new one is made only once the file is checked', async () => {
    const cutShort = join(dir, 'cut-short.ndjson'); // no end line
    writeFileSync(cutShort, `${partiesExport(2).trim().split('\n').slice(0, -1).join('\n')}\n`);
    const parent = join(dir, 'kept');
    mkdirSync(parent);
    const path = join(parent, 'made', 'ledger.sqlite');
    const refused = cli({ SQLITE_PATH: path }, 'import', cutShort);
    // before: ledger.sqlite, its read models, -wal and -shm files, in a new directory, all empty
    expect(refused).toEqual({ status: 1, stdout: '', stderr: "ledger-cli: the file ends after 2 events without the export's end line: it was cut short " +
      '(or written by a ledger-cli that wrote none: export the store again, or import it with --without-end-line)\n' });
    expect(readdirSync(parent)).toEqual([]);
    // An empty file the operator made for it is taken as new too: nothing is written into it or beside it.
    const empty = join(parent, 'empty.sqlite');
    writeFileSync(empty, '');
    expect(cli({ SQLITE_PATH: empty }, 'import', cutShort)).toMatchObject({ status: 1, stderr: expect.stringContaining('it was cut short') });
    expect(readdirSync(parent)).toEqual(['empty.sqlite']);
    expect(readFileSync(empty)).toHaveLength(0);
    // A ledger that holds the start of the file is checked against it, once opened.
    expect(cli({ SQLITE_PATH: path }, 'import', file)).toMatchObject({ status: 0 });
    expect(cli({ SQLITE_PATH: path }, 'import', cutShort)).toMatchObject({ status: 1, stderr: expect.stringContaining('it was cut short') });
    const store = new SqliteEventStore(path);
    expect((await store.readAll()).length).toBe(2);
    await store.close();
    // An empty ledger verifies, said as such (before: "the log up to position -1").
    const blank = join(parent, 'blank.sqlite');
    await new SqliteEventStore(blank).close();
    expect(cli({ SQLITE_PATH: blank }, 'verify')).toMatchObject({ status: 0, stderr: expect.stringMatching(/^verifying the log, which is empty: [^\n]*\nverified: the log, which is empty, trial balance zero/) });
    // In production too, with no admin token: the CLI authenticates no one (it refused to start without one).
    expect(cli({ SQLITE_PATH: blank, NODE_ENV: 'production', LEDGER_ADMIN_TOKEN: '' }, 'verify')).toMatchObject({ status: 0 });
  }, 60000);

  it('says, when verify is interrupted, that it reached no verdict and what it leaves', async () => {
    const parties = join(dir, 'parties.ndjson');
    writeFileSync(parties, partiesExport(3000));
    const path = join(dir, 'verify-interrupted.sqlite');
    expect(cli({ SQLITE_PATH: path }, 'import', parties).status).toBe(0);
    let signalled = false;
    const run = await cliInBackground({ SQLITE_PATH: path }, ['verify'], (stderr, child) => {
      if (!signalled && stderr.includes('verifying ')) (child.kill('SIGTERM'), (signalled = true));
    });
    // Before: exit 143 and not a word (operator QA).
    expect(run).toMatchObject({ status: 143, stderr: expect.stringMatching(/^verifying the log up to position 3000: [^\n]*\n\nledger-cli: interrupted \(SIGTERM\): verify stopped before its verdict: [^\n]*; run verify again\n$/) });
    expect(cli({ SQLITE_PATH: path }, 'verify')).toMatchObject({ status: 0, stderr: expect.stringContaining('verified: the log up to position 3000') });
  }, 120000);

  it('says, when interrupted, how many events the store holds and that running it again resumes', async () => {
    const many = join(dir, 'many.ndjson');
    writeFileSync(many, partiesExport(20000)); // an append each: long enough to interrupt
    const path = join(dir, 'interrupted.sqlite');
    let signalled = false;
    const run = await cliInBackground({ SQLITE_PATH: path }, ['import', many], (stderr, child) => {
      // The bar's first line comes with the first append.
      if (!signalled && stderr.includes('import ')) child.kill('SIGTERM');
      signalled ||= stderr.includes('import ');
    });
    // Before: exit 143 with the progress bar's last line the last thing said.
    expect(run.status).toBe(143);
    const said = /\nledger-cli: interrupted \(SIGTERM\): the sqlite store holds at least (\d+) of the file's 20000 events \(an append under way may have landed too\); run the same import again: it resumes after what is there\n$/.exec(run.stderr);
    expect(said).not.toBeNull();
    const store = new SqliteEventStore(path);
    const held = (await store.readAll()).length;
    await store.close();
    expect(held).toBeGreaterThanOrEqual(Number(said![1]));
    expect(held).toBeLessThan(20000);
    const resumed = cli({ SQLITE_PATH: path }, 'import', many);
    expect(resumed).toMatchObject({ status: 0, stderr: expect.stringContaining(`imported ${20000 - held} events into the sqlite store, after the ${held} the store already held from an import cut short`) });
  }, 120000);

  it('names the file of an import cut short by its full path, for whoever runs it again from elsewhere', async () => {
    const target = join(dir, 'cut.sqlite');
    await new SqliteEventStore(target).close();
    const db = new Database(target); // a disk that fills up after the first event
    db.exec("CREATE TRIGGER full BEFORE INSERT ON events WHEN (SELECT count(*) FROM events) >= 1 BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    db.close();
    const cut = cli({ SQLITE_PATH: target }, 'import', relative(process.cwd(), file));
    expect(cut).toMatchObject({ status: 1, stderr: expect.stringContaining('ledger-cli: disk full') });
    const refused = cli({ SQLITE_PATH: target }, 'verify');
    expect(refused.status).toBe(1);
    // before: the path as typed, relative to a directory the message does not name
    expect(refused.stderr).toContain(`an import into this store has not finished (ledger-cli import ${file}, begun `);
    const room = new Database(target);
    room.exec('DROP TRIGGER full');
    room.close();
    const resumed = cli({ SQLITE_PATH: target }, 'import', file);
    expect(resumed).toMatchObject({ status: 0, stderr: expect.stringContaining('imported 1 events into the sqlite store, after the 1 the store already held from an import cut short') });
  }, 60000);

  describePostgres('into PostgreSQL', () => it("refuses a database whose events table is another application's, creating nothing there", async () => {
    const database = (await createTestDatabase('cli_import_foreign'))!;
    try {
      await onPostgres(database.url, 'CREATE TABLE events (id int, title text)');
      const refused = cli({ EVENT_STORE: 'postgres', DATABASE_URL: database.url }, 'import', file);
      expect(refused.status).toBe(1);
      // before: 'column "position" does not exist', with the read models' tables created beside it
      expect(refused.stderr).toBe(`ledger-cli: no event store in the database at DATABASE_URL: it holds ${NOT_A_LEDGER}: import writes into a new store or a ledger\n`);
      expect(await onPostgres(database.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ tablename: 'events' }]);
      const fresh = (await createTestDatabase('cli_import_new'))!;
      try {
        // A file refused makes no tables in a database without a ledger (before: the ledger's, all empty).
        await onPostgres(fresh.url, 'CREATE TABLE notes (body text)');
        const cutShort = join(dir, 'pg-cut-short.ndjson');
        writeFileSync(cutShort, `${partiesExport(2).trim().split('\n').slice(0, -1).join('\n')}\n`);
        const cut = cli({ EVENT_STORE: 'postgres', DATABASE_URL: fresh.url }, 'import', cutShort);
        expect(cut).toMatchObject({ status: 1, stderr: expect.stringMatching(/^ledger-cli: the file ends after 2 events without the export's end line[^\n]*\n$/) });
        expect(await onPostgres(fresh.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ tablename: 'notes' }]);
        expect(cli({ EVENT_STORE: 'postgres', DATABASE_URL: fresh.url }, 'import', file)).toMatchObject({ status: 0 });
        expect(cli({ EVENT_STORE: 'postgres', DATABASE_URL: fresh.url }, 'import', cutShort)).toMatchObject({ status: 1 });
        expect(await onPostgres(fresh.url, 'SELECT count(*)::int AS n FROM events')).toEqual([{ n: 2 }]);
      } finally {
        await fresh.drop();
      }
    } finally {
      await database.drop();
    }
  }, 120000));
});
