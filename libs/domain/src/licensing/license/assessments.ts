import { allocate } from '../../money/allocate';
import { Big } from '../../money/big';
import { minorUnit } from '../../money/currency';
import { formatAmount } from '../../money/money';
import { lastDayInTerm, laterDate, periodEnd, periodStart, yearEnd, yearStart } from '../calendar';
import { periodYear } from '../royalty/period';
import { ReportAssessment } from '../royalty/assess';
import { RestatementAdjustment } from '../royalty/restatement';
import { AdjustmentAssessment, AdjustmentLine, AllocationLine, LicenseEvent, LicenseTerms, ReportRoyaltyAssessment } from './events';
import { ShortfallChange } from './reassess';
import { GrantedLicense, termEnd } from './state';

/** Splits an assessed amount (possibly negative) between the licensors by the revenue shares. */
export function allocateToLicensors(amount: Big, terms: Pick<LicenseTerms, 'revenueShares' | 'currency'>): AllocationLine[] {
  const { revenueShares, currency } = terms;
  const parts = allocate(amount, revenueShares.map((s) => new Big(s.sharePercent)), minorUnit(currency));
  return revenueShares.map((s, i) => ({ partyId: s.partyId, amount: formatAmount(parts[i], currency) }));
}

/**
 * Splits a change of an assessed figure (a report's royalty, a year's shortfall) between the licensors
 * as what each gets of the restated figure less what it got of the previous one, so each holds its
 * share of the figure as it now stands. Splitting each change on its own drifted: 0.03 split 50 / 50
 * (0.02, 0.01), restated down by 0.01 three times (each −0.01, 0.00), left 0.01 and −0.01 on nothing.
 */
export function allocateChange(previous: Big, restated: Big, terms: Pick<LicenseTerms, 'revenueShares' | 'currency'>): AllocationLine[] {
  const before = allocateToLicensors(previous, terms);
  return allocateToLicensors(restated, terms).map((line, i) => ({
    partyId: line.partyId, amount: formatAmount(new Big(line.amount).minus(before[i].amount), terms.currency),
  }));
}

/**
 * Fresh assessment ids, consumed in order. When the pool is used up, further ids are derived from
 * its first id (`${ids[0]}-1`, `-2`, …): unique as long as the pool ids are, and deterministic.
 */
export function idSupply(ids: readonly string[]): () => string {
  if (ids.length === 0 || ids.some((id) => typeof id !== 'string' || id === '')) {
    throw new Error('assessment ids must be a non-empty list of non-empty strings');
  }
  let next = 0;
  return () => {
    const id = next < ids.length ? ids[next] : `${ids[0]}-${next - ids.length + 1}`;
    next += 1;
    return id;
  };
}

export function reportRoyaltyEvent(
  license: GrantedLicense,
  assessmentId: string,
  a: ReportAssessment,
  prior: Big,
  royaltyReported?: string,
): LicenseEvent {
  const { currency } = license.terms;
  const fmt = (x: Big) => formatAmount(x, currency);
  const reported =
    royaltyReported === undefined
      ? {}
      : a.royalty.eq(royaltyReported)
        ? { royaltyReported }
        : { royaltyReported, discrepancy: fmt(new Big(royaltyReported).minus(a.royalty)) };
  const data: ReportRoyaltyAssessment = {
    assessmentId,
    kind: 'royalty',
    reportId: a.reportId,
    period: a.period,
    date: royaltyDate(license, a.period),
    amount: fmt(a.royalty),
    currency,
    netSales: fmt(a.netSales),
    cumulativeNetSales: fmt(a.cumulativeNetSales),
    tiers: a.tiers.map((t) => ({ ...(t.upTo === undefined ? {} : { upTo: t.upTo }), ratePercent: t.ratePercent, base: fmt(t.base), amount: fmt(t.amount) })),
    perUnitAmount: fmt(a.perUnitAmount),
    sublicenseAmount: fmt(a.sublicenseAmount),
    capped: a.capped,
    priorLifetimeRoyalty: fmt(prior),
    allocations: allocateToLicensors(a.royalty, license.terms),
    ...reported,
  };
  return { type: 'RoyaltyAssessed', data };
}

export function adjustmentLines(license: GrantedLicense, adjustments: readonly RestatementAdjustment[]): AdjustmentLine[] {
  const fmt = (x: Big) => formatAmount(x, license.terms.currency);
  return adjustments.map((a) => ({
    reportId: a.reportId, period: a.period, previous: fmt(a.previous), restated: fmt(a.restated), delta: fmt(a.delta),
  }));
}

/** One RoyaltyAssessed per non-zero delta (zero deltas are only listed on the restatement). */
export function adjustmentEvents(
  license: GrantedLicense,
  adjustments: readonly RestatementAdjustment[],
  nextId: () => string,
  cause: AdjustmentAssessment['cause'],
): LicenseEvent[] {
  const { currency } = license.terms;
  return adjustments
    .filter((a) => !a.delta.eq(0))
    .map((a) => ({
      type: 'RoyaltyAssessed',
      data: {
        assessmentId: nextId(), kind: 'adjustment', reportId: a.reportId, period: a.period, date: license.reports[a.reportId]?.dated ?? royaltyDate(license, a.period),
        amount: formatAmount(a.delta, currency), currency,
        previous: formatAmount(a.previous, currency), restated: formatAmount(a.restated, currency),
        cause, allocations: allocateChange(a.previous, a.restated, license.terms),
      },
    }));
}

/*
 * Business dates. Money is owed once its sales are over: a royalty on its period's last day, or the
 * term's when the term ends within the period (the last day of the period the license covers); a year's
 * shortfall on the year's last day in the term, or on its latest royalty's date if later (one recorded
 * before a termination dated back). Dated on the calendar's 31 December, a terminated license's final
 * royalties and shortfall, reported and closed from the day after the termination, sat in partners'
 * future, where no payout could reach them. A correction keeps the date of what it corrects, so a
 * shortfall's correction is never dated before a royalty it offsets (the partner is never owed less
 * between the two) and never moves with a termination recorded later.
 */
export const royaltyDate = (license: GrantedLicense, period: string) => lastDayInTerm(periodStart(period), periodEnd(period), termEnd(license));

export function shortfallDate(license: GrantedLicense, year: number): string {
  const royalties = Object.values(license.reports).flatMap((r) => (r.dated !== undefined && periodYear(r.period) === year ? [r.dated] : []));
  return royalties.reduce(laterDate, lastDayInTerm(yearStart(year), yearEnd(year), termEnd(license)));
}

export function shortfallAdjustmentEvents(
  license: GrantedLicense,
  changes: readonly ShortfallChange[],
  nextId: () => string,
  cause: AdjustmentAssessment['cause'],
): LicenseEvent[] {
  const { currency } = license.terms;
  return changes.map((c) => ({
    type: 'RoyaltyAssessed',
    data: {
      assessmentId: nextId(), kind: 'shortfall-adjustment', year: c.year, date: license.closedYears[String(c.year)]?.shortfallDated ?? shortfallDate(license, c.year),
      amount: formatAmount(c.delta, currency), currency,
      previous: formatAmount(c.previous, currency), restated: formatAmount(c.restated, currency),
      cause, allocations: allocateChange(c.previous, c.restated, license.terms),
    },
  }));
}
