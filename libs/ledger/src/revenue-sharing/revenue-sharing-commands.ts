import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Big, DistributionAllocated, DistributionState, PayoutRecorded, RecordPayout, SetDistributionPolicy, distributionDecider, partyStream } from '@ledger/domain';
import { EventStore, RecordedEvent, WrongExpectedRevision } from '@ledger/event-store';
import { CommandContext } from '../command-handling/command-context';
import { handleCommand, retryingConflicts } from '../command-handling/handle-command';
import { readModelsAt } from '../command-handling/read-models-at';
import { Folded, deciderFold, streamStatesOf } from '../command-handling/stream-states';
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

/** The payout as recorded (its amount at the currency's minor unit, its reference trimmed) and where. */
export interface PayoutOutcome {
  payout: PayoutRecorded['data'];
  position: bigint;
}

export class RecordPayoutCommand extends Command<PayoutOutcome> {
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
    // The distribution process manager appends allocations to the same stream at any moment.
    const { state, position } = await retryingConflicts(() => handleCommand(
      this.store, partyStream(policy.partyId), distributionDecider,
      { type: 'SetDistributionPolicy', data: { ...policy, knownParties } }, ctx,
    ));
    return { version: state.latestVersion, position };
  }
}

/** How often a payout is decided again at once on allocations that landed meanwhile, before its balance is read again. */
const REBASES = 20;

/** An event on the payee's stream that cannot lower what it is owed on any date. */
function onlyAddsToWhatIsOwed(event: RecordedEvent): boolean {
  if (event.type === 'DistributionPolicySet') return true;
  return event.type === 'DistributionAllocated' && !new Big((event.data as DistributionAllocated['data']).amount).lt(0);
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

  execute({ payout, ctx }: RecordPayoutCommand): Promise<PayoutOutcome> {
    return retryingConflicts(async () => {
      // The balance comes from the journal: first let it take in the log, so a just-allocated amount
      // counts. Then the payee's stream (its payouts), every event of which the journal must hold:
      // a payout appended to it after this read makes the append conflict and this one decided again.
      // Reading the stream before the wait would lose every race to the allocations appended meanwhile.
      // An allocation to the payee (from a licensor's stream) after the balance is read is not seen:
      // like a restatement down after a payout, it can leave the balance below zero.
      await this.journalAt(await this.store.headPosition());
      const stream = partyStream(payout.partyId);
      const loaded = await streamStatesOf(this.store).load(stream, deciderFold(distributionDecider));
      if (loaded.revision !== undefined) {
        // Usually taken in already; its own consequences (none for this balance) need no wait.
        const [last] = await this.store.readStream(stream, { fromRevision: loaded.revision, maxCount: 1 });
        if (this.runner.position() < last.position) await this.journalAt(last.position);
      }
      const balance = await this.statements.payableBalance(payout.partyId, payout.currency, payout.paidOn);
      const command: RecordPayout = { type: 'RecordPayout', data: { ...payout, payableBalance: balance.toFixed() } };
      const { events, position } = await this.appendRebasing(stream, command, ctx, loaded);
      const [recorded] = events.filter((e): e is PayoutRecorded => e.type === 'PayoutRecorded');
      return { payout: recorded.data, position };
    });
  }

  /**
   * A licensor's stream takes the process manager's allocations at any moment, so under steady report
   * load a payout to it lost nearly every race (409 after 8 attempts of seconds each: the journal wait
   * and the balance again). What landed meanwhile is read: if it only adds to what the party is owed
   * (allocations of positive amounts, a policy), the balance read still bounds the payout and it is
   * decided again at once on the stream as it now is. A payout or a credit landing meanwhile is a
   * reason to read the balance again: the conflict goes to retryingConflicts.
   */
  private async appendRebasing(stream: string, command: RecordPayout, ctx: CommandContext, loaded: Folded<DistributionState>) {
    for (let rebases = 0; ; rebases++) {
      try {
        return await handleCommand(this.store, stream, distributionDecider, command, ctx, { loaded });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || rebases >= REBASES) throw error;
        const since = await this.store.readStream(stream, { fromRevision: (loaded.revision ?? -1n) + 1n });
        if (since.length === 0 || !since.every(onlyAddsToWhatIsOwed)) throw error;
        // Exactly the events checked, folded on: the stream loaded again could hold a payout or a credit
        // appended since they were read, which would be taken unchecked (two payouts on one balance).
        // Anything appended after them makes the next append conflict, and is read then.
        const fold = deciderFold(distributionDecider);
        loaded = { value: since.reduce((state, event) => fold.step(state, event), loaded.value), revision: since[since.length - 1].revision };
      }
    }
  }

  /**
   * Until the journal has taken in `position` and the allocations process managers appended for what
   * lies before it (runner.waitFor); 503 past the bound: the balance is not known.
   */
  private async journalAt(position: bigint): Promise<void> {
    await readModelsAt(this.runner, position, JOURNAL_CATCH_UP_MS, 'the journal has not yet taken in the ledger: the balance is not known, retry shortly');
  }
}
