import { EventStore } from '@ledger/event-store';
import {
  EVENT_STORE, PROJECTIONS, ProjectionRunner, READ_MODEL_DB, ReadModelDb, StatementsQuery, readModelsDifferingFromRebuild, revisionGaps,
} from '@ledger/ledger';
import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';

const CATCH_UP_MS = 120_000;

@Command({ name: 'verify', description: 'trial balance zero, stream revisions contiguous, read models equal to a fresh rebuild' })
export class VerifyCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly runner: ProjectionRunner,
    private readonly statements: StatementsQuery,
  ) {
    super();
  }

  async run(): Promise<void> {
    await this.runner.start('projections');
    const problems: string[] = [];
    const head = await this.store.headPosition();
    problems.push(...(await revisionGaps(this.store)));
    if (!(await this.runner.waitFor(head, CATCH_UP_MS))) problems.push('read models did not catch up with the log');
    for (const { currency, total } of await this.statements.trialBalance()) {
      if (total !== '0') problems.push(`trial balance in ${currency} is ${total}, not zero`);
    }
    const differing = await readModelsDifferingFromRebuild(this.db, this.runner, PROJECTIONS, head, CATCH_UP_MS);
    problems.push(...differing.map((name) => `read model ${name} differed from a fresh rebuild (now rebuilt)`));
    await this.runner.stop();
    if (problems.length) throw new Error(`verify failed:\n  ${problems.join('\n  ')}`);
    process.stderr.write(`verified: ${head + 1n} positions, trial balance zero, revisions contiguous, ${PROJECTIONS.length} read models equal to a rebuild\n`);
  }
}
