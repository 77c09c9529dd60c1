import { Big } from '../../money/big';
import { isCurrencyCode } from '../../money/currency';
import { parseDecimal } from '../../money/decimal';
import { formatAmount, isRounding } from '../../money/money';
import { sameShareTable, ShareLine, validateShareTable } from '../../patents/shares';
import { DomainError, requireText } from '../../shared/domain-error';
import { requireDate } from '../calendar';
import { RoyaltyTerms, validateRoyaltyTerms } from '../royalty/terms';
import { allocateToLicensors } from './assessments';
import { GrantLicenseData, LicensedPatent, OverlappingLicense } from './commands';
import { LicenseEvent, LicenseTerms } from './events';
import { LicenseState } from './state';

const TERRITORY = /^[A-Z]{2}$/;

function checkPatents(data: GrantLicenseData): LicensedPatent[] {
  const { patentIds } = data;
  if (!Array.isArray(patentIds) || patentIds.length === 0) {
    throw new DomainError('patents-required', 'patentIds must list at least one patent', 'rule', 'patentIds');
  }
  const seen = new Set<string>();
  return patentIds.map((patentId) => {
    if (seen.has(patentId)) throw new DomainError('duplicate-patent', `patentIds lists ${patentId} twice`, 'rule', 'patentIds');
    seen.add(patentId);
    const patent = (data.patents ?? []).find((p) => p.patentId === patentId);
    if (patent === undefined) throw new DomainError('patent-not-found', `patent ${patentId} is not registered`, 'rule', 'patentIds');
    return patent;
  });
}

function checkTerritories(territories: unknown): string[] {
  if (!Array.isArray(territories) || territories.length === 0) {
    throw new DomainError('territories-required', 'territories must list at least one territory', 'rule', 'territories');
  }
  territories.forEach((t, i) => {
    const field = `territories[${i}]`;
    if (typeof t !== 'string' || !TERRITORY.test(t)) {
      throw new DomainError('invalid-territory', `${field} must be an ISO 3166 alpha-2 code such as "CN"`, 'rule', field);
    }
    if (territories.indexOf(t) !== i) throw new DomainError('duplicate-territory', `${field} ${t} is listed twice`, 'rule', field);
  });
  return [...territories];
}

/** Explicit shares must go to licensors; without them the patents must share one owner table. */
function resolveRevenueShares(explicit: ShareLine[] | undefined, patents: LicensedPatent[]): ShareLine[] {
  if (explicit === undefined) {
    const [first, ...others] = patents.map((p) => p.owners);
    if (others.some((owners) => !sameShareTable(first, owners))) {
      const message = 'revenueShares is required when the patents have different owners';
      throw new DomainError('revenue-shares-required', message, 'rule', 'revenueShares');
    }
    return first.map((o) => ({ partyId: o.partyId, sharePercent: new Big(o.sharePercent).toFixed() }));
  }
  const shares = validateShareTable(explicit, 'revenueShares');
  const licensors = new Set(patents.flatMap((p) => p.owners.map((o) => o.partyId)));
  shares.forEach((s, i) => {
    if (!licensors.has(s.partyId)) {
      const field = `revenueShares[${i}].partyId`;
      throw new DomainError('not-a-licensor', `${field}: party ${s.partyId} owns none of the licensed patents`, 'rule', field);
    }
  });
  return shares;
}

/** Terms as recorded: fixed amounts at the currency's minor unit, percents without trailing zeros. */
function normalizeRoyalty(royalty: RoyaltyTerms, currency: string): RoyaltyTerms {
  const problems = validateRoyaltyTerms(royalty, currency);
  if (problems.length > 0) {
    // Each problem starts with the field it is about ("royalty.tiers[1].upTo must be …"), and is named by it.
    const named = problems.map((message) => ({ field: message.split(' ')[0], message }));
    throw new DomainError('invalid-royalty-terms', problems.join('; '), 'rule', named[0].field, named);
  }
  const money = (x: string) => formatAmount(parseDecimal(x, 'amount'), currency);
  const percent = (x: string) => new Big(x).toFixed();
  const optional = <K extends string>(key: K, value: string | undefined, f: (x: string) => string) =>
    value === undefined ? {} : ({ [key]: f(value) } as Record<K, string>);
  return {
    tiers: royalty.tiers.map((t) => ({ ...optional('upTo', t.upTo, money), ratePercent: percent(t.ratePercent) })),
    tierBasis: royalty.tierBasis,
    ...optional('perUnit', royalty.perUnit, money),
    ...optional('minimumAnnual', royalty.minimumAnnual, money),
    ...optional('upfrontFee', royalty.upfrontFee, money),
    ...optional('sublicenseSharePercent', royalty.sublicenseSharePercent, percent),
    ...(royalty.milestones === undefined
      ? {}
      : {
          milestones: royalty.milestones.map((m) => ({
            code: m.code, amount: money(m.amount), ...(m.description === undefined ? {} : { description: m.description }),
          })),
        }),
    ...optional('annualCap', royalty.annualCap, money),
    ...optional('lifetimeCap', royalty.lifetimeCap, money),
  };
}

