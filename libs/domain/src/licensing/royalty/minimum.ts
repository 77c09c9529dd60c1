import { Big } from '../../money/big';
import { minorUnit } from '../../money/currency';
import { parseDecimal } from '../../money/decimal';
import { Rounding, roundToCurrency } from '../../money/money';
import { ReportAssessment } from './assess';
import { RoyaltyTerms } from './terms';

/**
 * Shortfall against the minimum annual royalty when a royalty year is closed:
 * max(0, minimumAnnual − round(Σ running royalty)). Only earned percentage and per-unit royalties
 * count; sublicense share, upfront fee and milestones do not. Pass the assessments of one
 * calendar year (for a lifetime window, filter it by year first).
 */
export function minimumShortfall(
  terms: RoyaltyTerms,
  yearAssessments: readonly Pick<ReportAssessment, 'runningExact'>[],
  currency: string,
  rounding: Rounding,
): Big {
  if (terms.minimumAnnual === undefined) return new Big(0);
  const minimum = parseDecimal(terms.minimumAnnual, 'royalty.minimumAnnual', { maxScale: minorUnit(currency) });
  const running = yearAssessments.reduce((sum, a) => sum.plus(a.runningExact), new Big(0));
  const shortfall = minimum.minus(roundToCurrency(running, currency, rounding));
  return shortfall.gt(0) ? shortfall : new Big(0);
}
