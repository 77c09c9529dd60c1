import { dayAfter, isIsoDate, lastDayInTerm, periodEnd, periodsOverlap, periodStart, requirePeriod } from './calendar';

describe('calendar', () => {
  it('knows real dates, leap years included', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2025-04-31')).toBe(false);
    expect(isIsoDate('2025-4-01')).toBe(false);
    expect(isIsoDate(20250401)).toBe(false);
  });
  it('takes years 1000 to 9999 only: an unpadded year would compare after every real date', () => {
    expect(['0000-01-01', '0999-12-31', '1000-01-01', '9999-12-31'].map(isIsoDate)).toEqual([false, false, true, true]);
    expect(() => requirePeriod('0201-Q1')).toThrow(expect.objectContaining({ code: 'invalid-period', field: 'period' }));
    expect([periodStart('1000-Q1'), periodEnd('9999-12')]).toEqual(['1000-01-01', '9999-12-31']);
    // A period recorded before the rule still has its dates, written with four digits, so a license holding one folds.
    expect([periodStart('0201-Q1'), periodEnd('0201-Q1')]).toEqual(['0201-01-01', '0201-03-31']);
  });
  it('gives the first and last day of quarters and months', () => {
    expect([periodStart('2025-Q1'), periodEnd('2025-Q1')]).toEqual(['2025-01-01', '2025-03-31']);
    expect([periodStart('2025-Q4'), periodEnd('2025-Q4')]).toEqual(['2025-10-01', '2025-12-31']);
    expect([periodStart('2024-02'), periodEnd('2024-02')]).toEqual(['2024-02-01', '2024-02-29']);
    expect(periodEnd('2025-06')).toBe('2025-06-30');
  });
  it('finds overlapping periods: same period, a month inside a quarter, and not neighbours', () => {
    expect(periodsOverlap('2025-Q2', '2025-Q2')).toBe(true);
    expect(periodsOverlap('2025-05', '2025-Q2')).toBe(true);
    expect(periodsOverlap('2025-Q2', '2025-06')).toBe(true);
    expect(periodsOverlap('2025-07', '2025-Q2')).toBe(false);
    expect(periodsOverlap('2025-Q1', '2026-Q1')).toBe(false);
  });
  it('gives the day after a date across months, leap days and years', () => {
    expect(['2025-05-15', '2024-02-28', '2025-02-28', '2025-04-30', '2025-12-31'].map(dayAfter))
      .toEqual(['2025-05-16', '2024-02-29', '2025-03-01', '2025-05-01', '2026-01-01']);
  });
  it('ends a span with the term when the term ends within it, not when the span starts after the term', () => {
    expect(lastDayInTerm('2025-04-01', '2025-06-30', '2025-05-15')).toBe('2025-05-15');
    expect(lastDayInTerm('2025-04-01', '2025-06-30', '2034-12-31')).toBe('2025-06-30');
    expect(lastDayInTerm('2025-07-01', '2025-09-30', '2025-05-15')).toBe('2025-09-30');
  });
  it('refuses malformed periods with a 422 naming the field', () => {
    expect(() => requirePeriod('2025-13')).toThrow(expect.objectContaining({ code: 'invalid-period', field: 'period' }));
    expect(requirePeriod('2025-12')).toBe('2025-12');
  });
});
