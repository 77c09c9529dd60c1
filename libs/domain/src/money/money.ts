import { Big, decimalPlaces } from './big';
import { minorUnit } from './currency';

/** How an exact amount becomes an assessed one; half-up (away from zero) unless a license says otherwise. */
export type Rounding = 'half-up' | 'half-even';

const ROUNDING_MODE = { 'half-up': Big.roundHalfUp, 'half-even': Big.roundHalfEven } as const;

export function isRounding(value: unknown): value is Rounding {
  return value === 'half-up' || value === 'half-even';
}

/** Rounds an exact amount to the currency's minor unit. */
export function roundToCurrency(amount: Big, currency: string, rounding: Rounding): Big {
  return amount.round(minorUnit(currency), ROUNDING_MODE[rounding]);
}

/**
 * The wire form of an amount: at the currency's minor unit ("14400.00", JPY "1200"), or the exact
 * value when it carries more precision (an unrounded intermediate must not be silently rounded).
 * Always toFixed: Big's toString switches to exponent notation for small and large values.
 */
export function formatAmount(amount: Big, currency: string): string {
  return amount.toFixed(Math.max(minorUnit(currency), decimalPlaces(amount)));
}

/** amount × percent / 100, exact (multiplying by 0.01 avoids a division). */
export function percentOf(amount: Big, percent: Big): Big {
  return amount.times(percent).times('0.01');
}
