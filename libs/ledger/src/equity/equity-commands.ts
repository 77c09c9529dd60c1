import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  Big, DomainError, EquityCommand, EquityEvent, EquityState, GrantEquityStake, LicenseGranted, bandAt, distributionDecider, equityDecider,
  equityStream, licenseIncome, licenseStream, minorUnit, partyStream,
} from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CommandContext } from '../command-handling/command-context';
import { Handled, handleCommand, retryingConflicts } from '../command-handling/handle-command';
import { readModelsAt } from '../command-handling/read-models-at';
import { registeredParties, registeredPatent } from '../command-handling/stream-facts';
import { deciderFold, streamStatesOf } from '../command-handling/stream-states';
import { EVENT_STORE } from '../event-store/tokens';
import { ProjectionRunner } from '../projections/projection-runner';

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

/** How long a deal for a license waits for the license's income to be allocated (see holderPolicy). */
const ALLOCATIONS_CATCH_UP_MS = 5000;

@CommandHandler(CreateEquityDealCommand)
export class CreateEquityDealHandler implements ICommandHandler<CreateEquityDealCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly runner: ProjectionRunner) {}

  async execute({ request, ctx }: CreateEquityDealCommand): Promise<EquityOutcome> {
    const known = new Set(await registeredParties(this.store, [request.issuerId, request.holderId]));
    for (const field of ['issuerId', 'holderId'] as const) {
      if (!known.has(request[field])) throw new DomainError('unknown-party', `${field}: party ${request[field]} is not registered`, 'rule', field);
    }
    const license = request.licenseId ? await this.licenseFor(request) : undefined;
    const { inventorsSharePercent, policyVersion } = await this.holderPolicy(request.holderId, license);
    const inventors = license ? await this.inventorsOf(license, request.holderId) : [];
    return handleCommand(this.store, equityStream(request.dealId), equityDecider,
      { type: 'GrantEquityStake', data: { ...request, inventorsSharePercent, policyVersion, inventors } }, ctx);
  }

  /** The license the shares are for: its licensee grants them, to one of its licensors. */
  private async licenseFor(request: EquityDealRequest): Promise<LicenseGranted['data']> {
    const [granted] = await this.store.readStream(licenseStream(request.licenseId!), { maxCount: 1 });
    if (!granted) throw new DomainError('unknown-license', `licenseId: license ${request.licenseId} not found`, 'rule', 'licenseId');
    const license = (granted as unknown as LicenseGranted).data;
    if (request.issuerId !== license.licenseeId) {
      throw new DomainError('issuer-not-licensee', `issuerId must be the license's licensee ${license.licenseeId}: shares for a license come from its licensee`, 'rule', 'issuerId');
    }
    if (request.currency !== license.currency) {
      // Bands count a license's income per currency: proceeds in another would start a count of their own.
      throw new DomainError('currency-not-license-currency', `currency must be the license's currency ${license.currency}: the proceeds count in its bands`, 'rule', 'currency');
    }
    if (!license.revenueShares.some((s) => s.partyId === request.holderId)) {
      throw new DomainError('holder-not-licensor', `holderId must be one of the license's licensors: ${license.revenueShares.map((s) => s.partyId).join(', ')}`, 'rule', 'holderId');
    }
    return license;
  }

  /**
   * The holder's current policy decides the inventors' part of the shares: the band the license's
   * income stands in (as its proceeds and royalties would be shared now), the first band without a license.
   */
  private async holderPolicy(holderId: string, license?: LicenseGranted['data']) {
    let { value } = await streamStatesOf(this.store).load(partyStream(holderId), deciderFold(distributionDecider));
    if (license && (value.policies[value.latestVersion]?.bands.length ?? 0) > 1) {
      // Where the bands stand is what the process manager has allocated: let it take in the log first.
      await readModelsAt(this.runner, await this.store.headPosition(), ALLOCATIONS_CATCH_UP_MS,
        "the license's income is not yet allocated: the inventors' band is not known, retry shortly");
      ({ value } = await streamStatesOf(this.store).load(partyStream(holderId), deciderFold(distributionDecider)));
    }
    const latest = value.policies[value.latestVersion];
    const band = latest && (license
      ? bandAt(latest.bands, new Big(licenseIncome(value, license.licenseId, license.currency)), minorUnit(license.currency))
      : latest.bands[0]);
    const share = band?.shares.find((s) => s.beneficiary === 'inventors');
    return { inventorsSharePercent: share?.sharePercent ?? null, policyVersion: latest ? value.latestVersion : null };
  }

  /**
   * The holder's inventors on the license: those of its patents the holder owns (not a co-licensor's),
   * each weighted by the sum of their inventor shares across them.
   */
  private async inventorsOf(license: LicenseGranted['data'], holderId: string) {
    const weights = new Map<string, Big>();
    for (const patentId of license.patentIds) {
      const patent = await registeredPatent(this.store, patentId);
      if (!patent?.owners.some((o) => o.partyId === holderId)) continue;
      for (const inventor of patent.inventors) {
        weights.set(inventor.partyId, (weights.get(inventor.partyId) ?? new Big(0)).plus(inventor.sharePercent));
      }
    }
    return [...weights].map(([partyId, weight]) => ({ partyId, sharePercent: weight.toFixed() }));
  }
}

@CommandHandler(EquityCommandMessage)
export class EquityCommandHandler implements ICommandHandler<EquityCommandMessage> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Decided again when another write to the deal won the race (two rounds at once): see retryingConflicts. */
  execute({ dealId, command, ctx }: EquityCommandMessage): Promise<EquityOutcome> {
    return retryingConflicts(() => handleCommand(this.store, equityStream(dealId), equityDecider, command, ctx));
  }
}
