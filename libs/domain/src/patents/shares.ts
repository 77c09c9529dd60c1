import { Big } from '../money/big';
import { parsePercent } from '../money/decimal';
import { DomainError } from '../shared/domain-error';

/** A party's share in percent ("60", "33.34"): patent ownership, inventorship, license revenue. */
export interface ShareLine {
  partyId: string;
  sharePercent: string;
}

/**
 * Checks a share table and returns it normalized (only partyId and sharePercent, percent strings
 * without trailing zeros): non-empty, each party once, each share > 0, shares summing to exactly
 * 100 (compared exactly, so thirds are written 33.34 / 33.33 / 33.33). Problems name their field,
 * e.g. `owners[1].partyId`.
 */
export function validateShareTable(shares: unknown, field: string): ShareLine[] {
  if (!Array.isArray(shares) || shares.length === 0) {
    throw new DomainError('shares-empty', `${field} must list at least one party`, 'rule', field);
  }
  const seen = new Set<string>();
  let total = new Big(0);
  const table = shares.map((line: Partial<ShareLine> | null, i): ShareLine => {
    const partyField = `${field}[${i}].partyId`;
    const partyId = line?.partyId;
    if (typeof partyId !== 'string' || partyId.trim() === '') {
      throw new DomainError('party-id-required', `${partyField} must be a party id`, 'rule', partyField);
    }
    if (seen.has(partyId)) {
      throw new DomainError('duplicate-party', `${partyField} ${partyId} is listed twice`, 'rule', partyField);
    }
    seen.add(partyId);
    const shareField = `${field}[${i}].sharePercent`;
    const share = parsePercent(line?.sharePercent, shareField);
    if (share.eq(0)) throw new DomainError('share-not-positive', `${shareField} must be greater than 0`, 'rule', shareField);
    total = total.plus(share);
    return { partyId, sharePercent: share.toFixed() };
  });
  if (!total.eq(100)) {
    throw new DomainError('shares-not-100', `${field} shares must sum to exactly 100, got ${total.toFixed()}`, 'rule', field);
  }
  return table;
}

/** The same parties with exactly the same shares, in any order. */
export function sameShareTable(a: readonly ShareLine[], b: readonly ShareLine[]): boolean {
  if (a.length !== b.length) return false;
  const shares = new Map(b.map((line) => [line.partyId, new Big(line.sharePercent)]));
  return a.every((line) => shares.get(line.partyId)?.eq(line.sharePercent) ?? false);
}
