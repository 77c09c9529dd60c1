import { formatAmount } from '../../money/money';
import { InvalidDecimal } from '../../money/decimal';
import { netSalesOfLine, netSalesOfReport, reportFigures } from './net-sales';

const line = { product: 'X', territory: 'CN', units: '1', grossSales: '520000.00', deductions: '40000.00' };

describe('net sales', () => {
  it('is gross minus deductions in the license currency', () => {
    expect(formatAmount(netSalesOfLine(line, 'CNY'), 'CNY')).toBe('480000.00');
    expect(formatAmount(netSalesOfLine({ ...line, currency: 'CNY', fxRate: '9' }, 'CNY'), 'CNY')).toBe('480000.00');
  });
  it('converts another currency at the stated rate without rounding', () => {
    const usd = { ...line, grossSales: '0.03', deductions: '0.00', currency: 'USD', fxRate: '7.1234' };
    expect(formatAmount(netSalesOfLine(usd, 'CNY'), 'CNY')).toBe('0.213702');
  });
  it('sums lines exactly and names the failing line', () => {
    expect(formatAmount(netSalesOfReport([line, { ...line, deductions: '520000.00' }], 'CNY'), 'CNY')).toBe('480000.00');
    expect(() => netSalesOfReport([line, { ...line, grossSales: '1e5' }], 'CNY')).toThrow('lines[1].grossSales must be a decimal');
    expect(() => netSalesOfReport([{ ...line, currency: 'USD' }], 'CNY')).toThrow(InvalidDecimal);
    expect(() => netSalesOfReport([{ ...line, currency: 'USD' }], 'CNY')).toThrow('lines[0].fxRate is required');
    expect(() => netSalesOfReport([{ ...line, currency: 'USD', fxRate: '0' }], 'CNY')).toThrow('greater than 0');
  });
  it('collects units and sublicense income', () => {
    const f = reportFigures([line, { ...line, units: '2.5' }], 'CNY', '100.00');
    expect(f.units.toFixed()).toBe('3.5');
    expect(f.sublicenseIncome.toFixed(2)).toBe('100.00');
    expect(reportFigures([], 'CNY').sublicenseIncome.toFixed()).toBe('0');
  });
});
