import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  DomainError, GrantLicenseData, LicenseCommand, LicenseEvent, LicenseState, licenseDecider, licenseStream,
} from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CommandContext } from '../command-handling/command-context';
import { Handled, handleCommand } from '../command-handling/handle-command';
import { registeredParties, registeredPatent } from '../command-handling/stream-facts';
import { EVENT_STORE } from '../event-store/tokens';
import { LicensesQuery } from './licenses.query';

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

@CommandHandler(GrantLicenseCommand)
export class GrantLicenseHandler implements ICommandHandler<GrantLicenseCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly licenses: LicensesQuery,
  ) {}

  async execute({ request, ctx }: GrantLicenseCommand): Promise<LicenseOutcome> {
    const [licensee] = await registeredParties(this.store, [request.licenseeId]);
    if (!licensee) {
      throw new DomainError('unknown-party', `licenseeId: party ${request.licenseeId} is not registered`, 'rule', 'licenseeId');
    }
    const loaded = await Promise.all(request.patentIds.map((id) => registeredPatent(this.store, id)));
    const patents = loaded.flatMap((p) => (p ? [{ patentId: p.patentId, owners: p.owners }] : []));
    // Exclusivity is checked against the licenses read model: two grants racing within its lag could
    // both pass, which the office sees on GET /licenses; acceptable for a human-paced operation.
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

  execute({ licenseId, command, ctx }: LicenseCommandMessage): Promise<LicenseOutcome> {
    return handleCommand(this.store, licenseStream(licenseId), licenseDecider, command, ctx);
  }
}
