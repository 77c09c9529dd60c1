import { once } from 'node:events';
import { WriteStream, closeSync, createWriteStream, existsSync, fsyncSync, linkSync, openSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** What a shell reports for a process ended by the signal: 128 + its number. */
const SIGNAL_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * `export --out`: the export is written to a file of its own beside `path` and linked to `path` once
 * whole and on disk, so `path` never holds part of an export. Before, an export killed or failing left
 * one there (0 bytes, or cut on a line), which `--out` then refused to write over. Linking fails if
 * `path` appeared meanwhile: it is never written over (an earlier export, or the ledger's own file).
 */
export class ExportFile {
  readonly stream: WriteStream;
  private readonly partial: string;
  private done = false;
  private readonly onSignal = (signal: (typeof SIGNALS)[number]) => {
    this.abandon();
    this.exit(SIGNAL_STATUS[signal]);
  };

  /** `exit` ends the process when it is interrupted (after the part written is removed). */
  constructor(private readonly path: string, private readonly exit: (status: number) => void = (status) => process.exit(status)) {
    if (existsSync(path)) throw alreadyThere(path);
    this.partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    // Opened here, not by the stream later: a file abandoned at once must exist to be removed.
    this.stream = createWriteStream(this.partial, { fd: openSync(this.partial, 'wx') });
    for (const signal of SIGNALS) process.once(signal, this.onSignal);
  }

  /** Ends the export: flushed, synced to disk, then linked to its path. */
  async complete(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'close'); // written out, its descriptor closed
    const fd = openSync(this.partial, 'r'); // syncs the file's data, whichever descriptor wrote it
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(this.partial, this.path);
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST') throw alreadyThere(this.path);
      throw error;
    } finally {
      this.abandon(); // the whole export is at its path now, or nowhere
    }
  }

  /** Removes what was written (a failed or interrupted export). */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
    this.stream.destroy(); // closes its descriptor
    rmSync(this.partial, { force: true });
  }
}

function alreadyThere(path: string): Error {
  return new Error(`${path} already exists: export writes a new file, never over one; remove it or name another`);
}
