const minorUnits = new Map<string, number>();
let supported: Set<string> | undefined;

function supportedCurrencies(): Set<string> | undefined {
  // Intl.supportedValuesOf exists on Node >= 18; without it we fall back to the shape check.
  if (supported === undefined && typeof Intl.supportedValuesOf === 'function') {
    supported = new Set(Intl.supportedValuesOf('currency'));
  }
  return supported;
}

/** An ISO 4217 code that the runtime's ICU data knows (Intl accepts any 3 letters silently). */
export function isCurrencyCode(code: unknown): code is string {
  if (typeof code !== 'string' || !/^[A-Z]{3}$/.test(code)) return false;
  const known = supportedCurrencies();
  return known === undefined || known.has(code);
}

/** Digits after the decimal point of the currency's minor unit: CNY 2, JPY 0, KWD 3. */
export function minorUnit(currency: string): number {
  const cached = minorUnits.get(currency);
  if (cached !== undefined) return cached;
  if (!isCurrencyCode(currency)) throw new Error(`unknown currency "${currency}"`);
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  // ICU always reports it for a currency style; the fallback only satisfies the type.
  const unit = digits ?? 2;
  minorUnits.set(currency, unit);
  return unit;
}