/**
 * Each field of the scope that meets another license's, and what it meets there: changing any one of
 * them (or, for an exclusive license asked for, `exclusive`) clears the overlap.
 */
function overlapProblems(conflicts: OverlappingLicense[], exclusive: boolean, fieldOfUse: string): { field: string; message: string }[] {
  const each = (what: (c: OverlappingLicense) => string | undefined) =>
    conflicts.map((c) => [c.licenseId, what(c)] as const).filter(([, w]) => w).map(([id, w]) => `${w} (license ${id})`).join('; ');
  const problems = [
    { field: 'patentIds', message: each((c) => c.patentIds?.length ? `licensed there too: ${c.patentIds.join(', ')}` : undefined) },
    { field: 'territories', message: each((c) => c.territories?.length ? `licensed there too: ${c.territories.join(', ')}` : undefined) },
    { field: 'fieldOfUse', message: each(() => `licensed there too: ${fieldOfUse}`) },
    { field: 'effectiveOn', message: each((c) => c.term ? `the term meets one from ${c.term.effectiveOn} to ${c.term.endsOn}` : undefined) },
  ].filter((p) => p.message !== '');
  if (exclusive) problems.push({ field: 'exclusive', message: `an exclusive license may overlap no other license: ${conflicts.map((c) => c.licenseId).join(', ')}` });
  return problems;
}

export function decideGrant(data: GrantLicenseData, state: LicenseState): LicenseEvent[] {
  if (state.granted) throw new DomainError('license-exists', `license ${data.licenseId} is already granted`, 'conflict');
  const licenseeId = requireText(data.licenseeId, 'licenseeId');
  const patents = checkPatents(data);
  const territories = checkTerritories(data.territories);
  const fieldOfUse = requireText(data.fieldOfUse, 'fieldOfUse');
  if (typeof data.exclusive !== 'boolean') throw new DomainError('invalid-exclusive', 'exclusive must be true or false', 'rule', 'exclusive');
  const effectiveOn = requireDate(data.effectiveOn, 'effectiveOn');
  const expiresOn = requireDate(data.expiresOn, 'expiresOn');
  if (expiresOn <= effectiveOn) throw new DomainError('expiry-not-after-start', 'expiresOn must be after effectiveOn', 'rule', 'expiresOn');
  if (!isCurrencyCode(data.currency)) {
    throw new DomainError('unknown-currency', 'currency must be an ISO 4217 code such as "CNY"', 'rule', 'currency');
  }
  const rounding = data.rounding ?? 'half-up';
  if (!isRounding(rounding)) throw new DomainError('invalid-rounding', 'rounding must be "half-up" or "half-even"', 'rule', 'rounding');
  const royalty = normalizeRoyalty(data.royalty, data.currency);
  const conflicts = (data.conflictingExclusive ?? []).filter((other) => data.exclusive || other.exclusive !== false);
  if (conflicts.length > 0) {
    const ids = conflicts.map((c) => c.licenseId).join(', ');
    const message = `an exclusive license overlaps in patent, territory, field of use and term: ${ids}`;
    throw new DomainError('exclusive-overlap', message, 'rule', undefined, overlapProblems(conflicts, data.exclusive, fieldOfUse));
  }
  const revenueShares = resolveRevenueShares(data.revenueShares, patents);
  const terms: LicenseTerms = {
    licenseId: data.licenseId, licenseeId, patentIds: patents.map((p) => p.patentId), territories, fieldOfUse,
    exclusive: data.exclusive, effectiveOn, expiresOn, currency: data.currency, revenueShares, rounding, royalty,
  };
  const events: LicenseEvent[] = [{ type: 'LicenseGranted', data: terms }];
  const upfront = royalty.upfrontFee === undefined ? new Big(0) : new Big(royalty.upfrontFee);
  if (upfront.gt(0)) {
    events.push({
      type: 'RoyaltyAssessed',
      data: {
        assessmentId: data.assessmentId, kind: 'upfront', amount: formatAmount(upfront, data.currency), currency: data.currency,
        date: effectiveOn, allocations: allocateToLicensors(upfront, terms),
      },
    });
  }
  return events;
}
