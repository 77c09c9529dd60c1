import { DomainError } from '../shared/domain-error';
import { RECORDED_PERIOD, isPeriod } from './royalty/period';

// Calendar arithmetic on 'YYYY-MM-DD' strings. Such dates compare correctly as strings, so the
// domain never needs a Date (nor a clock: "today" always arrives as command data). Years run from
// 1000 to 9999, four digits: "0201-Q1" had ended on "201-03-31", which compared as after every real date.
const DATE = /^([1-9]\d{3})-(\d{2})-(\d{2})$/;

const pad = (n: number) => String(n).padStart(2, '0');

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A real calendar date written 'YYYY-MM-DD', in years 1000 to 9999 (2025-02-29 is not one). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Returns the date or refuses it (422) naming the field. */
export function requireDate(value: unknown, field: string): string {
  if (!isIsoDate(value)) throw new DomainError('invalid-date', `${field} must be a date written YYYY-MM-DD`, 'rule', field);
  return value;
}

/** A date that has come: refused (422, naming the field) when after `today`. */
export function requireDateByToday(value: unknown, today: unknown, field: string): string {
  const date = requireDate(value, field);
  if (date > requireDate(today, 'today')) throw new DomainError('date-in-future', `${field} ${date} has not come yet (today is ${String(today)})`, 'rule', field);
  return date;
}

/** Returns the period ('2026-Q1' or '2026-03') or refuses it (422) naming the field. */
export function requirePeriod(value: unknown, field = 'period'): string {
  if (!isPeriod(value)) throw new DomainError('invalid-period', `${field} must look like "2026-Q1" or "2026-03"`, 'rule', field);
  return value;
}

function monthsOf(period: string): { year: number; first: number; last: number } {
  // Read as recorded: a period taken before years ran from 1000 still has its dates (zero-padded).
  const match = RECORDED_PERIOD.exec(period);
  if (match === null) throw new Error(`period must look like "2026-Q1" or "2026-03", got "${period}"`);
  const year = Number(match[1]);
  if (match[2].startsWith('Q')) {
    const quarter = Number(match[2].slice(1));
    return { year, first: quarter * 3 - 2, last: quarter * 3 };
  }
  const month = Number(match[2]);
  return { year, first: month, last: month };
}

/** First day of a period: 2025-Q2 → 2025-04-01. */
export function periodStart(period: string): string {
  const { year, first } = monthsOf(period);
  return `${String(year).padStart(4, '0')}-${pad(first)}-01`;
}

/** Last day of a period: 2025-Q1 → 2025-03-31, 2024-02 → 2024-02-29. */
export function periodEnd(period: string): string {
  const { year, last } = monthsOf(period);
  return `${String(year).padStart(4, '0')}-${pad(last)}-${pad(daysInMonth(year, last))}`;
}

/** Two periods overlap when they share a day: the same period, or a month inside a quarter. */
export function periodsOverlap(a: string, b: string): boolean {
  return periodStart(a) <= periodEnd(b) && periodStart(b) <= periodEnd(a);
}

export const yearStart = (year: number) => `${year}-01-01`;
export const yearEnd = (year: number) => `${year}-12-31`;

/** The earlier of two dates. */
export const earlierDate = (a: string, b: string) => (a <= b ? a : b);
/** The later of two dates. */
export const laterDate = (a: string, b: string) => (a >= b ? a : b);

/**
 * The last day of a span (a period, a year) on which sales can be made: its end, or the term's end when
 * the term ends within it. A span that starts after the term keeps its own end: it is outside the term.
 */
export const lastDayInTerm = (start: string, end: string, termEnd: string) => (start <= termEnd ? earlierDate(end, termEnd) : end);

/** The day after a date: 2024-02-28 → 2024-02-29, 2025-12-31 → 2026-01-01. */
export function dayAfter(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  if (day < daysInMonth(year, month)) return `${date.slice(0, 8)}${pad(day + 1)}`;
  return month < 12 ? `${date.slice(0, 5)}${pad(month + 1)}-01` : `${year + 1}-01-01`;
}
