import { Inject, Injectable } from '@nestjs/common';
import {
  AllocateDistribution, EquityLiquidated, EquityStakeGranted, LicenseGranted, RoyaltyAssessment, distributionDecider, equityStream,
  licenseStream, partyStream, policyInForce, RegisteredPatent,
} from '@ledger/domain';
import { EventStore, RecordedEvent } from '@ledger/event-store';
import { v5 as uuidv5 } from 'uuid';
import { handleCommand } from '../command-handling/handle-command';
import { PolicyVersion, policyVersions, registeredPatent } from '../command-handling/stream-facts';
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

/** What an allocation needs of the licensed patents: their inventors and recoverable costs. */
export const allocationPatents = (patents: (RegisteredPatent | undefined)[]): AllocateDistribution['data']['patents'] =>
  patents.flatMap((p) =>
    p ? [{ patentId: p.patentId, inventors: p.inventors, costs: p.costs.map((c) => ({ costId: c.costId, partyId: c.partyId, amount: c.amount, currency: c.currency })) }] : [],
  );

/** Deterministic event ids, so a replayed append is recognised as a retry. */
export const allocationEventId = (allocationId: string, index: number) =>
  index === 0 ? allocationId : uuidv5(`${allocationId}/${index}`, ALLOCATIONS);

/**
 * Step 2 of revenue sharing: every amount a licensor receives on a license (and every sale of IP
 * equity) becomes a
 * DistributionAllocated on that party's stream, under the policy version in force at the source
 * event's position. Replays are harmless: ids are deterministic and the party's state remembers
 * which sources it has allocated.
 */
@Injectable()
export class DistributionProcessManager implements ProcessManager {
  readonly name = 'distribution';
  readonly handles = new Set(['RoyaltyAssessed', 'EquityLiquidated']);

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async handle(event: RecordedEvent): Promise<bigint | undefined> {
    if (event.type === 'EquityLiquidated') return this.proceeds(event);
    const assessment = event.data as RoyaltyAssessment;
    const source = assessmentSource(event);
    const licenseId = source.licenseId as string;
    const patents = await this.licensedPatents(licenseId);
    // Co-owners' streams are independent: their allocations are appended together (one commit where
    // the store groups them); a party's own shares, if it had several, stay in order on its stream.
    const byParty = new Map<string, RoyaltyAssessment['allocations']>();
    for (const share of assessment.allocations) byParty.set(share.partyId, [...(byParty.get(share.partyId) ?? []), share]);
    const settled = await Promise.allSettled([...byParty.values()].map(async (shares) => {
      let last: bigint | undefined;
      for (const share of shares) last = (await this.allocate(event, source, share.partyId, share.amount, assessment, patents)) ?? last;
      return last;
    }));
    // Every append has finished before a failure is reported, so a retry never overlaps this attempt.
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const positions = settled.map((s) => (s as PromiseFulfilledResult<bigint | undefined>).value);
    return positions.reduce<bigint | undefined>((max, p) => (p !== undefined && (max === undefined || p > max) ? p : max), undefined);
  }

  /** A sale of IP equity: the seller's proceeds go through its policy, with the deal's license's inventors. */
  private async proceeds(event: RecordedEvent): Promise<bigint | undefined> {
    const sale = (event as unknown as EquityLiquidated).data;
    const [granted] = await this.store.readStream(equityStream(sale.dealId), { maxCount: 1 });
    const licenseId = (granted as unknown as EquityStakeGranted | undefined)?.data.licenseId;
    const patents = licenseId ? await this.licensedPatents(licenseId) : [];
    const source: AllocationSource = { eventId: event.id, position: event.position.toString(), dealId: sale.dealId, kind: 'equity-proceeds' };
    return this.allocate(event, source, sale.holderId, sale.proceeds, { date: sale.occurredOn, currency: sale.currency }, patents);
  }

  private async allocate(
    event: RecordedEvent, source: AllocationSource, partyId: string, amount: string,
    assessment: Pick<RoyaltyAssessment, 'date' | 'currency'>, patents: AllocateDistribution['data']['patents'],
  ): Promise<bigint | undefined> {
    const stream = partyStream(partyId);
    const command = allocationCommand(event, source, partyId, amount, assessment, patents, await policyVersions(this.store, partyId));
    const ctx = { actor: ACTOR, correlationId: event.metadata.correlationId, causationId: event.id, now: new Date().toISOString() };
    const { allocationId } = command.data;
    const { events, position } = await handleCommand(this.store, stream, distributionDecider, command, ctx, {
      eventId: (i) => allocationEventId(allocationId, i),
    });
    return events.length ? position : undefined;
  }

  /** Inventors and costs of the license's patents, read from their streams. */
  private async licensedPatents(licenseId: string): Promise<AllocateDistribution['data']['patents']> {
    const [granted] = await this.store.readStream(licenseStream(licenseId), { maxCount: 1 });
    const { patentIds } = (granted as unknown as LicenseGranted).data;
    return allocationPatents(await Promise.all(patentIds.map((id) => registeredPatent(this.store, id))));
  }
}
