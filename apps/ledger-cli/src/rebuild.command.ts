import { EventStore } from '@ledger/event-store';
import { DISTRIBUTION_MANAGER, EVENT_STORE, LedgerConfig, PROJECTIONS, PersistedSnapshots, ProjectionRunner, READ_MODEL_DB, ReadModelDb, unfinishedImport } from '@ledger/ledger';
import { Inject } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Command } from 'nest-commander';
import { catchUp } from './catch-up';
import { claimForCommand } from './lease';
import { sayIfInterrupted } from './interruption';
import { progressBar } from './progress-bar';
import { StrictCommand } from './strict-command';

@Command({
  name: 'rebuild', arguments: '[projection]',
  description: `rebuild one projection (${PROJECTIONS.map((p) => p.name).join(', ')}), or all reading the log once, from the start of the log`,
})
export class RebuildCommand extends StrictCommand {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly snapshots: PersistedSnapshots,
    private readonly config: ConfigService<LedgerConfig, true>,
  ) {
    super();
  }

  async run([name]: string[]): Promise<void> {
    // An empty name (`rebuild "$P"` with P unset) is not "all": it names no projection.
    if (name !== undefined && !PROJECTIONS.some((p) => p.name === name)) {
      const known = `known: ${PROJECTIONS.map((p) => p.name).join(', ')}`;
      // /health lists it beside the projections; it writes events, which are never rebuilt.
      if (name === DISTRIBUTION_MANAGER) throw new Error(`"${name}" is the process manager that allocates revenue, not a projection: its allocations are events in the log, which a rebuild reads and never rewrites; ${known}`);
      throw new Error(`unknown projection "${name}"; ${known}`);
    }
    await claimForCommand(this.db, 'rebuild');
    const unfinished = await unfinishedImport(this.db);
    if (unfinished) throw new Error(unfinished);
    if (name === undefined) {
      // Everything derived from the log, derived again: the API folds long streams afresh and saves new snapshots.
      await this.snapshots.createTable();
      const forgotten = await this.snapshots.forgetAll();
      if (forgotten > 0) process.stderr.write(`forgot ${forgotten} saved snapshots of long streams\n`);
    }
    await this.runner.start('projections');
    const head = await this.store.headPosition();
    const label = name ?? 'all projections';
    const bar = progressBar(`${label.padEnd(16)} {bar} {percentage}% | position {value}/{total} | {events} events, {rate} events/s`);
    const started = Date.now();
    // Progress by position (how far through the log), the rate by events taken in: on EventStoreDB a
    // position is a byte offset in its log, not a count of events.
    const progress = () => {
      const taken = this.runner.eventsTaken();
      const events = name !== undefined ? taken[name] : Math.max(0, ...PROJECTIONS.map((p) => taken[p.name])); // rebuilt together from one read of the log
      return { events, rate: Math.round(events / Math.max((Date.now() - started) / 1000, 0.001)) };
    };
    const reached = () => (name !== undefined ? this.runner.positions()[name] : this.runner.position());
    bar.start(Number(head < 0n ? 0n : head), 0, progress()); // Number: for display only
    // Each page is projected with its checkpoint in one transaction: what was rebuilt stands, and the rest follows from there.
    const quiet = sayIfInterrupted(() => (reached() < 0n
      ? `the rebuild of ${label} had not finished its first page; run it again`
      : `the rebuild of ${label} had reached position ${reached()} of ${head}; run it again`));
    try {
      if (name !== undefined) await this.runner.rebuild(name);
      else await this.runner.rebuildAll();
      await catchUp(this.runner, reached, head, this.config.get('CATCH_UP_GIVE_UP_MS', { infer: true }), (at) => bar.update(Number(at < 0n ? 0n : at), progress())).catch(async (error: Error) => {
        await this.runner.stop();
        const at = reached() < 0n ? 'before its first page' : `at position ${reached()} of ${head}`;
        throw new Error(`rebuild of ${label} stopped ${at}: ${error.message}`);
      });
      bar.update(Number(head < 0n ? 0n : head), progress());
    } finally {
      bar.stop(); // also when the rebuild fails: its error then starts a line of its own
      quiet();
    }
    const projected = Date.now();
    await this.runner.vacuum(name);
    const seconds = (Date.now() - started) / 1000;
    const vacuumed = this.db.dialect === 'postgres' ? ` (vacuum ${((Date.now() - projected) / 1000).toFixed(1)} s)` : ''; // SQLite's is a no-op
    process.stderr.write(`rebuilt ${label}: ${progress().events} events up to position ${head} in ${seconds.toFixed(1)} s${vacuumed}\n`);
    await this.runner.stop();
  }
}
