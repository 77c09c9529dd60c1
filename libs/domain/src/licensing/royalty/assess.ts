import { Big } from '../../money/big';
import { parseDecimal, parsePercent } from '../../money/decimal';
import { minorUnit } from '../../money/currency';
import { percentOf, Rounding, roundToCurrency } from '../../money/money';
import { ReportFigures } from './net-sales';
import { periodYear } from './period';
import { RoyaltyTerms } from './terms';
import { TierAmount, tierBreakdown } from './tiers';

export interface WindowReport extends ReportFigures {
  reportId: string;
  period: string;
}

/**
 * A window: the reports whose cumulative net sales share tier thresholds (one calendar year for
 * 'calendar-year', the whole life for 'lifetime'), in period order.
 */
export interface WindowInput {
  terms: RoyaltyTerms;
  currency: string;
  rounding: Rounding;
  reports: readonly WindowReport[];
  /** Running + sublicense royalty assessed before the window, for the lifetime cap (default 0). */
  priorLifetimeRoyalty?: Big;
  /**
   * What else the lifetime cap counts before a year's reports (the shortfalls of closed years before
   * it), asked when the window reaches the year, with the window's reports assessed so far.
   */
  chargedBefore?: (year: number, assessedSoFar: readonly ReportAssessment[]) => Big;
}

export interface ReportAssessment {
  reportId: string;
  period: string;
  netSales: Big;
  units: Big;
  /** Cumulative net sales of the window after this report (the tier position). */
  cumulativeNetSales: Big;
  tiers: TierAmount[];
  perUnitAmount: Big;
  /** The sublicense royalty, rounded once. */
  sublicenseAmount: Big;
  /** Percentage + per-unit royalty, rounded once: what counts against the minimum annual royalty. */
  running: Big;
  /** Running + sublicense royalty, before caps. */
  charge: Big;
  /** A cap reduced this report's royalty. */
  capped: boolean;
  /** The assessed royalty: `charge`, less what the caps do not leave it. */
  royalty: Big;
}

interface Rates {
  perUnit: Big;
  sublicenseShare: Big;
  annualCap?: Big;
  lifetimeCap?: Big;
}

function ratesOf(input: WindowInput): Rates {
  const { terms } = input;
  const scale = { maxScale: minorUnit(input.currency) };
  return {
    perUnit: terms.perUnit === undefined ? new Big(0) : parseDecimal(terms.perUnit, 'royalty.perUnit'),
    sublicenseShare:
      terms.sublicenseSharePercent === undefined ? new Big(0) : parsePercent(terms.sublicenseSharePercent, 'royalty.sublicenseSharePercent'),
    annualCap: terms.annualCap === undefined ? undefined : parseDecimal(terms.annualCap, 'royalty.annualCap', scale),
    lifetimeCap: terms.lifetimeCap === undefined ? undefined : parseDecimal(terms.lifetimeCap, 'royalty.lifetimeCap', scale),
  };
}

const atMost = (value: Big, cap: Big | undefined) => (cap !== undefined && value.gt(cap) ? cap : value);

/**
 * Assesses every report of a window. A report's running royalty (its tiers, on the window's
 * cumulative net sales, and per-unit) and its sublicense royalty are each computed exactly and
 * rounded once, as a licensee computes them: a report whose figures did not change keeps its royalty
 * when another is restated, unless the restatement moved it across a tier or a cap. Caps bound the
 * sum of what the reports were charged, so they hold to the minor unit.
 */
export function assessWindow(input: WindowInput): ReportAssessment[] {
  const { terms, reports } = input;
  const years = new Set(reports.map((r) => periodYear(r.period)));
  if (terms.tierBasis === 'calendar-year' && years.size > 1) {
    throw new Error('a calendar-year window holds the reports of one calendar year');
  }
  const rates = ratesOf(input);
  const prior = input.priorLifetimeRoyalty ?? new Big(0);
  // What the lifetime cap leaves the window's reports of a year: less what was charged before the window and before the year.
  const lifetimeRoomIn = (y: number, assessedSoFar: readonly ReportAssessment[]) => {
    if (rates.lifetimeCap === undefined) return undefined;
    const room = rates.lifetimeCap.minus(prior).minus(input.chargedBefore?.(y, assessedSoFar) ?? 0);
    return room.gt(0) ? room : new Big(0);
  };
  const round = (x: Big) => roundToCurrency(x, input.currency, input.rounding);

  let cumulativeNet = new Big(0);
  let year: number | undefined;
  let yearUncapped = new Big(0); // what the current year's reports were charged, before caps
  let yearCapped = new Big(0);
  let earlierYearsCapped = new Big(0); // lifetime windows only: capped totals of finished years
  let previousCumulative = new Big(0);
  let lifetimeRoom: Big | undefined;
  const assessed: ReportAssessment[] = [];

  for (const report of reports) {
    const reportYear = periodYear(report.period);
    if (year !== undefined && reportYear !== year) {
      earlierYearsCapped = earlierYearsCapped.plus(yearCapped);
      yearUncapped = new Big(0);
      yearCapped = new Big(0);
    }
    if (reportYear !== year) lifetimeRoom = lifetimeRoomIn(reportYear, assessed);
    year = reportYear;

    const tiers = tierBreakdown(terms.tiers, cumulativeNet, report.netSales);
    cumulativeNet = cumulativeNet.plus(report.netSales);
    const perUnitAmount = report.units.times(rates.perUnit);
    const sublicenseAmount = round(percentOf(report.sublicenseIncome, rates.sublicenseShare));
    const running = round(tiers.reduce((sum, t) => sum.plus(t.amount), perUnitAmount));
    const charge = running.plus(sublicenseAmount);

    yearUncapped = yearUncapped.plus(charge);
    yearCapped = atMost(yearUncapped, rates.annualCap);
    const cumulativeRoyalty = atMost(earlierYearsCapped.plus(yearCapped), lifetimeRoom);
    const royalty = cumulativeRoyalty.minus(previousCumulative);
    const capped = !royalty.eq(charge);
    previousCumulative = cumulativeRoyalty;

    assessed.push({
      reportId: report.reportId,
      period: report.period,
      netSales: report.netSales,
      units: report.units,
      cumulativeNetSales: cumulativeNet,
      tiers,
      perUnitAmount,
      sublicenseAmount,
      running,
      charge,
      capped,
      royalty,
    });
  }
  return assessed;
}
