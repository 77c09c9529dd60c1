import { Inject, Injectable } from '@nestjs/common';
import { DistributionAllocated, equityStream, licenseStream, partyStream } from '@ledger/domain';
import { EventStore, RecordedEvent } from '@ledger/event-store';
import { EVENT_STORE } from '../event-store/tokens';
import { partyPolicyVersions } from '../command-handling/stream-facts';
import { StatementsQuery } from '../statements/statements.query';

/** The writes that move assessed royalties or shortfalls after the fact. */
const CAUSES = new Set(['SalesReportRestated', 'SalesReportSubmitted', 'RoyaltyYearClosed']);

type Cause = { kind: 'restatement' | 'late-report'; reportId: string } | { kind: 'year-closed'; year: number };

/**
 * An adjustment's own report figures do not explain it: the write that moved it does (a restatement or
 * a late report, with their figures, or a year's close), the last such write before it that its `cause`
 * names; a shortfall's is the close of its year. A shortfall adjustment recorded before it kept a cause is matched by the request that wrote
 * both, nearest first (a client's reused X-Request-Id was once the causation of older requests too).
 */
function causeOf(events: readonly RecordedEvent[], assessed: RecordedEvent): RecordedEvent | undefined {
  const { kind, cause: stated, year } = assessed.data as { kind?: string; cause?: Cause; year?: number };
  // A shortfall is the year's close: its running royalties and the minimum they fell short of (the
  // assessment alone says only the amount).
  const cause: Cause | undefined = kind === 'shortfall' && year !== undefined ? { kind: 'year-closed', year } : stated;
  if (kind !== 'adjustment' && kind !== 'shortfall-adjustment' && kind !== 'shortfall') return undefined;
  const before = events.filter((e) => e.revision < assessed.revision && CAUSES.has(e.type)).reverse();
  if (cause === undefined) return before.find((e) => e.metadata.causationId === assessed.metadata.causationId);
  return before.find((e) => {
    const data = e.data as { reportId?: string; year?: number };
    if (cause.kind === 'year-closed') return e.type === 'RoyaltyYearClosed' && data.year === cause.year;
    return e.type === (cause.kind === 'restatement' ? 'SalesReportRestated' : 'SalesReportSubmitted') && data.reportId === cause.reportId;
  });
}

const view = (e: RecordedEvent) => ({ eventId: e.id, type: e.type, revision: e.revision.toString(), data: e.data, recordedAt: e.metadata.recordedAt });

/**
 * Explains one allocation down to its origin: the party's DistributionAllocated (policy version and
 * every beneficiary line), the policy it applied, the license's RoyaltyAssessed (tiers, net sales),
 * and the sales report figures in force when it was assessed, and for an adjustment the write that moved
 * it (causedBy); or, for equity proceeds, the deal's
 * EquityLiquidated (shares sold, proceeds, the liquidityId its POST answered).
 */
@Injectable()
export class AllocationExplanation {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly statements: StatementsQuery,
  ) {}

  async explain(viewerPartyId: string, allocationId: string) {
    const lines = await this.statements.allocationLines(allocationId);
    const income = lines.find((l) => String(l.account).startsWith('income:'));
    if (!income) return undefined;
    const allocatingParty = String(income.account).slice('income:'.length);
    const involved = lines.some((l) => l.account === `payable:${viewerPartyId}`) || allocatingParty === viewerPartyId;
    if (!involved) return undefined; // another party's allocation: not found, so its existence does not leak

    // The journal says where in the log the allocation is: a university's party stream holds hundreds of
    // thousands of allocations, too many to read per request for the one it explains.
    const [allocated] = await this.store.readAll({ fromPosition: BigInt(String(income.position)), maxCount: 1 });
    const isIt = allocated?.streamId === partyStream(allocatingParty) && allocated.type === 'DistributionAllocated'
      && (allocated.data as { allocationId: string }).allocationId === allocationId;
    if (!isIt) return undefined;
    const data = (allocated as unknown as DistributionAllocated).data;
    const version = (await partyPolicyVersions(this.store, allocatingParty)).find((v) => v.version === data.policyVersion);
    const [policy] = version ? await this.store.readAll({ fromPosition: version.position, maxCount: 1 }) : [];
    // Equity proceeds name their license too (they are its income), but their source event is the deal's sale.
    const origin = data.source.dealId ? await this.sale(data.source.dealId, data.source.eventId)
      : data.source.licenseId ? await this.origin(data.source.licenseId, data.source.eventId, data.source.reportId) : {};
    return {
      allocationId,
      partyId: viewerPartyId,
      allocatedBy: allocatingParty,
      allocation: view(allocated),
      policy: policy?.type === 'DistributionPolicySet' ? view(policy) : null,
      ...origin,
    };
  }

  private async sale(dealId: string, sourceEventId: string) {
    const sold = (await this.store.readStream(equityStream(dealId))).find((e) => e.id === sourceEventId);
    return sold ? { liquidityEvent: view(sold) } : {};
  }

  private async origin(licenseId: string, sourceEventId: string, reportId?: string) {
    const events = await this.store.readStream(licenseStream(licenseId));
    const assessed = events.find((e) => e.id === sourceEventId);
    if (!assessed) return {};
    // The report's figures as they stood when the royalty was assessed: the last submission or
    // restatement of that report at or before the assessment.
    const report = reportId
      ? events
          .filter((e) => e.revision <= assessed.revision && (e.type === 'SalesReportSubmitted' || e.type === 'SalesReportRestated'))
          .filter((e) => (e.data as { reportId: string }).reportId === reportId)
          .pop()
      : undefined;
    const causedBy = causeOf(events, assessed);
    return { assessment: view(assessed), ...(report ? { salesReport: view(report) } : {}), ...(causedBy ? { causedBy: view(causedBy) } : {}) };
  }
}
