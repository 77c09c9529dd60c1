import { Big } from '../../money/big';
import { assessWindow, ReportAssessment, WindowReport } from '../royalty/assess';
import { assessedRunning, capRoom, minimumShortfall } from '../royalty/minimum';
import { periodYear, windowKey } from '../royalty/period';
import { restatementDeltas, RestatementAdjustment } from '../royalty/restatement';
import { periodStart } from '../calendar';
import { GrantedLicense, ReportRecord } from './state';

/**
 * The royalty of the reports passed in (every report of a license, or those reassessFrom picks),
 * recomputed from their latest figures.
 *
 * Windows (a calendar year, or the whole life) are assessed in order; each calendar-year window
 * gets the running + sublicense royalty of the earlier windows as its priorLifetimeRoyalty, and each
 * year the shortfalls of earlier closed years, so a lifetime cap spans windows and minimums. Because
 * every window a change can reach is recomputed (see reassessFrom), a restatement or a late report
 * for an earlier period shows up as a changed royalty wherever it lands.
 */
export interface Reassessment {
  /** The reassessed reports' assessments, in period order: every report, or those from `fromYear` on. */
  assessments: ReportAssessment[];
  /** What the lifetime cap counted before each report's window: earlier windows' royalty and earlier closed years' shortfalls. */
  priorOf: Map<string, Big>;
  /** Calendar-year windows before this year were not reassessed: nothing in them could move. */
  fromYear?: number;
  /** The figures of every closed year the reassessment reached (from `fromYear` on), the year being closed included. */
  closedYears: Map<number, YearFigures>;
}

export interface YearFigures {
  running: Big;
  shortfall: Big;
}

interface ReassessScope {
  /** Closed years before it keep their recorded shortfall (reassessFrom). */
  fromYear?: number;
  /** A year being closed (CloseRoyaltyYear): reassessed as closed under the rules of a new closing. */
  closing?: number;
}

const windowReport = (r: ReportRecord): WindowReport => ({
  reportId: r.reportId,
  period: r.period,
  netSales: new Big(r.netSales),
  units: new Big(r.units),
  sublicenseIncome: new Big(r.sublicenseIncome),
});

export function windowReportsOf(license: GrantedLicense): WindowReport[] {
  return Object.values(license.reports).map(windowReport);
}

