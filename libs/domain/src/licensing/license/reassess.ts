import { Big } from '../../money/big';
import { assessWindow, ReportAssessment, WindowReport } from '../royalty/assess';
import { minimumShortfall } from '../royalty/minimum';
import { periodYear, windowKey } from '../royalty/period';
import { restatementDeltas, RestatementAdjustment } from '../royalty/restatement';
import { periodStart } from '../calendar';
import { GrantedLicense } from './state';

/**
 * The royalty of every report of a license, recomputed from the reports' latest figures.
 *
 * Windows (a calendar year, or the whole life) are assessed in order; each calendar-year window
 * gets the running + sublicense royalty of the earlier windows as its priorLifetimeRoyalty, so a
 * lifetime cap spans windows. Because everything is recomputed, a change anywhere (a restatement,
 * a late report for an earlier period) shows up as a changed royalty wherever it lands.
 */
export interface Reassessment {
  /** All reports' assessments, in period order. */
  assessments: ReportAssessment[];
  /** The priorLifetimeRoyalty of each report's window. */
  priorOf: Map<string, Big>;
}

export function windowReportsOf(license: GrantedLicense): WindowReport[] {
  return Object.values(license.reports).map((r) => ({
    reportId: r.reportId,
    period: r.period,
    netSales: new Big(r.netSales),
    units: new Big(r.units),
    sublicenseIncome: new Big(r.sublicenseIncome),
  }));
}

const byPeriod = (a: { period: string }, b: { period: string }) => {
  const [x, y] = [periodStart(a.period), periodStart(b.period)];
  return x < y ? -1 : x > y ? 1 : 0;
};

export function reassess(license: GrantedLicense, reports: readonly WindowReport[]): Reassessment {
  const { royalty: terms, currency, rounding } = license.terms;
  const windows = new Map<string, WindowReport[]>();
  for (const report of [...reports].sort(byPeriod)) {
    const key = windowKey(report.period, terms.tierBasis);
    windows.set(key, [...(windows.get(key) ?? []), report]);
  }
  const assessments: ReportAssessment[] = [];
  const priorOf = new Map<string, Big>();
  let prior = new Big(0);
  // Map keeps insertion order, and reports were inserted in period order: windows are in order too.
  for (const windowReports of windows.values()) {
    const assessed = assessWindow({ terms, currency, rounding, reports: windowReports, priorLifetimeRoyalty: prior });
    for (const a of assessed) priorOf.set(a.reportId, prior);
    prior = assessed.reduce((sum, a) => sum.plus(a.royalty), prior);
    assessments.push(...assessed);
  }
  return { assessments, priorOf };
}

/**
 * How the royalty of the license's existing reports moved in a reassessment: every report whose
 * royalty changed, and always `restatedReportId` (even at zero). A newly submitted report is not
 * an existing report and is left out.
 */
export function royaltyAdjustments(
  license: GrantedLicense,
  reassessment: Reassessment,
  restatedReportId?: string,
): RestatementAdjustment[] {
  const previous = Object.values(license.reports).map((r) => ({ reportId: r.reportId, period: r.period, royalty: new Big(r.royalty) }));
  const existing = reassessment.assessments.filter((a) => license.reports[a.reportId] !== undefined);
  return restatementDeltas(previous, existing, restatedReportId ?? '');
}

export interface ShortfallChange {
  year: number;
  previous: Big;
  restated: Big;
  delta: Big;
}

/** Running (percentage + per-unit) royalty of one calendar year's reports, and its shortfall. */
export function yearFigures(license: GrantedLicense, assessments: readonly ReportAssessment[], year: number) {
  const { royalty: terms, currency, rounding } = license.terms;
  const inYear = assessments.filter((a) => periodYear(a.period) === year);
  const running = inYear.reduce((sum, a) => sum.plus(a.runningExact), new Big(0));
  return { running, shortfall: minimumShortfall(terms, inYear, currency, rounding) };
}

/** Closed years whose shortfall a reassessment changes (their minimum is recomputed). */
export function shortfallChanges(license: GrantedLicense, reassessment: Reassessment): ShortfallChange[] {
  return Object.entries(license.closedYears)
    .map(([key, closed]) => {
      const year = Number(key);
      const previous = new Big(closed.shortfall);
      const restated = yearFigures(license, reassessment.assessments, year).shortfall;
      return { year, previous, restated, delta: restated.minus(previous) };
    })
    .filter((change) => !change.delta.eq(0))
    .sort((a, b) => a.year - b.year);
}
