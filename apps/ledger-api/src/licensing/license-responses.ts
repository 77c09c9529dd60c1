import { LicenseEvent, RoyaltyAssessment, licenseStatusOn } from '@ledger/domain';
import { LicenseOutcome } from '@ledger/ledger';

/** What a write answers: the decided facts, shaped by the API contract, plus the append position. */
const assessments = (events: LicenseEvent[]): RoyaltyAssessment[] =>
  events.flatMap((e) => (e.type === 'RoyaltyAssessed' ? [e.data] : []));

const only = <T extends LicenseEvent['type']>(events: LicenseEvent[], type: T) =>
  events.find((e): e is Extract<LicenseEvent, { type: T }> => e.type === type);

const position = (outcome: LicenseOutcome) => outcome.position.toString();

/**
 * The assessments a write moved besides its own (a report's royalty, a closed year's shortfall), each
 * with its `delta` as a restatement's `adjustments[]` name it: the same field read the same way
 * whichever write caused the move (it was `amount` here, and `delta` there).
 */
const knockOn = (events: LicenseEvent[], kinds: readonly RoyaltyAssessment['kind'][] = ['adjustment', 'shortfall-adjustment']) =>
  assessments(events).filter((a) => kinds.includes(a.kind)).map((a) => ({ ...a, delta: a.amount }));

export function granted(outcome: LicenseOutcome) {
  const terms = only(outcome.events, 'LicenseGranted')!.data;
  const upfront = assessments(outcome.events).find((a) => a.kind === 'upfront');
  return {
    id: terms.licenseId,
    revenueShares: terms.revenueShares,
    ...(upfront ? { upfront: { amount: upfront.amount, allocations: upfront.allocations } } : {}),
    position: position(outcome),
  };
}

export function reportAssessed(outcome: LicenseOutcome) {
  const report = only(outcome.events, 'SalesReportSubmitted')!.data;
  const all = assessments(outcome.events);
  const royalty = all.find((a) => a.kind === 'royalty' && a.reportId === report.reportId);
  if (!royalty || royalty.kind !== 'royalty') throw new Error('a submitted report is always assessed');
  const moved = knockOn(outcome.events);
  return {
    reportId: report.reportId,
    period: report.period,
    currency: royalty.currency,
    netSales: royalty.netSales,
    royalty: royalty.amount,
    tiers: royalty.tiers,
    perUnitAmount: royalty.perUnitAmount,
    sublicenseAmount: royalty.sublicenseAmount,
    capped: royalty.capped,
    allocations: royalty.allocations,
    ...(royalty.royaltyReported !== undefined ? { royaltyReported: royalty.royaltyReported } : {}),
    ...(royalty.discrepancy !== undefined ? { discrepancy: royalty.discrepancy } : {}),
    ...(moved.length ? { adjustments: moved } : {}),
    position: position(outcome),
  };
}

export function restated(outcome: LicenseOutcome) {
  const restatement = only(outcome.events, 'SalesReportRestated')!.data;
  const shortfall = knockOn(outcome.events, ['shortfall-adjustment']);
  return {
    reportId: restatement.reportId,
    netSales: restatement.netSales,
    previousNetSales: restatement.previousNetSales,
    adjustments: restatement.adjustments,
    ...(shortfall.length ? { shortfallAdjustments: shortfall } : {}),
    assessments: assessments(outcome.events).map((a) => ({ assessmentId: a.assessmentId, kind: a.kind, amount: a.amount, allocations: a.allocations })),
    position: position(outcome),
  };
}

export function milestoneAssessed(outcome: LicenseOutcome) {
  const achieved = only(outcome.events, 'MilestoneAchieved')!.data;
  const assessment = assessments(outcome.events).find((a) => a.kind === 'milestone');
  return { milestone: achieved.code, achievedOn: achieved.achievedOn, amount: achieved.amount,
    allocations: assessment?.allocations ?? [], position: position(outcome) };
}

export function yearClosed(outcome: LicenseOutcome) {
  const closed = only(outcome.events, 'RoyaltyYearClosed')!.data;
  const all = assessments(outcome.events);
  const assessment = all.find((a) => a.kind === 'shortfall');
  // A shortfall the lifetime cap counts leaves later years' reports and shortfalls less room: what it moved.
  const moved = knockOn(outcome.events);
  return { year: closed.year, runningRoyalties: closed.runningRoyalties, minimumAnnual: closed.minimumAnnual,
    shortfall: closed.shortfall, allocations: assessment?.allocations ?? [], ...(moved.length ? { adjustments: moved } : {}), position: position(outcome) };
}

export function paymentRecorded(outcome: LicenseOutcome) {
  const payment = only(outcome.events, 'PaymentReceived')!.data;
  return { ...payment, position: position(outcome) };
}

export function terminated(outcome: LicenseOutcome, today: string) {
  const termination = only(outcome.events, 'LicenseTerminated')!.data;
  return { status: licenseStatusOn(termination.effectiveOn, today), ...termination, position: position(outcome) };
}
