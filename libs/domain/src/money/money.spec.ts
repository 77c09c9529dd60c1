import Big from 'big.js';
import { isCurrencyCode, minorUnit } from './currency';
import { formatAmount, percentOf, roundToCurrency } from './money';

describe('currency', () => {
  it('knows minor units from Intl', () => {
    expect(minorUnit('CNY')).toBe(2);
    expect(minorUnit('JPY')).toBe(0);
    expect(minorUnit('KWD')).toBe(3);
  });
  it('recognises ISO codes and refuses others', () => {
    expect(isCurrencyCode('CNY')).toBe(true);
    expect(isCurrencyCode('cny')).toBe(false);
    expect(isCurrencyCode('ABC')).toBe(false);
    expect(isCurrencyCode('US')).toBe(false);
    expect(isCurrencyCode(840)).toBe(false);
    expect(() => minorUnit('ABC')).toThrow('unknown currency');
  });
});

describe('roundToCurrency', () => {
  it('rounds half away from zero by default mode half-up', () => {
    expect(roundToCurrency(new Big('0.125'), 'CNY', 'half-up').toFixed(2)).toBe('0.13');
    expect(roundToCurrency(new Big('-0.125'), 'CNY', 'half-up').toFixed(2)).toBe('-0.13');
  });
  it('rounds half to even when asked', () => {
    expect(roundToCurrency(new Big('0.125'), 'CNY', 'half-even').toFixed(2)).toBe('0.12');
    expect(roundToCurrency(new Big('0.135'), 'CNY', 'half-even').toFixed(2)).toBe('0.14');
    expect(roundToCurrency(new Big('2.5'), 'JPY', 'half-even').toFixed(0)).toBe('2');
    expect(roundToCurrency(new Big('2.5'), 'JPY', 'half-up').toFixed(0)).toBe('3');
    expect(roundToCurrency(new Big('1.2345'), 'KWD', 'half-up').toFixed(3)).toBe('1.235');
  });
});

describe('formatAmount', () => {
  it('writes the minor unit', () => {
    expect(formatAmount(new Big('14400'), 'CNY')).toBe('14400.00');
    expect(formatAmount(new Big('1200'), 'JPY')).toBe('1200');
    expect(formatAmount(new Big('1.5'), 'KWD')).toBe('1.500');
    expect(formatAmount(new Big('-900'), 'CNY')).toBe('-900.00');
  });
  it('keeps exact intermediates exact and never uses exponents', () => {
    expect(formatAmount(new Big('3561.7'), 'CNY')).toBe('3561.70');
    expect(formatAmount(new Big('712.341234'), 'CNY')).toBe('712.341234');
    expect(formatAmount(new Big('1e-9'), 'CNY')).toBe('0.000000001');
    expect(formatAmount(new Big('1e25'), 'JPY')).toBe('10000000000000000000000000');
    expect(formatAmount(new Big(0).neg(), 'CNY')).toBe('0.00');
  });
});

describe('percentOf', () => {
  it('is exact', () => {
    expect(percentOf(new Big('480000.00'), new Big('3')).toFixed()).toBe('14400');
    expect(percentOf(new Big('0.01'), new Big('33.33')).toFixed()).toBe('0.003333');
  });
});
