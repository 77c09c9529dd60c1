import { Inject, Injectable } from '@nestjs/common';
import {
  AllocateDistribution, EquityLiquidated, EquityStakeGranted, LicenseGranted, RoyaltyAssessment, distributionDecider, equityStream,
  licenseStream, partyStream, policyInForce,
} from '@ledger/domain';
import { EventStore, RecordedEvent } from '@ledger/event-store';
import { v5 as uuidv5 } from 'uuid';
import { QueuedCommand, handleCommands } from '../command-handling/handle-command';
import { PatentFacts, PolicyVersion, partyFacts, patentFacts } from '../command-handling/stream-facts';
import { streamStatesOf } from '../command-handling/stream-states';
import { EVENT_STORE } from '../event-store/tokens';
import { ProcessManager } from '../projections/process-manager';

/** Namespace of the deterministic allocation ids: uuidv5(sourceEventId/partyId). */
const ALLOCATIONS = '6f1f7a2e-3b4c-5d6e-8f90-a1b2c3d4e5f6';
const ACTOR = { id: 'distribution-process-manager', role: 'system' };

type AllocationSource = AllocateDistribution['data']['source'];

/** Where an assessed amount comes from, as the allocations it causes record it. */
export function assessmentSource(event: RecordedEvent): AllocationSource {
  const assessment = event.data as RoyaltyAssessment;
  return {
    eventId: event.id, position: event.position.toString(), licenseId: event.streamId.slice('license-'.length), kind: assessment.kind,
    ...('reportId' in assessment ? { reportId: assessment.reportId } : {}),
    ...('period' in assessment ? { period: assessment.period } : {}),
    ...(assessment.kind === 'milestone' ? { milestone: assessment.milestone } : {}),
    ...('year' in assessment ? { year: assessment.year } : {}),
  };
}

/** One party's share of a source, to allocate under the policy version in force at the source's position. */
export function allocationCommand(
  event: RecordedEvent, source: AllocationSource, partyId: string, amount: string,
  assessment: Pick<RoyaltyAssessment, 'date' | 'currency'>, patents: AllocateDistribution['data']['patents'], policies: PolicyVersion[],
): AllocateDistribution {
  return {
    type: 'AllocateDistribution',
    data: {
      allocationId: uuidv5(`${event.id}/${partyId}`, ALLOCATIONS), partyId, source, date: assessment.date, currency: assessment.currency,
      amount, policyVersion: policyInForce(policies, event.position), patents,
    },
  };
}

/**
 * What an allocation needs of the licensed patents: their owners and inventors, and the costs recorded before its
 * source, which it may recover. A cost recorded later waits for later income, however far behind the
 * process manager runs: the same log always allocates the same way.
 */
export const allocationPatents = (patents: (PatentFacts | undefined)[], source: bigint): AllocateDistribution['data']['patents'] =>
  patents.flatMap((f) => {
    if (!f) return [];
    const costs = f.patent.costs.filter((c) => (f.costPositions.get(c.costId) ?? source) < source);
    return [{
      patentId: f.patent.patentId, ownerIds: f.patent.owners.map((o) => o.partyId), inventors: f.patent.inventors,
      costs: costs.map(({ costId, partyId, amount, currency }) => ({ costId, partyId, amount, currency })),
    }];
  });

/** The process manager's name, as /health and /metrics show it beside the projections'. */
export const DISTRIBUTION_MANAGER = 'distribution';

/** Deterministic event ids, so a replayed append is recognised as a retry. */
export const allocationEventId = (allocationId: string, index: number) =>
  index === 0 ? allocationId : uuidv5(`${allocationId}/${index}`, ALLOCATIONS);

type Reaction = QueuedCommand<AllocateDistribution>;

/**
 * Step 2 of revenue sharing: every amount a licensor receives on a license (and every sale of IP
 * equity) becomes a DistributionAllocated on that party's stream, under the policy version in force
 * at the source event's position. A page of sources is allocated with one append per party. Replays
 * are harmless: ids are deterministic and the party's state knows how far it has allocated.
 */
