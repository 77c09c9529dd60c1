import { minorUnit } from '../../money/currency';
import { parseDecimal } from '../../money/decimal';
import { formatAmount } from '../../money/money';
import { DomainError, requireText } from '../../shared/domain-error';
import { periodStart, requireDate, requireDateByToday, yearStart } from '../calendar';
import { RecordPayment, TerminateLicense } from './commands';
import { LicenseEvent } from './events';
import { GrantedLicense, LicenseState, requireGranted } from './state';

/** A payment by the licensee, in the license currency; also accepted after termination. */
export function decidePayment(data: RecordPayment['data'], state: LicenseState): LicenseEvent[] {
  const license = requireGranted(state);
  const { currency } = license.terms;
  if (license.paymentIds.includes(data.paymentId)) {
    throw new DomainError('payment-exists', `payment ${data.paymentId} is already recorded`, 'conflict', 'paymentId');
  }
  if (data.currency !== currency) {
    throw new DomainError('currency-mismatch', `currency must be the license currency ${currency}`, 'rule', 'currency');
  }
  const amount = parseDecimal(data.amount, 'amount', { maxScale: minorUnit(currency) });
  if (amount.eq(0)) throw new DomainError('amount-not-positive', 'amount must be greater than 0', 'rule', 'amount');
  const receivedOn = requireDateByToday(data.receivedOn, data.today, 'receivedOn');
  const reference = requireText(data.reference, 'reference');
  return [
    { type: 'PaymentReceived', data: { paymentId: data.paymentId, amount: formatAmount(amount, currency), currency, receivedOn, reference } },
  ];
}

/**
 * What the license recorded after `date` that a termination on it would leave standing: a report for a
 * period starting after it, a milestone achieved after it, a royalty year closed that starts after it
 * (its minimum charged for a year outside the term). Undefined when there is none.
 */
function recordedAfter(license: GrantedLicense, date: string): string | undefined {
  const report = Object.values(license.reports).find((r) => periodStart(r.period) > date);
  if (report) return `the report for ${report.period}`;
  const milestone = Object.entries(license.milestones).find(([, m]) => m.achievedOn > date);
  if (milestone) return `milestone "${milestone[0]}" achieved on ${milestone[1].achievedOn}`;
  const year = Object.keys(license.closedYears).find((y) => yearStart(Number(y)) > date);
  return year === undefined ? undefined : `royalty year ${year}, closed`;
}

/** Ends the term early: reports for periods starting after the date and later milestones are refused. */
export function decideTerminate(data: TerminateLicense['data'], state: LicenseState): LicenseEvent[] {
  const license = requireGranted(state);
  if (license.termination !== undefined) {
    const message = `the license was already terminated on ${license.termination.effectiveOn}`;
    throw new DomainError('license-already-terminated', message, 'conflict');
  }
  const effectiveOn = requireDate(data.effectiveOn, 'effectiveOn');
  const term = license.terms;
  if (effectiveOn < term.effectiveOn) {
    throw new DomainError('termination-before-start', `effectiveOn must not be before the license starts on ${term.effectiveOn}`, 'rule', 'effectiveOn');
  }
  if (effectiveOn > term.expiresOn) {
    throw new DomainError('termination-after-expiry', `effectiveOn must not be after the license expires on ${term.expiresOn}`, 'rule', 'effectiveOn');
  }
  const later = recordedAfter(license, effectiveOn);
  if (later !== undefined) {
    throw new DomainError('termination-before-recorded-facts', `effectiveOn ${effectiveOn} is before ${later}, which a termination on that date would leave standing`, 'rule', 'effectiveOn');
  }
  const reason = requireText(data.reason, 'reason');
  return [{ type: 'LicenseTerminated', data: { effectiveOn, reason } }];
}
