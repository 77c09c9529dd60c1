import { EventStore } from '@ledger/event-store';
import {
  EVENT_STORE, LedgerConfig, PROJECTIONS, PersistedSnapshots, SNAPSHOT_FOLDS, checkpointsBeyond, unfinishedImport, ProjectionRunner, READ_MODEL_DB, ReadModelDb, StatementsQuery, openFreshReadModels, revisionGaps, storeConfig,
} from '@ledger/ledger';
import { Inject } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Command } from 'nest-commander';
import { catchUp } from './catch-up';
import { sayIfInterrupted } from './interruption';
import { claimForCommand } from './lease';
import { StrictCommand } from './strict-command';

@Command({ name: 'verify', description: 'trial balance zero, stream revisions contiguous, read models equal to a fresh rebuild' })
export class VerifyCommand extends StrictCommand {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly runner: ProjectionRunner,
    private readonly statements: StatementsQuery,
    private readonly snapshots: PersistedSnapshots,
    private readonly config: ConfigService<LedgerConfig, true>,
  ) {
    super();
  }

  async run(): Promise<void> {
    // Ended without a word before (operator QA), where the other commands say what they leave.
    const quiet = sayIfInterrupted(() => 'verify stopped before its verdict: nothing was found wrong or right; the log is as it was ' +
      '(the read models may have caught up with it); a fresh rebuild it had begun beside them is removed by the next verify; run verify again');
    try {
      await claimForCommand(this.db, 'verify');
      await this.verify();
    } finally {
      quiet();
    }
  }

  private async verify(): Promise<void> {
    const head = await this.store.headPosition();
    const log = head < 0n ? 'the log, which is empty' : `the log up to position ${head}`;
    process.stderr.write(`verifying ${log}: revisions, trial balance, every read model against a fresh rebuild\n`); // minutes on a large ledger
    const problems = await revisionGaps(this.store);
    // Checkpoints past the log's end pass for caught up and would skip what is appended up to them.
    const foreign = await checkpointsBeyond(this.db, head);
    if (foreign) problems.push(foreign);
    const unfinished = await unfinishedImport(this.db);
    if (unfinished) problems.push(unfinished);
    await this.snapshots.createTable();
    const snapshots = await this.snapshots.differingFromTheLog(SNAPSHOT_FOLDS);
    problems.push(...snapshots.differing);
    await this.runner.start('projections');
    try {
      if (await this.caughtUp(head, problems)) {
        problems.push(...(await this.unbalanced()));
        problems.push(...(await this.differingFromFreshRebuild(head)));
      }
    } finally {
      await this.runner.stop();
    }
    if (problems.length) throw new Error(`verify failed:\n  ${problems.join('\n  ')}`);
    process.stderr.write(`verified: ${log}, trial balance zero, revisions contiguous, ${PROJECTIONS.length} read models equal to a rebuild, ` +
      `${snapshots.checked} saved snapshots of long streams equal to a fold of the log\n`);
  }

  private giveUpAfterMs(): number {
    return this.config.get('CATCH_UP_GIVE_UP_MS', { infer: true });
  }

  private async unbalanced(): Promise<string[]> {
    try {
      const totals = await this.statements.trialBalance();
      return totals.filter(({ total }) => total !== '0').map(({ currency, total }) => `trial balance in ${currency} is ${total}, not zero`);
    } catch (error) {
      return [`no trial balance: ${(error as Error).message}`];
    }
  }

  /** Brings the live read models up to the head; false, with the problem added, if they cannot get there. */
  private async caughtUp(head: bigint, problems: string[]): Promise<boolean> {
    try {
      await catchUp(this.runner, () => this.runner.position(), head, this.giveUpAfterMs());
      return true;
    } catch (error) {
      const behind = Object.entries(this.runner.positions()).filter(([, at]) => at < head).map(([name, at]) => `${name} at ${at}`);
      problems.push(`read models did not catch up with the log (head ${head}; behind: ${behind.join(', ')}): ${(error as Error).message}`);
      return false;
    }
  }

  /** Rebuilds every read model into a place of its own and compares, leaving the live ones as they are. */
  private async differingFromFreshRebuild(head: bigint): Promise<string[]> {
    const fresh = await openFreshReadModels(storeConfig(this.config), this.db);
    for (const leftover of fresh.leftovers) process.stderr.write(`removed ${leftover}, left by an interrupted verify\n`);
    try {
      const rebuilt = new ProjectionRunner(this.store, fresh.db, PROJECTIONS);
      await rebuilt.start('projections');
      try {
        await catchUp(rebuilt, () => rebuilt.position(), head, this.giveUpAfterMs());
      } catch (error) {
        return [`the fresh rebuild to compare with stopped at position ${rebuilt.position()} of ${head}: ${(error as Error).message}`];
      } finally {
        await rebuilt.stop();
      }
      return (await fresh.differing(PROJECTIONS)).map(({ projection, table, liveOnly, rebuiltOnly }) =>
        `read model ${projection} differs from a fresh rebuild of the log: table ${table}, ${rows(liveOnly)} only in the live read model, ${rows(rebuiltOnly)} only in the rebuild (repair: ledger-cli rebuild ${projection})`);
    } finally {
      await fresh.dispose();
    }
  }
}

const rows = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;