@Injectable()
export class DistributionProcessManager implements ProcessManager {
  readonly name = DISTRIBUTION_MANAGER;
  readonly handles = new Set(['RoyaltyAssessed', 'EquityLiquidated']);

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async handle(events: readonly RecordedEvent[]): Promise<bigint | undefined> {
    const page = new PageFacts(this.store);
    const byParty = new Map<string, Reaction[]>();
    for (const event of events) {
      for (const reaction of await this.reactionsTo(event, page)) {
        const partyId = reaction.command.data.partyId;
        const queued = byParty.get(partyId);
        if (queued) queued.push(reaction);
        else byParty.set(partyId, [reaction]);
      }
    }
    // Parties' streams are independent: their appends go together (one commit where the store groups them).
    const settled = await Promise.allSettled([...byParty].map(async ([partyId, reactions]) =>
      handleCommands(this.store, partyStream(partyId), distributionDecider, reactions, (await page.partyOf(partyId)).allocations)));
    // Every append has finished before a failure is reported, so a retry never overlaps this attempt.
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    let appended: bigint | undefined;
    for (const r of settled) {
      const { position } = (r as PromiseFulfilledResult<{ position: bigint }>).value;
      if (position >= 0n && (appended === undefined || position > appended)) appended = position;
    }
    return appended;
  }

  private async reactionsTo(event: RecordedEvent, page: PageFacts): Promise<Reaction[]> {
    if (event.type === 'EquityLiquidated') {
      // A sale of IP equity: the seller's proceeds go through its policy, with the deal's license's inventors.
      const sale = (event as unknown as EquityLiquidated).data;
      const granted = await streamStatesOf(this.store).first(equityStream(sale.dealId));
      const grant = (granted as unknown as EquityStakeGranted | undefined)?.data;
      const licenseId = grant?.licenseId;
      const patents = allocationPatents(licenseId ? await page.patentsOf(licenseId) : [], event.position);
      // Proceeds of shares taken for a license are that license's income: its bands count them with its royalties.
      const source: AllocationSource = {
        eventId: event.id, position: event.position.toString(), dealId: sale.dealId, ...(licenseId ? { licenseId } : {}), kind: 'equity-proceeds',
        liquidityId: sale.liquidityId,
      };
      const assessment = { date: sale.occurredOn, currency: sale.currency };
      // Shares awarded to an inventor are hers: what she sells them for is owed to her in full, through no
      // policy (one she has as a party, say an institute, took its admin fee and beneficiaries' shares).
      const policies = grant && sale.holderId !== grant.holderId ? [] : await page.policiesOf(sale.holderId);
      return [reaction(event, allocationCommand(event, source, sale.holderId, sale.proceeds, assessment, patents, policies))];
    }
    const assessment = event.data as RoyaltyAssessment;
    const source = assessmentSource(event);
    const patents = allocationPatents(await page.patentsOf(source.licenseId as string), event.position);
    const reactions: Reaction[] = [];
    for (const share of assessment.allocations) {
      const policies = await page.policiesOf(share.partyId);
      reactions.push(reaction(event, allocationCommand(event, source, share.partyId, share.amount, assessment, patents, policies)));
    }
    return reactions;
  }
}

const reaction = (event: RecordedEvent, command: AllocateDistribution): Reaction => ({
  command,
  ctx: { actor: ACTOR, correlationId: event.metadata.correlationId, causationId: event.id, now: new Date().toISOString() },
  eventId: (i) => allocationEventId(command.data.allocationId, i),
});

/** What a page's allocations read from other streams, read once per page. */
class PageFacts {
  private readonly patents = new Map<string, Promise<(PatentFacts | undefined)[]>>();
  /** By patent: licenses of one patent read it once a page. */
  private readonly registered = new Map<string, Promise<PatentFacts | undefined>>();
  private readonly parties = new Map<string, ReturnType<typeof partyFacts>>();

  constructor(private readonly store: EventStore) {}

  /** The license's patents, read from their streams. */
  patentsOf(licenseId: string) {
    let found = this.patents.get(licenseId);
    if (!found) this.patents.set(licenseId, (found = this.readPatents(licenseId)));
    return found;
  }

  async policiesOf(partyId: string) {
    return (await this.partyOf(partyId)).policies;
  }

  /**
   * A party's policies and its allocations so far, folded from one read of its stream: the page's
   * allocations are decided on the state its policies were read at (a policy set meanwhile makes the
   * append conflict, and the page is tried again).
   */
  partyOf(partyId: string) {
    let found = this.parties.get(partyId);
    if (!found) this.parties.set(partyId, (found = partyFacts(this.store, partyId)));
    return found;
  }

  private async readPatents(licenseId: string) {
    const granted = await streamStatesOf(this.store).first(licenseStream(licenseId));
    const { patentIds } = (granted as unknown as LicenseGranted).data;
    return Promise.all(patentIds.map((id) => {
      let found = this.registered.get(id);
      if (!found) this.registered.set(id, (found = patentFacts(this.store, id)));
      return found;
    }));
  }
}
