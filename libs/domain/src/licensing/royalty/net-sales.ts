import { Big } from '../../money/big';
import { minorUnit } from '../../money/currency';
import { InvalidDecimal, parseDecimal } from '../../money/decimal';
import { SalesLine } from './terms';

/**
 * Net sales of one line in the license currency: gross − deductions, converted at the line's
 * stated fxRate when the line is in another currency. Exact, never rounded: rounding happens once,
 * on the assessed royalty. `field` prefixes error names (e.g. "lines[2]").
 */
export function netSalesOfLine(line: SalesLine, licenseCurrency: string, field = 'line'): Big {
  const gross = parseDecimal(line.grossSales, `${field}.grossSales`);
  const deductions = parseDecimal(line.deductions, `${field}.deductions`);
  const net = gross.minus(deductions); // may be negative: returns can exceed a period's sales
  if (line.currency === undefined || line.currency === licenseCurrency) return net;
  if (line.fxRate === undefined) {
    const message = `${field}.fxRate is required when the line currency ${line.currency} differs from ${licenseCurrency}`;
    throw new InvalidDecimal(`${field}.fxRate`, message);
  }
  const rate = parseDecimal(line.fxRate, `${field}.fxRate`);
  if (rate.eq(0)) throw new InvalidDecimal(`${field}.fxRate`, `${field}.fxRate must be greater than 0`);
  return net.times(rate);
}

/** Exact sum of the lines' net sales in the license currency. */
export function netSalesOfReport(lines: readonly SalesLine[], licenseCurrency: string): Big {
  return lines.reduce((sum, line, i) => sum.plus(netSalesOfLine(line, licenseCurrency, `lines[${i}]`)), new Big(0));
}

/** Units sold over the lines (they may be fractional, e.g. kilograms). */
export function unitsOfReport(lines: readonly SalesLine[]): Big {
  return lines.reduce((sum, line, i) => sum.plus(parseDecimal(line.units, `lines[${i}].units`)), new Big(0));
}

/** The figures of a report that the royalty engine needs, from its wire form. */
export interface ReportFigures {
  netSales: Big;
  units: Big;
  sublicenseIncome: Big;
}

export function reportFigures(lines: readonly SalesLine[], licenseCurrency: string, sublicenseIncome?: string): ReportFigures {
  return {
    netSales: netSalesOfReport(lines, licenseCurrency),
    units: unitsOfReport(lines),
    // Money in the license currency, to its minor unit like every other amount a licensee reports.
    sublicenseIncome: sublicenseIncome === undefined ? new Big(0) : parseDecimal(sublicenseIncome, 'sublicenseIncome', { maxScale: minorUnit(licenseCurrency) }),
  };
}
