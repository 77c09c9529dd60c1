import { Big } from '../../money/big';
import { minorUnit } from '../../money/currency';
import { parseDecimal } from '../../money/decimal';
import { ReportAssessment } from './assess';
import { RoyaltyTerms } from './terms';

/**
 * A year's running royalty as its reports were charged (each report's, rounded once). Only earned
 * percentage and per-unit royalties count; sublicense share, upfront fee and milestones do not.
 */
export function assessedRunning(yearAssessments: readonly Pick<ReportAssessment, 'running'>[]): Big {
  return yearAssessments.reduce((sum, a) => sum.plus(a.running), new Big(0));
}

/**
 * What the caps leave a year's shortfall: the annual cap less what the year's reports were charged,
 * and the lifetime cap less what every report through the year was charged (never below zero).
 * Undefined when the terms have no cap. A cap is a ceiling on royalty, the minimum a floor under it:
 * a licensee whose sales reached a cap owes no minimum on top of it (with a lifetime cap used up,
 * every later year would otherwise owe its whole minimum again).
 */
export function capRoom(terms: RoyaltyTerms, yearCharged: Big, chargedThroughYear: Big): Big | undefined {
  const rooms = [
    terms.annualCap === undefined ? undefined : new Big(terms.annualCap).minus(yearCharged),
    terms.lifetimeCap === undefined ? undefined : new Big(terms.lifetimeCap).minus(chargedThroughYear),
  ].filter((room): room is Big => room !== undefined);
  if (rooms.length === 0) return undefined;
  const least = rooms.reduce((a, b) => (b.lt(a) ? b : a));
  return least.gt(0) ? least : new Big(0);
}

/**
 * Shortfall against the minimum annual royalty when a royalty year is closed:
 * max(0, minimumAnnual − the year's running royalty as charged), and no more than `room`, what the
 * caps leave (capRoom). Pass the assessments of one calendar year.
 */
export function minimumShortfall(
  terms: RoyaltyTerms,
  yearAssessments: readonly Pick<ReportAssessment, 'running'>[],
  currency: string,
  room?: Big,
): Big {
  if (terms.minimumAnnual === undefined) return new Big(0);
  const minimum = parseDecimal(terms.minimumAnnual, 'royalty.minimumAnnual', { maxScale: minorUnit(currency) });
  const shortfall = minimum.minus(assessedRunning(yearAssessments));
  if (shortfall.lte(0)) return new Big(0);
  return room !== undefined && room.lt(shortfall) ? room : shortfall;
}
