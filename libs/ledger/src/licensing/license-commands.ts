import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  DomainError, GrantLicenseData, LicenseCommand, LicenseEvent, LicenseState, licenseDecider, licenseStream,
} from '@ledger/domain';
import { EventStore, WriteQueue } from '@ledger/event-store';
import { CommandContext } from '../command-handling/command-context';
import { Handled, handleCommand, retryingConflicts } from '../command-handling/handle-command';
import { registeredParties, registeredPatent } from '../command-handling/stream-facts';
import { EVENT_STORE } from '../event-store/tokens';
import { readModelsAt } from '../command-handling/read-models-at';
import { ProjectionRunner } from '../projections/projection-runner';
import { LicensesQuery } from './licenses.query';

const LICENSES_CATCH_UP_MS = 5000;

export type LicenseOutcome = Handled<LicenseEvent, LicenseState>;

/** What the grant's handler gathers itself: loaded patents and overlapping licenses. */
export type GrantRequest = Omit<GrantLicenseData, 'patents' | 'conflictingExclusive'>;

export class GrantLicenseCommand extends Command<LicenseOutcome> {
  constructor(readonly request: GrantRequest, readonly ctx: CommandContext) {
    super();
  }
}

/** Every other license command: decided on the license stream as it stands. */
export class LicenseCommandMessage extends Command<LicenseOutcome> {
  constructor(readonly licenseId: string, readonly command: Exclude<LicenseCommand, { type: 'GrantLicense' }>, readonly ctx: CommandContext) {
    super();
  }
}

/**
 * Exclusivity is checked against the licenses read model, so grants are decided one at a time, each on
 * the read model caught up with the log: before, a grant sent right after another was answered could
 * pass the check before the first was projected (two exclusive licenses of one scope: 4 pairs in 20
 * sequential, 9 in 10 concurrent). One process serves the API on a store (the read models' lease).
 */
@CommandHandler(GrantLicenseCommand)
export class GrantLicenseHandler implements ICommandHandler<GrantLicenseCommand> {
  private readonly oneAtATime = new WriteQueue();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly licenses: LicensesQuery,
    private readonly runner: ProjectionRunner,
  ) {}

  execute(command: GrantLicenseCommand): Promise<LicenseOutcome> {
    return this.oneAtATime.run(() => this.grant(command));
  }

  private async grant({ request, ctx }: GrantLicenseCommand): Promise<LicenseOutcome> {
    const [licensee] = await registeredParties(this.store, [request.licenseeId]);
    if (!licensee) {
      throw new DomainError('unknown-party', `licenseeId: party ${request.licenseeId} is not registered`, 'rule', 'licenseeId');
    }
    const loaded = await Promise.all(request.patentIds.map((id) => registeredPatent(this.store, id)));
    const patents = loaded.flatMap((p) => (p ? [{ patentId: p.patentId, owners: p.owners }] : []));
    await readModelsAt(this.runner, await this.store.headPosition(), LICENSES_CATCH_UP_MS,
      'the licenses read model has not yet taken in the ledger: exclusivity cannot be checked, retry shortly');
    const conflictingExclusive = await this.licenses.overlapping(request);
    return handleCommand(
      this.store, licenseStream(request.licenseId), licenseDecider,
      { type: 'GrantLicense', data: { ...request, patents, conflictingExclusive } }, ctx,
    );
  }
}

@CommandHandler(LicenseCommandMessage)
export class LicenseCommandHandler implements ICommandHandler<LicenseCommandMessage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * Decided again on the stream as it now is when another write to the license won the race: a payment
   * booked while the licensee restated was 409, though neither depends on the other. The rules are
   * checked again each time: a second report of the same period still meets its 409 `period-already-reported`.
   */
  execute({ licenseId, command, ctx }: LicenseCommandMessage): Promise<LicenseOutcome> {
    return retryingConflicts(() => handleCommand(this.store, licenseStream(licenseId), licenseDecider, command, ctx));
  }
}
