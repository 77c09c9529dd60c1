import { Big } from '../../money/big';
import { minorUnit } from '../../money/currency';
import { parseDecimal } from '../../money/decimal';
import { Rounding, roundToCurrency } from '../../money/money';
import { ReportAssessment } from './assess';
import { RoyaltyTerms } from './terms';

/**
 * A year's running royalty as its reports were charged: round(R + running) − round(R), R being the
 * running royalty of the same tier window before the year (0 for calendar-year tiers; the earlier
 * years' for lifetime tiers, whose reports are assessed as differences of the rounded cumulative),
 * and no more than the year's reports were charged in all: what an annual or lifetime cap took off
 * was never charged, and the minimum is a floor on what is (counting it left the year short of the
 * minimum by as much). Only earned percentage and per-unit royalties count; sublicense share,
 * upfront fee and milestones do not.
 */
export function assessedRunning(
  yearAssessments: readonly Pick<ReportAssessment, 'runningExact' | 'royalty' | 'capped'>[],
  currency: string,
  rounding: Rounding,
  before: Big = new Big(0),
): Big {
  const running = yearAssessments.reduce((sum, a) => sum.plus(a.runningExact), new Big(0));
  const assessed = roundToCurrency(before.plus(running), currency, rounding).minus(roundToCurrency(before, currency, rounding));
  // Only where a cap cut: otherwise the two differ at most by how sublicense royalty moved the rounding.
  if (!yearAssessments.some((a) => a.capped)) return assessed;
  const charged = yearAssessments.reduce((sum, a) => sum.plus(a.royalty), new Big(0));
  return charged.lt(assessed) ? charged : assessed;
}

/**
 * Shortfall against the minimum annual royalty when a royalty year is closed:
 * max(0, minimumAnnual − the year's running royalty as assessed). Pass the assessments of one calendar
 * year, and for lifetime tiers the running royalty of the years before (`before`).
 */
export function minimumShortfall(
  terms: RoyaltyTerms,
  yearAssessments: readonly Pick<ReportAssessment, 'runningExact' | 'royalty' | 'capped'>[],
  currency: string,
  rounding: Rounding,
  before: Big = new Big(0),
): Big {
  if (terms.minimumAnnual === undefined) return new Big(0);
  const minimum = parseDecimal(terms.minimumAnnual, 'royalty.minimumAnnual', { maxScale: minorUnit(currency) });
  const shortfall = minimum.minus(assessedRunning(yearAssessments, currency, rounding, before));
  return shortfall.gt(0) ? shortfall : new Big(0);
}
