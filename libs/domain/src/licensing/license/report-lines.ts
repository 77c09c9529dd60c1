import { isCurrencyCode, minorUnit } from '../../money/currency';
import { Big } from '../../money/big';
import { isRecordable, parseDecimal } from '../../money/decimal';
import { formatAmount } from '../../money/money';
import { DomainError } from '../../shared/domain-error';
import { reportFigures, ReportFigures } from '../royalty/net-sales';
import { SalesLine } from '../royalty/terms';
import { ReportFiguresInput } from './commands';
import { GrantedLicense } from './state';

const TERRITORY = /^[A-Z]{2}$/;

function checkLine(line: Partial<SalesLine> | null, i: number, license: GrantedLicense): SalesLine {
  const field = `lines[${i}]`;
  if (line === null || typeof line !== 'object') throw new DomainError('invalid-line', `${field} must be an object`, 'rule', field);
  const { currency: licenseCurrency, territories } = license.terms;
  if (typeof line.product !== 'string' || line.product.trim() === '') {
    throw new DomainError('required', `${field}.product must not be blank`, 'rule', `${field}.product`);
  }
  if (typeof line.territory !== 'string' || !TERRITORY.test(line.territory)) {
    const message = `${field}.territory must be an ISO 3166 alpha-2 code such as "CN"`;
    throw new DomainError('invalid-territory', message, 'rule', `${field}.territory`);
  }
  if (!territories.includes(line.territory)) {
    const message = `${field}.territory ${line.territory} is not licensed (licensed: ${territories.join(', ')})`;
    throw new DomainError('territory-not-licensed', message, 'rule', `${field}.territory`);
  }
  const currency = line.currency ?? licenseCurrency;
  if (!isCurrencyCode(currency)) {
    throw new DomainError('unknown-currency', `${field}.currency must be an ISO 4217 code`, 'rule', `${field}.currency`);
  }
  // Negative or malformed figures are refused by parseDecimal (InvalidDecimal naming the field).
  parseDecimal(line.units, `${field}.units`);
  const scale = { maxScale: minorUnit(currency) };
  const gross = parseDecimal(line.grossSales, `${field}.grossSales`, scale);
  const deductions = parseDecimal(line.deductions, `${field}.deductions`, scale);
  if (deductions.gt(gross)) {
    const message = `${field}.deductions (${line.deductions}) must not exceed grossSales (${line.grossSales})`;
    throw new DomainError('deductions-exceed-gross', message, 'rule', `${field}.deductions`);
  }
  if (currency !== licenseCurrency) {
    const rateField = `${field}.fxRate`;
    if (line.fxRate === undefined) {
      const message = `${rateField} is required: the line is in ${currency}, the license in ${licenseCurrency}`;
      throw new DomainError('fx-rate-required', message, 'rule', rateField);
    }
    if (parseDecimal(line.fxRate, rateField).eq(0)) {
      throw new DomainError('fx-rate-required', `${rateField} must be greater than 0`, 'rule', rateField);
    }
  } else if (line.fxRate !== undefined && !parseDecimal(line.fxRate, `${field}.fxRate`).eq(1)) {
    // Ignored, it would assess the line as if in the license currency: a client's mistake (a line's
    // currency left out, say), refused rather than silently assessed in the wrong currency.
    const message = `${field}.fxRate ${line.fxRate} is only for a line in another currency than the license's ${licenseCurrency}`;
    throw new DomainError('fx-rate-not-applicable', message, 'rule', `${field}.fxRate`);
  }
  // Only the known fields go into the event, as given (they are valid decimal strings).
  const { product, territory, units, grossSales, deductions: deducted, fxRate } = line as SalesLine;
  return {
    product, territory, units, grossSales, deductions: deducted,
    ...(line.currency === undefined ? {} : { currency: line.currency }),
    ...(fxRate === undefined || currency === licenseCurrency ? {} : { fxRate }),
  };
}

export interface CheckedReport {
  lines: SalesLine[];
  figures: ReportFigures;
  sublicenseIncome: string;
  royaltyReported?: string;
}

/** Validates a report's lines and amounts (for a submission or a restatement) and computes its figures. */
export function checkReport(input: ReportFiguresInput, license: GrantedLicense): CheckedReport {
  const { currency } = license.terms;
  if (!Array.isArray(input.lines) || input.lines.length === 0) {
    throw new DomainError('lines-empty', 'lines must list at least one sales line', 'rule', 'lines');
  }
  const lines = input.lines.map((line, i) => checkLine(line, i, license));
  const figures = reportFigures(lines, currency, input.sublicenseIncome);
  requireRecordable(figures.netSales, `the report's net sales, ${formatAmount(figures.netSales, currency)} ${currency},`);
  requireRecordable(figures.units, `the report's units, ${figures.units.toFixed()},`);
  const reported =
    input.royaltyReported === undefined
      ? {}
      : { royaltyReported: formatAmount(parseDecimal(input.royaltyReported, 'royaltyReported', { maxScale: minorUnit(currency) }), currency) };
  return { lines, figures, sublicenseIncome: formatAmount(figures.sublicenseIncome, currency), ...reported };
}

/**
 * Each line's figures are bounded, their sum and what they assess are not: a report whose total (or
 * royalty) the ledger could not read back once recorded is refused (isRecordable), naming its lines.
 */
export function requireRecordable(amount: Big, what: string): void {
  if (isRecordable(amount)) return;
  const message = `${what} would have more than 20 digits before the decimal point, more than the ledger records: check lines[].units, grossSales and fxRate`;
  throw new DomainError('amount-out-of-range', message, 'rule', 'lines');
}