const byPeriod = (a: { period: string }, b: { period: string }) => {
  const [x, y] = [periodStart(a.period), periodStart(b.period)];
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Reassesses the reports passed in, window by window, in the order the lifetime cap counts charges:
 * each year's reports, then that year's shortfall if it is closed (and counts toward the cap,
 * `countsTowardLifetimeCap`), so a later year's reports and shortfall get only what the cap leaves
 * after every earlier charge. A year closed before that rule counts for nothing, as it was closed.
 */
export function reassess(license: GrantedLicense, reports: readonly WindowReport[], priorLifetimeRoyalty = new Big(0), scope: ReassessScope = {}): Reassessment {
  const { royalty: terms, currency, rounding } = license.terms;
  const windows = new Map<string, WindowReport[]>();
  for (const report of [...reports].sort(byPeriod)) {
    const key = windowKey(report.period, terms.tierBasis);
    const window = windows.get(key);
    if (window === undefined) windows.set(key, [report]);
    else window.push(report);
  }
  const closed = closedYearsOf(license, scope.closing);
  const reached = (year: number) => scope.fromYear === undefined || year >= scope.fromYear;
  const assessments: ReportAssessment[] = [];
  const closedYears = new Map<number, YearFigures>();
  // A closed year's figures, from the assessments through it: asked in year order, once those are all made.
  const figuresOf = (year: number, soFar: readonly ReportAssessment[]): YearFigures => {
    let figures = closedYears.get(year);
    if (figures === undefined) {
      const rule = closed.get(year)!;
      // Every close the caps bound sees the counted shortfalls before it (an older close's among them: a
      // year closed later under this rule leaves it less room, never more).
      figures = yearFigures(license, soFar, year, rule.withinCaps, rule.withinCaps ? lifetimeChargesBefore(year, soFar) : new Big(0));
      closedYears.set(year, figures);
    }
    return figures;
  };
  const lifetimeChargesBefore = (year: number, soFar: readonly ReportAssessment[]) => {
    let charges = new Big(0);
    for (const [y, rule] of closed) {
      if (y >= year || !rule.counts) continue;
      charges = charges.plus(reached(y) ? figuresOf(y, soFar).shortfall : rule.recorded);
    }
    return charges;
  };

  const priorOf = new Map<string, Big>();
  let prior = priorLifetimeRoyalty;
  // Map keeps insertion order, and reports were inserted in period order: windows are in order too.
  for (const windowReports of windows.values()) {
    const chargedIn = new Map<number, Big>();
    const chargedBefore = (year: number, windowSoFar: readonly ReportAssessment[]) => {
      const charges = lifetimeChargesBefore(year, [...assessments, ...windowSoFar]);
      chargedIn.set(year, charges);
      return charges;
    };
    const assessed = assessWindow({ terms, currency, rounding, reports: windowReports, priorLifetimeRoyalty: prior, chargedBefore });
    for (const a of assessed) priorOf.set(a.reportId, prior.plus(chargedIn.get(periodYear(a.period)) ?? 0));
    prior = assessed.reduce((sum, a) => sum.plus(a.royalty), prior);
    assessments.push(...assessed);
  }
  for (const year of closed.keys()) if (reached(year)) figuresOf(year, assessments);
  return { assessments, priorOf, closedYears, ...(scope.fromYear === undefined ? {} : { fromYear: scope.fromYear }) };
}

interface ClosingRule {
  /** Its shortfall is bounded by what the caps leave (RoyaltyYearClosed's `withinCaps`). */
  withinCaps: boolean;
  /** Its shortfall counts toward the lifetime cap, after the year's reports (`countsTowardLifetimeCap`). */
  counts: boolean;
  /** Its shortfall as recorded (0 for the year being closed). */
  recorded: Big;
}

/** The license's closed years in year order, with the year being closed as a new closing would be. */
function closedYearsOf(license: GrantedLicense, closing?: number): Map<number, ClosingRule> {
  const rules = Object.entries(license.closedYears).map(([year, c]): [number, ClosingRule] => [
    Number(year), { withinCaps: c.withinCaps === true, counts: c.countsTowardLifetimeCap === true, recorded: new Big(c.shortfall) },
  ]);
  if (closing !== undefined) {
    rules.push([closing, { withinCaps: hasCap(license), counts: countsTowardLifetimeCap(license), recorded: new Big(0) }]);
  }
  return new Map(rules.sort(([a], [b]) => a - b));
}

/**
 * What a new or restated report (`change`, with its new figures) can move: its own calendar-year
 * window and every later one. Tier thresholds and the annual cap are per window and the lifetime
 * cap only looks back, so earlier windows keep their royalties, and those are the reports' current
 * royalties (every change was assessed as it came): their sum is the later windows' prior. A license
 * reporting monthly for ten years re-assesses a year of reports per report, not all 120 of them.
 * A lifetime tier basis is one window: everything is reassessed.
 */
export function reassessFrom(license: GrantedLicense, change: WindowReport): Reassessment {
  if (license.terms.royalty.tierBasis === 'lifetime') {
    return reassess(license, [...windowReportsOf(license).filter((r) => r.reportId !== change.reportId), change]);
  }
  const fromYear = periodYear(change.period);
  let prior = new Big(0);
  const reports: WindowReport[] = [];
  for (const [year, ids] of Object.entries(license.windows)) {
    const before = Number(year) < fromYear;
    for (const id of ids) {
      if (before) prior = prior.plus(license.reports[id].royalty);
      else if (id !== change.reportId) reports.push(windowReport(license.reports[id]));
    }
  }
  reports.push(change);
  return reassess(license, reports, prior, { fromYear });
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
  const existing = reassessment.assessments.filter((a) => license.reports[a.reportId] !== undefined);
  const previous = existing.map(({ reportId, period }) => ({ reportId, period, royalty: new Big(license.reports[reportId].royalty) }));
  return restatementDeltas(previous, existing, restatedReportId ?? '');
}

export interface ShortfallChange {
  year: number;
  previous: Big;
  restated: Big;
  delta: Big;
}

/**
 * What the reports of the year and of every year before it are charged: the reassessed royalty of
 * those reassessed, the current royalty of the rest (earlier years a reassessment did not reach).
 */
function chargedThrough(license: GrantedLicense, assessments: readonly ReportAssessment[], year: number) {
  const reassessed = new Map(assessments.map((a) => [a.reportId, a]));
  let through = new Big(0);
  let inYear = new Big(0);
  const reports = [
    ...Object.values(license.reports).map((r) => ({ period: r.period, royalty: reassessed.get(r.reportId)?.royalty ?? new Big(r.royalty) })),
    ...assessments.filter((a) => license.reports[a.reportId] === undefined), // a report being submitted
  ];
  for (const { period, royalty } of reports) {
    const y = periodYear(period);
    if (y <= year) through = through.plus(royalty);
    if (y === year) inYear = inYear.plus(royalty);
  }
  return { through, inYear };
}

/**
 * Running (percentage + per-unit) royalty of one calendar year's reports, and its shortfall.
 * `withinCaps`: the shortfall is bounded by what the caps leave (capRoom): the lifetime cap less what
 * the reports through the year were charged and `earlierShortfalls` (those of earlier closed years
 * that count toward it). Years closed before that rule (their RoyaltyYearClosed has no `withinCaps`)
 * keep the measure they were closed under, so a restatement never moves them for the rule's sake.
 */
function yearFigures(
  license: GrantedLicense, assessments: readonly ReportAssessment[], year: number, withinCaps: boolean, earlierShortfalls: Big,
): YearFigures {
  const { royalty: terms, currency } = license.terms;
  const inYear = assessments.filter((a) => periodYear(a.period) === year);
  // Only a license with a cap needs what its reports were charged (a walk over all of them).
  const charged = withinCaps && hasCap(license) ? chargedThrough(license, assessments, year) : undefined;
  const room = charged && capRoom(terms, charged.inYear, charged.through.plus(earlierShortfalls));
  return { running: assessedRunning(inYear), shortfall: minimumShortfall(terms, inYear, currency, room) };
}

/** Whether the terms have a cap, which bounds a shortfall (RoyaltyYearClosed's `withinCaps`). */
export const hasCap = (license: GrantedLicense) => license.terms.royalty.annualCap !== undefined || license.terms.royalty.lifetimeCap !== undefined;

/** Whether a year closed now counts its shortfall toward the lifetime cap (RoyaltyYearClosed's `countsTowardLifetimeCap`). */
export const countsTowardLifetimeCap = (license: GrantedLicense) => license.terms.royalty.lifetimeCap !== undefined;

/** Closed years (already closed, not one being closed) whose shortfall a reassessment changes, in year order. */
export function shortfallChanges(license: GrantedLicense, reassessment: Reassessment): ShortfallChange[] {
  return Object.entries(license.closedYears)
    .flatMap(([key, closed]) => {
      const year = Number(key);
      const figures = reassessment.closedYears.get(year);
      if (figures === undefined) return []; // before the years it reached
      const previous = new Big(closed.shortfall);
      return [{ year, previous, restated: figures.shortfall, delta: figures.shortfall.minus(previous) }];
    })
    .filter((change) => !change.delta.eq(0))
    .sort((a, b) => a.year - b.year);
}
