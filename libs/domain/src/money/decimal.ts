import { Big } from './big';

/** A value from the outside world that is not an acceptable decimal string. */
export class InvalidDecimal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidDecimal';
  }
}

export interface DecimalOptions {
  /** Maximum digits after the point (default 20: enough for fx rates, bounds abuse). */
  maxScale?: number;
  /** Accept a leading '-' (default false: most inputs are amounts that cannot be negative). */
  allowNegative?: boolean;
  /** Maximum digits before the point (default 20, what an input may have; RECORDED_INTEGER_DIGITS for an amount on record). */
  maxIntegerDigits?: number;
}

/**
 * Digits before the point an amount already on record may have: what any recorded event can hold (a
 * thousand lines of 20-digit sales at a 20-digit fx rate), including amounts recorded before reports
 * were bounded (isRecordable). Read back, a fact is taken as recorded: refusing it would stop every
 * allocation after it for good.
 */
export const RECORDED_INTEGER_DIGITS = 50;

// Plain decimal notation only: no exponent, no '+', no spaces, no grouping, no leading zeros.
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const MAX_INTEGER_DIGITS = 20;
const DEFAULT_MAX_SCALE = 20;

/** Parses a decimal string as it arrives on the wire or in an event; throws InvalidDecimal. */
export function parseDecimal(value: unknown, field: string, opts: DecimalOptions = {}): Big {
  // Numbers are refused on purpose: a JS number has already lost the exact amount.
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw new InvalidDecimal(field, `${field} must be a decimal string such as "1234.56"`);
  }
  const negative = value.startsWith('-');
  if (negative && !(opts.allowNegative ?? false)) {
    throw new InvalidDecimal(field, `${field} must not be negative`);
  }
  const [integerPart, fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const maxIntegerDigits = opts.maxIntegerDigits ?? MAX_INTEGER_DIGITS;
  if (integerPart.length > maxIntegerDigits) {
    throw new InvalidDecimal(field, `${field} must have at most ${maxIntegerDigits} digits before the decimal point`);
  }
  const maxScale = opts.maxScale ?? DEFAULT_MAX_SCALE;
  if (fraction.length > maxScale) {
    throw new InvalidDecimal(field, `${field} must have at most ${maxScale} decimal places`);
  }
  return new Big(value);
}

/** Amounts at or beyond this have more digits before the point than parseDecimal reads back. */
const RECORDABLE_BOUND = new Big(`1e${MAX_INTEGER_DIGITS}`);

/**
 * Whether an amount the ledger computed (a sum, a product, a conversion) can be recorded: every event
 * amount is read back by parseDecimal, by the process manager that splits it and by `verify`. Inputs are
 * bounded one by one, so a sum of them, or units times a per-unit rate, can pass that bound: recorded, it
 * could never be read again and would stop every allocation after it.
 */
export function isRecordable(amount: Big): boolean {
  return amount.abs().lt(RECORDABLE_BOUND);
}

/** A percent string between 0 and 100 inclusive ("3", "33.34"). */
export function parsePercent(value: unknown, field: string): Big {
  const percent = parseDecimal(value, field);
  if (percent.gt(100)) {
    throw new InvalidDecimal(field, `${field} must be a percent between 0 and 100`);
  }
  return percent;
}
