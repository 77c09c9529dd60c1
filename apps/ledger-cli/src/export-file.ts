import { once } from 'node:events';
import { WriteStream, closeSync, constants, copyFileSync, createWriteStream, existsSync, fsyncSync, linkSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { SIGNALS, SIGNAL_STATUS, StopSignal } from './interruption';

/**
 * `export --out`: the export is written to a file of its own beside `path` and linked to `path` once
 * whole and on disk, so `path` never holds part of an export. Before, an export killed or failing left
 * one there (0 bytes, or cut on a line), which `--out` then refused to write over. Linking fails if
 * `path` appeared meanwhile: it is never written over (an earlier export, or the ledger's own file).
 */
export class ExportFile {
  readonly stream: WriteStream;
  /** What became of the partial files of earlier exports to this path that were killed (removed before this one began). */
  readonly removedParts: string[];
  private readonly partial: string;
  private done = false;
  /** Whether the whole export is at its path: from then on the export has succeeded, whatever stops the process. */
  private placed = false;
  private readonly onSignal = (signal: StopSignal) => {
    if (this.placed) {
      // Before, a signal while the command closed its stores ended it with 143 and the whole export in place,
      // so a script retried, and was refused: "already exists".
      process.stderr.write(`\nledger-cli: ${signal} after the export was complete: ${this.path} holds all of it\n`);
      this.exit(0);
      return;
    }
    this.abandon();
    this.exit(SIGNAL_STATUS[signal]);
  };

  /** `exit` ends the process when it is interrupted (after the part written is removed). */
  constructor(private readonly path: string, private readonly exit: (status: number) => void = (status) => process.exit(status)) {
    // `--out "$OUT"` with OUT unset: the export went to stdout, and the command said it succeeded.
    if (path.trim() === '') throw new Error('--out names no file: give the path of a new file, or leave --out out to write to stdout');
    if (existsSync(path)) throw alreadyThere(path);
    if (!statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dirname(path)} is not a directory: --out names a new file in one`);
    this.removedParts = removeAbandonedParts(path);
    this.partial = join(dirname(path), `.${basename(path)}.${hostname()}.${process.pid}.partial`);
    // Opened here, not by the stream later: a file abandoned at once must exist to be removed.
    this.stream = createWriteStream(this.partial, { fd: openBeside(this.partial, path) });
    for (const signal of SIGNALS) process.once(signal, this.onSignal);
  }

  /** Ends the export: flushed, synced to disk, then linked to its path. */
  async complete(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'close'); // written out, its descriptor closed
    sync(this.partial);
    try {
      placeOnce(this.partial, this.path);
      this.placed = true; // whole at its path from here: a failure to sync the directory is no reason to retry
      sync(dirname(this.path)); // the new name itself, after a crash
    } finally {
      this.abandon(); // the whole export is at its path now, or nowhere
    }
  }

  /**
   * Removes what was written (a failed or interrupted export); once the export is in place, only the
   * name it was written under, and a signal until the process ends says the export is complete.
   */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    if (!this.placed) for (const signal of SIGNALS) process.off(signal, this.onSignal);
    this.stream.destroy(); // closes its descriptor
    rmSync(this.partial, { force: true });
  }
}

/**
 * A killed export (SIGKILL, a crash, the machine lost) had no chance to remove its partial file: the next
 * export to the same path from this host removes those whose process is gone. One whose process still
 * runs (another export to that path, or an unrelated process that got its id since), one written from
 * another host (a shared volume: its process cannot be asked), and one this user may not remove, are
 * left alone; the last is named.
 */
export function removeAbandonedParts(path: string, running: (pid: number) => boolean = processRuns, host = hostname()): string[] {
  const pattern = new RegExp(`^\\.${escaped(basename(path))}\\.${escaped(host)}\\.(\\d+)\\.partial$`);
  const said: string[] = [];
  for (const name of readdirSync(dirname(path))) {
    const pid = pattern.exec(name)?.[1];
    // This process's own id is not another export's: a killed one whose id was given again (pid 1 in a container).
    if (pid === undefined || (Number(pid) !== process.pid && running(Number(pid)))) continue;
    try {
      rmSync(join(dirname(path), name), { force: true });
      said.push(`removed ${name}, left by an export that was killed`);
    } catch (error) {
      said.push(`could not remove ${name}, left by an export that was killed: ${(error as Error).message}`);
    }
  }
  return said;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'; // exists, owned by another user
  }
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Hard links are what makes the export appear whole and never over a file; some file systems have none. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** `from` at `to`, never over a file there: a hard link, else (vfat, exFAT, some network mounts) an exclusive copy, synced. */
export function placeOnce(from: string, to: string, link: (from: string, to: string) => void = linkSync): void {
  try {
    link(from, to);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'EEXIST') throw alreadyThere(to);
    if (!NO_LINKS.has(code)) throw error;
    try {
      copyFileSync(from, to, constants.COPYFILE_EXCL);
    } catch (copying) {
      if ((copying as { code?: string }).code === 'EEXIST') throw alreadyThere(to);
      rmSync(to, { force: true }); // a copy cut short (a full disk) is half an export
      throw copying;
    }
    sync(to);
  }
}

/** Writes a file's data, or a directory's entries, to disk, whichever descriptor changed them. */
function sync(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function alreadyThere(path: string): Error {
  return new Error(`${path} already exists: export writes a new file, never over one; remove it or name another`);
}

const WHY_NOT_WRITTEN: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'a read-only file system', ENOSPC: 'no space left on the device',
  ENOENT: 'the directory is gone, or takes no new files', EDQUOT: 'the disk quota is used up',
};

/**
 * The partial file, opened for writing; refused, said of `--out`'s directory, where the operator looks:
 * "EACCES: permission denied, open '…/.e.ndjson.host.123.partial'" named a file they never gave.
 */
function openBeside(partial: string, path: string): number {
  try {
    return openSync(partial, 'wx');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const why = WHY_NOT_WRITTEN[code ?? ''] ?? code ?? (error as Error).message;
    throw new Error(`cannot write in ${dirname(path)} for --out ${path}: ${why}`); // the export is written beside its path first
  }
}

