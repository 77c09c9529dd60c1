import { Big } from '../../money/big';
import { formatAmount } from '../../money/money';
import { DomainError } from '../../shared/domain-error';
import { dayAfter, lastDayInTerm, requireDate, requireDateByToday, yearEnd, yearStart } from '../calendar';
import { adjustmentEvents, allocateToLicensors, idSupply, shortfallAdjustmentEvents, shortfallDate } from './assessments';
import { AchieveMilestone, CloseRoyaltyYear } from './commands';
import { LicenseEvent } from './events';
import { countsTowardLifetimeCap, hasCap, reassess, royaltyAdjustments, shortfallChanges, windowReportsOf } from './reassess';
import { LicenseState, requireGranted, termEnd } from './state';

/** A milestone of the terms, achieved once within the (effective) term, assessed at its amount. */
export function decideMilestone(data: AchieveMilestone['data'], state: LicenseState): LicenseEvent[] {
  const license = requireGranted(state);
  const { currency, effectiveOn } = license.terms;
  const milestone = (license.terms.royalty.milestones ?? []).find((m) => m.code === data.code);
  if (milestone === undefined) {
    throw new DomainError('milestone-not-found', `the license has no milestone "${data.code}"`, 'not-found', 'code');
  }
  const achieved = license.milestones[milestone.code];
  if (achieved !== undefined) {
    const message = `milestone "${milestone.code}" was already achieved on ${achieved.achievedOn}`;
    throw new DomainError('milestone-already-achieved', message, 'conflict', 'code');
  }
  // Billed when recorded: one dated after today would be owed, and on statements, before it happened.
  const achievedOn = requireDateByToday(data.achievedOn, data.today, 'achievedOn');
  const end = termEnd(license);
  if (achievedOn < effectiveOn || achievedOn > end) {
    throw new DomainError('outside-term', `achievedOn must be within the license term ${effectiveOn} to ${end}`, 'rule', 'achievedOn');
  }
  const amount = new Big(milestone.amount);
  const events: LicenseEvent[] = [{ type: 'MilestoneAchieved', data: { code: milestone.code, achievedOn, amount: milestone.amount } }];
  if (amount.gt(0)) {
    events.push({
      type: 'RoyaltyAssessed',
      data: {
        assessmentId: data.assessmentId, kind: 'milestone', milestone: milestone.code, date: achievedOn,
        amount: formatAmount(amount, currency), currency, allocations: allocateToLicensors(amount, license.terms),
      },
    });
  }
  return events;
}

/**
 * Closes a calendar royalty year: its running (percentage + per-unit) royalties, as currently
 * assessed, are compared with the minimum annual royalty and a shortfall is assessed, within what
 * the caps leave. Not prorated for a partial first or last year. A report for a period of a closed
 * year nobody reported, or a restatement of one of its reports, corrects the shortfall with a
 * shortfall adjustment.
 * The lifetime cap counts the shortfall before later years, so later reports already assessed, and
 * later years already closed, are corrected with adjustments (cause: the year closed).
 */
export function decideCloseYear(data: CloseRoyaltyYear['data'], state: LicenseState): LicenseEvent[] {
  const license = requireGranted(state);
  const { currency, effectiveOn, royalty } = license.terms;
  const { year } = data;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new DomainError('invalid-year', 'year must be a four-digit calendar year', 'rule', 'year');
  }
  const today = requireDate(data.today, 'today');
  if (license.closedYears[String(year)] !== undefined) {
    throw new DomainError('year-already-closed', `royalty year ${year} is already closed`, 'conflict', 'year');
  }
  // Outside the term first: such a year can never be closed, whatever day it ends (a year after a
  // termination was refused as "not ended: close it from" a day on which it was still refused).
  const end = termEnd(license);
  if (yearEnd(year) < effectiveOn || yearStart(year) > end) {
    throw new DomainError('year-outside-term', `${year} is outside the license term ${effectiveOn} to ${end}`, 'rule', 'year');
  }
  // A year the term ends in is over with the term: no sale after it can count toward the year.
  const last = lastDayInTerm(yearStart(year), yearEnd(year), end);
  if (last >= today) {
    const why = last < yearEnd(year) ? `the license term ends on ${last}, within ${year}` : `royalty year ${year} has not ended yet`;
    throw new DomainError('year-not-ended', `${why}: close it from ${dayAfter(last)}`, 'rule', 'year');
  }
  const reassessment = reassess(license, windowReportsOf(license), undefined, { closing: year });
  const { running, shortfall } = reassessment.closedYears.get(year)!;
  const fmt = (x: Big) => formatAmount(x, currency);
  const nextId = idSupply([data.assessmentId]);
  const events: LicenseEvent[] = [
    {
      type: 'RoyaltyYearClosed',
      data: {
        year,
        runningRoyalties: fmt(running),
        minimumAnnual: fmt(new Big(royalty.minimumAnnual ?? 0)),
        shortfall: fmt(shortfall),
        closedOn: today,
        ...(hasCap(license) ? { withinCaps: true as const } : {}),
        ...(countsTowardLifetimeCap(license) ? { countsTowardLifetimeCap: true as const } : {}),
      },
    },
  ];
  if (shortfall.gt(0)) {
    events.push({
      type: 'RoyaltyAssessed',
      data: {
        assessmentId: nextId(), kind: 'shortfall', year, date: shortfallDate(license, year), amount: fmt(shortfall), currency,
        allocations: allocateToLicensors(shortfall, license.terms),
      },
    });
  }
  // The lifetime cap counts the shortfall before later years: their reports and closed years get what it leaves.
  // Only closes the caps bound depend on earlier years' charges; one closed before that rule keeps its figure.
  const later = shortfallChanges(license, reassessment).filter((c) => c.year > year && license.closedYears[String(c.year)].withinCaps === true);
  return [
    ...events,
    ...adjustmentEvents(license, royaltyAdjustments(license, reassessment), nextId, { kind: 'year-closed', year }),
    ...shortfallAdjustmentEvents(license, later, nextId, { kind: 'year-closed', year }),
  ];
}
