import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RecordPayout, SetDistributionPolicy, distributionDecider, partyStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CommandContext } from '../command-handling/command-context';
import { handleCommand } from '../command-handling/handle-command';
import { registeredParties } from '../command-handling/stream-facts';
import { EVENT_STORE } from '../event-store/tokens';
import { ProjectionRunner } from '../projections/projection-runner';
import { StatementsQuery } from '../statements/statements.query';

export interface PolicyOutcome {
  version: number;
  position: bigint;
}

export class SetDistributionPolicyCommand extends Command<PolicyOutcome> {
  constructor(readonly policy: Omit<SetDistributionPolicy['data'], 'knownParties'>, readonly ctx: CommandContext) {
    super();
  }
}

export class RecordPayoutCommand extends Command<{ position: bigint }> {
  constructor(readonly payout: Omit<RecordPayout['data'], 'payableBalance'>, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(SetDistributionPolicyCommand)
export class SetDistributionPolicyHandler implements ICommandHandler<SetDistributionPolicyCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ policy, ctx }: SetDistributionPolicyCommand): Promise<PolicyOutcome> {
    const named = policy.bands.flatMap((b) => b.shares.map((s) => s.beneficiary)).filter((b) => b !== 'inventors');
    const knownParties = await registeredParties(this.store, named);
    const { state, position } = await handleCommand(
      this.store, partyStream(policy.partyId), distributionDecider,
      { type: 'SetDistributionPolicy', data: { ...policy, knownParties } }, ctx,
    );
    return { version: state.latestVersion, position };
  }
}

/** How long a payout waits for the journal to take in everything already appended. */
const JOURNAL_CATCH_UP_MS = 5000;

@CommandHandler(RecordPayoutCommand)
export class RecordPayoutHandler implements ICommandHandler<RecordPayoutCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly statements: StatementsQuery,
    private readonly runner: ProjectionRunner,
  ) {}

  async execute({ payout, ctx }: RecordPayoutCommand): Promise<{ position: bigint }> {
    // The balance comes from the journal; let it catch up with the log first so a just-allocated
    // amount counts. Two payouts racing on one party still conflict on the party stream's revision.
    await this.runner.waitFor(await this.store.headPosition(), JOURNAL_CATCH_UP_MS);
    const balance = await this.statements.payableBalance(payout.partyId, payout.currency, payout.paidOn);
    const { position } = await handleCommand(
      this.store, partyStream(payout.partyId), distributionDecider,
      { type: 'RecordPayout', data: { ...payout, payableBalance: balance.toFixed() } }, ctx,
    );
    return { position };
  }
}
