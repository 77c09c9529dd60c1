import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportFile, placeOnce, removeAbandonedParts } from './export-file';

describe('ExportFile (export --out)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-export-file-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the whole export at its path once complete, and nothing beside it', async () => {
    const path = join(dir, 'ledger.ndjson');
    const file = new ExportFile(path);
    file.stream.write('{"a":1}\n');
    expect(readdirSync(dir)).not.toContain('ledger.ndjson'); // not there while it is written
    file.stream.write('{"endOfExport":{"events":1}}\n');
    await file.complete();
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"endOfExport":{"events":1}}\n');
    expect(readdirSync(dir)).toEqual(['ledger.ndjson']);
  });

  it('leaves nothing when abandoned (an export that failed)', () => {
    const file = new ExportFile(join(dir, 'ledger.ndjson'));
    file.stream.write('{"a":1}\n');
    file.abandon();
    file.abandon(); // once is enough: the command abandons on every way out
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never writes over a file: one already there is refused before anything is written, one that appears meanwhile stays as it was', async () => {
    const path = join(dir, 'ledger.ndjson');
    writeFileSync(path, 'earlier export');
    expect(() => new ExportFile(path)).toThrow(`${path} already exists: export writes a new file, never over one; remove it or name another`);
    expect(readdirSync(dir)).toEqual(['ledger.ndjson']);
    rmSync(path);
    const file = new ExportFile(path);
    file.stream.write('{"a":1}\n');
    writeFileSync(path, 'written by another export meanwhile');
    await expect(file.complete()).rejects.toThrow(`${path} already exists`);
    expect(readFileSync(path, 'utf8')).toBe('written by another export meanwhile');
    expect(readdirSync(dir)).toEqual(['ledger.ndjson']);
  });

  it('copies the export into place where the file system has no hard links (vfat, exFAT), still never over a file', () => {
    const noLinks = () => { throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' }); };
    const partial = join(dir, '.ledger.ndjson.partial');
    writeFileSync(partial, '{"a":1}\n');
    placeOnce(partial, join(dir, 'ledger.ndjson'), noLinks); // before: refused, the whole export written and then removed
    expect(readFileSync(join(dir, 'ledger.ndjson'), 'utf8')).toBe('{"a":1}\n');
    writeFileSync(join(dir, 'late.ndjson'), 'written by another export meanwhile');
    expect(() => placeOnce(partial, join(dir, 'late.ndjson'), noLinks)).toThrow('late.ndjson already exists');
    expect(readFileSync(join(dir, 'late.ndjson'), 'utf8')).toBe('written by another export meanwhile');
    const otherFailure = () => { throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }); };
    expect(() => placeOnce(partial, join(dir, 'full.ndjson'), otherFailure)).toThrow('no space left on device');
    expect(readdirSync(dir).sort()).toEqual(['.ledger.ndjson.partial', 'late.ndjson', 'ledger.ndjson']);
  });

  it("names --out and its directory when the export cannot be written there, not the partial file beside it", () => {
    // Before: "ENOENT: no such file or directory, open '/proc/.x.ndjson.<host>.<pid>.partial'", a file the operator never named.
    expect(() => new ExportFile('/proc/x.ndjson')).toThrow(
      new Error('cannot write in /proc for --out /proc/x.ndjson: the directory is gone, or takes no new files'));
  });

  it('names the directory that is not there, not its own file beside the export', () => {
    const missing = join(dir, 'nowhere');
    expect(() => new ExportFile(join(missing, 'ledger.ndjson'))).toThrow(`${missing} is not a directory: --out names a new file in one`);
  });

  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('removes what was written when interrupted by %s, then exits %i', (signal, status) => {
    const once = jest.spyOn(process, 'once');
    const exit = jest.fn();
    const file = new ExportFile(join(dir, 'ledger.ndjson'), exit);
    file.stream.write('{"a":1}\n');
    const [, onSignal] = once.mock.calls.find(([name]) => name === signal)!;
    (onSignal as (s: string) => void)(signal);
    expect(exit).toHaveBeenCalledWith(status);
    expect(readdirSync(dir)).toEqual([]);
    expect(process.listeners(signal)).not.toContain(onSignal); // the default action is back
  });

  it('exits 0 when interrupted once the whole export is in place (as the command closes its stores), and keeps it', async () => {
    // Before, a signal in that moment exited 143 with the export complete: a script retried, and was refused ("already exists").
    const once = jest.spyOn(process, 'once');
    const said = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exit = jest.fn();
    const path = join(dir, 'ledger.ndjson');
    const file = new ExportFile(path, exit);
    const [, onSignal] = once.mock.calls.find(([name]) => name === 'SIGTERM')!;
    file.stream.write('{"endOfExport":{"events":0}}\n');
    await file.complete();
    file.abandon(); // the command's own way out, after
    try {
      (onSignal as (s: string) => void)('SIGTERM');
      expect(exit).toHaveBeenCalledWith(0);
      expect(said).toHaveBeenCalledWith(`\nledger-cli: SIGTERM after the export was complete: ${path} holds all of it\n`);
      expect(readdirSync(dir)).toEqual(['ledger.ndjson']);
    } finally {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal as () => void);
      for (const [name, handler] of once.mock.calls) process.off(name as 'SIGINT', handler as () => void);
    }
  });

  it('refuses an --out that names no file (`--out "$OUT"` with OUT unset), which wrote the export to stdout', () => {
    expect(() => new ExportFile('', jest.fn())).toThrow('--out names no file: give the path of a new file, or leave --out out to write to stdout');
    expect(() => new ExportFile('  ', jest.fn())).toThrow('--out names no file');
  });

  it("removes the partial files of this host's killed exports to the same path, and only those", () => {
    const path = join(dir, 'ledger.ndjson');
    const names = ['.ledger.ndjson.h1.111.partial', '.ledger.ndjson.h1.222.partial', '.ledger.ndjson.h2.111.partial', '.other.ndjson.h1.111.partial', '.ledger.ndjson.h1.x.partial', 'ledger.ndjson.h1.111.partial'];
    for (const name of names) writeFileSync(join(dir, name), '{"a":1}\n');
    const running = (pid: number) => pid === 222; // another export to the path, still writing
    // h2's process cannot be asked from h1 (a shared volume): its file stays.
    expect(removeAbandonedParts(path, running, 'h1')).toEqual(['removed .ledger.ndjson.h1.111.partial, left by an export that was killed']);
    expect(readdirSync(dir).sort()).toEqual(names.slice(1).sort());
  });

  it("removes a partial file of this process's own id, left by a killed export whose id was given again (pid 1 in a container)", () => {
    const path = join(dir, 'ledger.ndjson');
    writeFileSync(join(dir, `.ledger.ndjson.h1.${process.pid}.partial`), '{"a":1}\n');
    // Before: kept as another export's, still running; every export to the path then failed on it.
    expect(removeAbandonedParts(path, () => true, 'h1')).toEqual([`removed .ledger.ndjson.h1.${process.pid}.partial, left by an export that was killed`]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('asks the system whether the process that wrote a partial file still runs', async () => {
    const path = join(dir, 'ledger[1].ndjson'); // a name with a pattern's characters
    writeFileSync(join(dir, `.ledger[1].ndjson.${hostname()}.${process.ppid}.partial`), 'the parent process: still running');
    writeFileSync(join(dir, `.ledger[1].ndjson.${hostname()}.2147483646.partial`), 'no such process');
    const file = new ExportFile(path);
    expect(file.removedParts).toEqual([`removed .ledger[1].ndjson.${hostname()}.2147483646.partial, left by an export that was killed`]);
    file.abandon();
    expect(readdirSync(dir)).toEqual([`.ledger[1].ndjson.${hostname()}.${process.ppid}.partial`]);
  });
});
