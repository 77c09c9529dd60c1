import { Big } from '../../money/big';
import { minorUnit } from '../../money/currency';
import { InvalidDecimal, parseDecimal, parsePercent } from '../../money/decimal';

/** A percentage tier; `upTo` is a cumulative net-sales threshold, absent on the last (open) tier. */
export interface RoyaltyTier {
  upTo?: string;
  ratePercent: string;
}

export type TierBasis = 'calendar-year' | 'lifetime';

export interface Milestone {
  code: string;
  amount: string;
  description?: string;
}

/** Royalty terms of a license, as on the wire and in events (decimal strings). */
export interface RoyaltyTerms {
  tiers: RoyaltyTier[];
  tierBasis: TierBasis;
  /** Royalty per unit sold, in the license currency. */
  perUnit?: string;
  minimumAnnual?: string;
  upfrontFee?: string;
  sublicenseSharePercent?: string;
  milestones?: Milestone[];
  /** Caps on the assessed running + sublicense royalty, per calendar year and over the life. */
  annualCap?: string;
  lifetimeCap?: string;
}

/** One line of a sales report; amounts in the line currency (the license currency when absent). */
export interface SalesLine {
  product: string;
  territory: string;
  units: string;
  grossSales: string;
  deductions: string;
  currency?: string;
  fxRate?: string;
}

/** Runs a parse and turns a refusal into a problem line instead of a throw. */
function check(problems: string[], parse: () => unknown): void {
  try {
    parse();
  } catch (e) {
    if (e instanceof InvalidDecimal) problems.push(e.message);
    else throw e;
  }
}

function tierProblems(tiers: unknown, problems: string[]): void {
  if (!Array.isArray(tiers) || tiers.length === 0) {
    problems.push('royalty.tiers must list at least one tier');
    return;
  }
  let previous: Big | undefined;
  tiers.forEach((tier: Partial<RoyaltyTier>, i) => {
    const field = `royalty.tiers[${i}]`;
    check(problems, () => parsePercent(tier?.ratePercent, `${field}.ratePercent`));
    const last = i === tiers.length - 1;
    if (tier?.upTo === undefined) {
      if (!last) problems.push(`${field}.upTo is required on every tier but the last`);
      return;
    }
    if (last) {
      problems.push(`${field}.upTo must be absent on the last tier, which is open-ended`);
      return;
    }
    check(problems, () => {
      const upTo = parseDecimal(tier.upTo, `${field}.upTo`);
      if (upTo.lte(previous ?? 0)) {
        problems.push(
          previous === undefined
            ? `${field}.upTo must be greater than 0`
            : `${field}.upTo must be greater than the previous tier's upTo`,
        );
      }
      previous = upTo;
    });
  });
}

/**
 * The problems of a set of royalty terms, each naming its field; empty when valid.
 * With a currency, fixed amounts are also checked against its minor unit.
 */
export function validateRoyaltyTerms(terms: RoyaltyTerms, currency?: string): string[] {
  const problems: string[] = [];
  if (terms === null || typeof terms !== 'object') return ['royalty must be an object'];
  tierProblems(terms.tiers, problems);
  if (terms.tierBasis !== 'calendar-year' && terms.tierBasis !== 'lifetime') {
    problems.push('royalty.tierBasis must be "calendar-year" or "lifetime"');
  }
  const maxScale = currency === undefined ? undefined : minorUnit(currency);
  for (const key of ['minimumAnnual', 'upfrontFee', 'annualCap', 'lifetimeCap'] as const) {
    if (terms[key] !== undefined) check(problems, () => parseDecimal(terms[key], `royalty.${key}`, { maxScale }));
  }
  // A cap below the minimum contradicts it: no year could be charged its minimum.
  for (const cap of ['annualCap', 'lifetimeCap'] as const) {
    if (terms[cap] === undefined || terms.minimumAnnual === undefined) continue;
    try {
      if (parseDecimal(terms[cap], `royalty.${cap}`).lt(parseDecimal(terms.minimumAnnual, 'royalty.minimumAnnual'))) {
        problems.push(`royalty.${cap} ${terms[cap]} is below royalty.minimumAnnual ${terms.minimumAnnual}`);
      }
    } catch {
      // Either amount is not a decimal: named above.
    }
  }
  // A per-unit rate may be finer than the minor unit (0.125 per unit); it is rounded once assessed.
  if (terms.perUnit !== undefined) check(problems, () => parseDecimal(terms.perUnit, 'royalty.perUnit'));
  if (terms.sublicenseSharePercent !== undefined) {
    check(problems, () => parsePercent(terms.sublicenseSharePercent, 'royalty.sublicenseSharePercent'));
  }
  milestoneProblems(terms.milestones, maxScale, problems);
  return problems;
}

function milestoneProblems(milestones: unknown, maxScale: number | undefined, problems: string[]): void {
  if (milestones === undefined) return;
  if (!Array.isArray(milestones)) {
    problems.push('royalty.milestones must be a list');
    return;
  }
  const seen = new Set<string>();
  milestones.forEach((m: Partial<Milestone>, i) => {
    const field = `royalty.milestones[${i}]`;
    if (typeof m?.code !== 'string' || m.code.trim() === '') problems.push(`${field}.code must be a non-empty string`);
    else if (seen.has(m.code)) problems.push(`${field}.code "${m.code}" is listed twice`);
    else seen.add(m.code);
    check(problems, () => parseDecimal(m?.amount, `${field}.amount`, { maxScale }));
  });
}
