import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program, plain CommonJS, so it runs as is under jest, swc's loader and the
 * compiled build alike. PASSIVE never waits for readers or writers: a round that finds the file busy
 * copies what it can (or nothing) and the next one goes on; a round that throws is skipped as well.
 * The checkpoint syncs the WAL, then the file, before the WAL may be restarted (synchronous is spelled
 * out here rather than left to the driver's compiled-in default).
 */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 100');
let rounds = 0;
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (!result.busy) rounds++;
  } catch { /* the next round tries again */ }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ rounds });
  parentPort.close();
});
`;

/**
 * Checkpoints a SQLite file's WAL from a thread of its own, for the event store and the read models.
 * SQLite's autocheckpoint runs inside the commit that crosses its threshold, on the committing thread,
 * which is the API's event loop: for read models, whose small live transactions each append whole
 * 16 KB pages to the WAL, a checkpoint of up to 160 MB every so often (HTTP ingest p99 126–130 ms;
 * 61–63 ms with no checkpoint at all). The writers keep their autocheckpoint as a backstop. Should the
 * thread fail, a process warning says so and the backstop alone checkpoints.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly stopped: Promise<number>;

  constructor(path: string, everyMs = 200) {
    this.worker = new Worker(PROGRAM, {
      eval: true,
      execArgv: [], // not the parent's preloads (swc's loader): the program is plain JavaScript
      workerData: { path, everyMs, driver: require.resolve('better-sqlite3') },
    });
    this.worker.unref(); // never what keeps a process alive while it runs
    this.stopped = new Promise((resolve) => {
      this.worker.once('message', (m: { rounds: number }) => resolve(m.rounds));
      this.worker.once('exit', () => resolve(0));
      this.worker.once('error', (error) => process.emitWarning(`WAL checkpoints of ${path} stopped: ${error.message}`));
    });
  }

  /** Stops the thread and closes its connection; resolves with the rounds that checkpointed. */
  async stop(): Promise<number> {
    this.worker.ref(); // the process waits for the reply: what closes after it must still run
    this.worker.postMessage('stop');
    const rounds = await this.stopped;
    await this.worker.terminate().catch(() => undefined);
    return rounds;
  }
}
