import fc from 'fast-check';
import { InvalidDecimal, parseDecimal, parsePercent } from './decimal';
import { formatAmount } from './money';

describe('parseDecimal', () => {
  it.each(['0', '0.5', '1234.56', '-12.30', '100000', '0.000001'])('accepts %s', (s) => {
    expect(parseDecimal(s, 'x', { allowNegative: true }).toFixed()).toBe(s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));
  });

  it.each([['1e5'], ['1,000'], [' 1'], ['1 '], ['+1'], ['01'], ['00.5'], [''], ['.5'], ['1.'], ['-'], ['NaN'], ['Infinity']])(
    'rejects the string %j',
    (s) => {
      expect(() => parseDecimal(s, 'grossSales')).toThrow(InvalidDecimal);
    },
  );

  it.each([[1234.56], [0], [NaN], [null], [undefined], [{}], [BigInt(5)]])('rejects the non-string %p', (v) => {
    expect(() => parseDecimal(v, 'grossSales')).toThrow('grossSales must be a decimal string such as "1234.56"');
  });

  it('names the field on the error', () => {
    const error = (() => {
      try {
        parseDecimal('abc', 'lines[0].deductions');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidDecimal);
    expect((error as InvalidDecimal).field).toBe('lines[0].deductions');
  });

  it('refuses negatives unless allowed', () => {
    expect(() => parseDecimal('-1', 'amount')).toThrow('amount must not be negative');
    expect(parseDecimal('-1', 'amount', { allowNegative: true }).toFixed()).toBe('-1');
  });

  it('bounds the scale and the integer digits', () => {
    expect(() => parseDecimal('1.234', 'amount', { maxScale: 2 })).toThrow('at most 2 decimal places');
    expect(parseDecimal('1.23', 'amount', { maxScale: 2 }).toFixed()).toBe('1.23');
    expect(parseDecimal('9'.repeat(20), 'amount').toFixed()).toBe('9'.repeat(20));
    expect(() => parseDecimal('1' + '0'.repeat(20), 'amount')).toThrow('at most 20 digits');
  });

  it('round-trips strings written at the minor unit', () => {
    const cents = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 99 }));
    fc.assert(
      fc.property(cents, fc.boolean(), ([whole, c], negative) => {
        const s = `${negative && (whole > 0n || c > 0) ? '-' : ''}${whole}.${String(c).padStart(2, '0')}`;
        expect(formatAmount(parseDecimal(s, 'x', { allowNegative: true }), 'CNY')).toBe(s);
      }),
      { numRuns: 200 },
    );
    expect(formatAmount(parseDecimal('1200', 'x'), 'JPY')).toBe('1200');
    expect(formatAmount(parseDecimal('1.250', 'x'), 'KWD')).toBe('1.250');
  });
});

describe('parsePercent', () => {
  it('accepts 0..100 inclusive', () => {
    expect(parsePercent('0', 'p').toFixed()).toBe('0');
    expect(parsePercent('33.34', 'p').toFixed()).toBe('33.34');
    expect(parsePercent('100', 'p').toFixed()).toBe('100');
  });
  it('rejects out of range and malformed', () => {
    expect(() => parsePercent('100.01', 'ratePercent')).toThrow('ratePercent must be a percent between 0 and 100');
    expect(() => parsePercent('-1', 'ratePercent')).toThrow(InvalidDecimal);
    expect(() => parsePercent('3%', 'ratePercent')).toThrow(InvalidDecimal);
  });
});
