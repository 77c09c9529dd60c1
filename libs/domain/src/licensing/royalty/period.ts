import { TierBasis } from './terms';

// Periods are quarters ("2026-Q1") or months ("2026-03"), as on the wire.
/** A period as taken from now on: years 1000 to 9999, as dates (calendar.ts); the API's DTOs match it too. */
export const PERIOD = /^([1-9]\d{3})-(Q[1-4]|0[1-9]|1[0-2])$/;
/** A period as recorded: before that rule any four digits were taken ("0201-Q1"), and a license holding one must still fold. */
export const RECORDED_PERIOD = /^(\d{4})-(Q[1-4]|0[1-9]|1[0-2])$/;

export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && PERIOD.test(value);
}

/** The calendar year a period belongs to. */
export function periodYear(period: string): number {
  const match = RECORDED_PERIOD.exec(period);
  if (match === null) throw new Error(`period must look like "2026-Q1" or "2026-03", got "${period}"`);
  return Number(match[1]); // a year, not money
}

/** Reports sharing a key share tier thresholds and are assessed together. */
export function windowKey(period: string, tierBasis: TierBasis): string {
  return tierBasis === 'lifetime' ? 'lifetime' : String(periodYear(period));
}
