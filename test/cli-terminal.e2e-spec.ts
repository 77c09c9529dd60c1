import { SqliteEventStore } from '@ledger/event-store';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliOnTerminal } from './support/cli';
import { partiesExport } from './support/export-lines';

/** The terminal control sequence that switches its line wrapping off (DECAWM). */
const WRAP_OFF = '\x1b[?7l';

describe('ledger-cli on a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-terminal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the terminal wrapping lines, and puts an error on a line of its own, when an import fails midway', async () => {
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, partiesExport(30));
    const target = join(dir, 'full.sqlite');
    await new SqliteEventStore(target).close();
    const db = new Database(target); // a disk that fills up after 20 events
    db.exec("CREATE TRIGGER full BEFORE INSERT ON events WHEN (SELECT count(*) FROM events) >= 20 BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    db.close();

    const run = cliOnTerminal({ SQLITE_PATH: target }, 'import', file);
    if (!run) return void process.stderr.write('[skip] no `script` here to give ledger-cli a terminal\n');
    expect(run.status).toBe(1);
    expect(run.terminal).toMatch(/import .* \| 20\/30 events/);
    // Before: cli-progress switched wrapping off until its bar stopped, which a failed command never did,
    // so the shell went on not wrapping, and the error followed the bar on its line, cut at the right edge.
    expect(run.terminal).not.toContain(WRAP_OFF);
    expect(run.terminal).toMatch(/\r?\nledger-cli: disk full\r?\n/);
  }, 120000);
});
