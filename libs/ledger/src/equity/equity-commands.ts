import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  Big, DomainError, EquityCommand, EquityEvent, EquityState, GrantEquityStake, LicenseGranted, distributionDecider, equityDecider,
  equityStream, licenseStream, partyStream,
} from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CommandContext } from '../command-handling/command-context';
import { Handled, handleCommand } from '../command-handling/handle-command';
import { registeredParties, registeredPatent } from '../command-handling/stream-facts';
import { deciderFold, streamStatesOf } from '../command-handling/stream-states';
import { EVENT_STORE } from '../event-store/tokens';

export type EquityOutcome = Handled<EquityEvent, EquityState>;
export type EquityDealRequest = Omit<GrantEquityStake['data'], 'inventorsSharePercent' | 'policyVersion' | 'inventors'>;

export class CreateEquityDealCommand extends Command<EquityOutcome> {
  constructor(readonly request: EquityDealRequest, readonly ctx: CommandContext) {
    super();
  }
}

export class EquityCommandMessage extends Command<EquityOutcome> {
  constructor(readonly dealId: string, readonly command: Exclude<EquityCommand, GrantEquityStake>, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(CreateEquityDealCommand)
export class CreateEquityDealHandler implements ICommandHandler<CreateEquityDealCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ request, ctx }: CreateEquityDealCommand): Promise<EquityOutcome> {
    const known = new Set(await registeredParties(this.store, [request.issuerId, request.holderId]));
    for (const field of ['issuerId', 'holderId'] as const) {
      if (!known.has(request[field])) throw new DomainError('unknown-party', `${field}: party ${request[field]} is not registered`, 'rule', field);
    }
    const { inventorsSharePercent, policyVersion } = await this.holderPolicy(request.holderId);
    const inventors = request.licenseId ? await this.inventorsOf(request.licenseId) : [];
    return handleCommand(this.store, equityStream(request.dealId), equityDecider,
      { type: 'GrantEquityStake', data: { ...request, inventorsSharePercent, policyVersion, inventors } }, ctx);
  }

  /** The holder's current policy decides the inventors' part of the shares (its first band). */
  private async holderPolicy(holderId: string) {
    const { value } = await streamStatesOf(this.store).load(partyStream(holderId), deciderFold(distributionDecider));
    const latest = value.policies[value.latestVersion];
    const share = latest?.bands[0]?.shares.find((s) => s.beneficiary === 'inventors');
    return { inventorsSharePercent: share?.sharePercent ?? null, policyVersion: latest ? value.latestVersion : null };
  }

  /** The license's inventors, each weighted by the sum of their inventor shares across its patents. */
  private async inventorsOf(licenseId: string) {
    const [granted] = await this.store.readStream(licenseStream(licenseId), { maxCount: 1 });
    if (!granted) throw new DomainError('unknown-license', `licenseId: license ${licenseId} not found`, 'rule', 'licenseId');
    const weights = new Map<string, Big>();
    for (const patentId of (granted as unknown as LicenseGranted).data.patentIds) {
      for (const inventor of (await registeredPatent(this.store, patentId))?.inventors ?? []) {
        weights.set(inventor.partyId, (weights.get(inventor.partyId) ?? new Big(0)).plus(inventor.sharePercent));
      }
    }
    return [...weights].map(([partyId, weight]) => ({ partyId, sharePercent: weight.toFixed() }));
  }
}

@CommandHandler(EquityCommandMessage)
export class EquityCommandHandler implements ICommandHandler<EquityCommandMessage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ dealId, command, ctx }: EquityCommandMessage): Promise<EquityOutcome> {
    return handleCommand(this.store, equityStream(dealId), equityDecider, command, ctx);
  }
}
