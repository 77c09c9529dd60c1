import { formatAmount } from '../../money/money';
import { DomainError } from '../../shared/domain-error';
import { dayAfter, lastDayInTerm, periodEnd, periodsOverlap, periodStart, requireDate, requirePeriod } from '../calendar';
import { adjustmentEvents, adjustmentLines, idSupply, reportRoyaltyEvent, shortfallAdjustmentEvents } from './assessments';
import { RestateSalesReport, SubmitSalesReport } from './commands';
import { LicenseEvent, ReportedFigures } from './events';
import { Reassessment, reassessFrom, royaltyAdjustments, shortfallChanges } from './reassess';
import { checkReport, CheckedReport, requireRecordable } from './report-lines';
import { GrantedLicense, LicenseState, requireGranted, termEnd } from './state';

/** The period rules of a new report, in the order a licensee would want to hear them. */
function checkPeriod(license: GrantedLicense, data: SubmitSalesReport['data'], period: string, today: string): void {
  const { effectiveOn, expiresOn } = license.terms;
  const [start, end] = [periodStart(period), periodEnd(period)];
  const refuse = (code: string, message: string) => new DomainError(code, message, 'rule', 'period');
  if (license.termination !== undefined && start > license.termination.effectiveOn) {
    throw refuse('license-terminated', `the license was terminated on ${license.termination.effectiveOn}, before ${period} began`);
  }
  // Outside the term first: a period after it is never reportable, whatever day it ends.
  if (end < effectiveOn || start > expiresOn) {
    throw refuse('period-outside-term', `${period} is outside the license term ${effectiveOn} to ${expiresOn}`);
  }
  // Sales stop with the term: a period it cuts short can be reported once the term is over.
  const last = lastDayInTerm(start, end, termEnd(license));
  if (last >= today) {
    const why = last < end ? `the license term ends on ${last}, within ${period}` : `${period} ends on ${end}`;
    throw refuse('period-not-ended', `${why}: it can be reported from ${dayAfter(last)}`);
  }
  if (license.reports[data.reportId] !== undefined) {
    throw new DomainError('report-exists', `report ${data.reportId} already exists`, 'conflict', 'reportId');
  }
  // Periods are months or quarters: only one of the same year can overlap (a cheap test first,
  // as this runs over every report of the license).
  const sameYear = period.slice(0, 5);
  const earlier = Object.values(license.reports).find((r) => r.period.startsWith(sameYear) && periodsOverlap(r.period, period));
  if (earlier !== undefined) {
    const message = `${period} overlaps ${earlier.period}, already reported in ${earlier.reportId}: restate that report instead`;
    throw new DomainError('period-already-reported', message, 'conflict', 'period');
  }
  // A closed year still takes a period nobody reported: the year may be closed from its first day,
  // before a licensee has reported its last quarter, and refusing it then would lose that royalty.
  // decideSubmit corrects the year's shortfall, as a restatement into a closed year does.
}

/** Every royalty a report sets (its own and those it moves) must be an amount the ledger can record. */
function recordable(reassessment: Reassessment, license: GrantedLicense): Reassessment {
  for (const { period, royalty } of reassessment.assessments) {
    requireRecordable(royalty, `the royalty of ${period}, ${formatAmount(royalty, license.terms.currency)} ${license.terms.currency},`);
  }
  return reassessment;
}

function figuresOf(license: GrantedLicense, reportId: string, period: string, checked: CheckedReport): ReportedFigures {
  return {
    reportId,
    period,
    lines: checked.lines,
    sublicenseIncome: checked.sublicenseIncome,
    netSales: formatAmount(checked.figures.netSales, license.terms.currency),
    units: checked.figures.units.toFixed(),
    ...(checked.royaltyReported === undefined ? {} : { royaltyReported: checked.royaltyReported }),
  };
}

/**
 * A report is assessed with the other reports of its window in period order. A late report for
 * an earlier period is accepted: the later reports it moves across tiers (or under a cap) are
 * re-assessed and their differences assessed as adjustments, exactly as a restatement would, and
 * the shortfalls of closed years it reaches (its own year's too) are corrected.
 */
export function decideSubmit(data: SubmitSalesReport['data'], state: LicenseState): LicenseEvent[] {
  const license = requireGranted(state);
  const period = requirePeriod(data.period);
  const today = requireDate(data.today, 'today');
  checkPeriod(license, data, period, today);
  const checked = checkReport(data, license);
  const { reportId } = data;
  const reassessment = recordable(reassessFrom(license, { reportId, period, ...checked.figures }), license);
  const own = reassessment.assessments.find((a) => a.reportId === reportId);
  if (own === undefined) throw new Error(`report ${reportId} was not assessed`);
  const nextId = idSupply([data.assessmentId, ...(data.assessmentIds ?? [])]);
  return [
    { type: 'SalesReportSubmitted', data: { ...figuresOf(license, reportId, period, checked), submittedOn: today } },
    reportRoyaltyEvent(license, nextId(), own, reassessment.priorOf.get(reportId)!, checked.royaltyReported),
    ...adjustmentEvents(license, royaltyAdjustments(license, reassessment), nextId, { kind: 'late-report', reportId }),
    ...shortfallAdjustmentEvents(license, shortfallChanges(license, reassessment), nextId, { kind: 'late-report', reportId }),
  ];
}

/**
 * A restatement replaces a report's figures (lines, sublicense income and reported royalty: an
 * absent one means none). Its calendar year and every later one are re-assessed (every report, for a
 * lifetime tier basis: reassessFrom); each report whose royalty moved, and always the restated one,
 * is listed on SalesReportRestated; non-zero differences are
 * assessed as adjustments, then closed years' shortfalls are corrected.
 */
export function decideRestate(data: RestateSalesReport['data'], state: LicenseState): LicenseEvent[] {
  const license = requireGranted(state);
  const report = license.reports[data.reportId];
  if (report === undefined) {
    throw new DomainError('report-not-found', `report ${data.reportId} does not exist`, 'not-found', 'reportId');
  }
  const today = requireDate(data.today, 'today');
  const checked = checkReport(data, license);
  const reassessment = recordable(reassessFrom(license, { reportId: report.reportId, period: report.period, ...checked.figures }), license);
  const adjustments = royaltyAdjustments(license, reassessment, report.reportId);
  const nextId = idSupply(data.assessmentIds);
  const restated = {
    ...figuresOf(license, report.reportId, report.period, checked),
    previousNetSales: report.netSales,
    restatedOn: today,
    adjustments: adjustmentLines(license, adjustments),
  };
  return [
    { type: 'SalesReportRestated', data: restated },
    ...adjustmentEvents(license, adjustments, nextId, { kind: 'restatement', reportId: report.reportId }),
    ...shortfallAdjustmentEvents(license, shortfallChanges(license, reassessment), nextId, { kind: 'restatement', reportId: report.reportId }),
  ];
}
