import { Big, decimalPlaces, formatAmount } from '@ledger/domain';
import { RecordedEvent } from '@ledger/event-store';
import { TransactionExecutor } from '../read-model/read-model-db';

/** One line of a partner's statement, as the API shows it. */
export interface StatementLine {
  date: string;
  kind: string;
  role: string | null;
  amount: string;
  currency: string;
  licenseId?: string;
  dealId?: string;
  allocationId?: string;
  /** Where the amount comes from; a payout's line names the payout (its id and reference) too, an equity sale's its liquidityId. */
  source: {
    eventId: string; reportId?: string; period?: string; milestone?: string; year?: number; payoutId?: string; reference?: string; liquidityId?: string;
  };
  policyVersion?: number;
  /**
   * When the ledger recorded it: a restatement's delta is dated in the period it restates, so without
   * this a later statement's opening differs from one already issued with no line saying why.
   */
  recordedAt: string;
}

const columns = `party_id TEXT NOT NULL, business_date TEXT NOT NULL, position TEXT NOT NULL, line_no INTEGER NOT NULL,
  currency TEXT NOT NULL, effect TEXT NOT NULL, effect_units BIGINT, kind TEXT NOT NULL, recorded_at TEXT NOT NULL, line TEXT NOT NULL`;
const key = 'PRIMARY KEY (party_id, business_date, position, line_no)';

/**
 * Every payable journal line, stored in statement order per party and rendered once, when projected:
 * a statement of 10,000 lines is one range read of the primary key and its lines go out as they were
 * rendered. `effect` is the signed amount as the party sees it. SQLite keeps the table in key order
 * (WITHOUT ROWID). PostgreSQL keeps rows where they were inserted, among every other party's, so its
 * key carries the columns statements read: an index-only scan reads the party's lines side by side
 * (10,000 lines, 1,000,000 events: ~3,500 scattered pages → ~700, lines 41 → 22 ms, totals 25 → 16 ms
 * in psql). It needs the visibility map that VACUUM keeps: autovacuum, and the rebuild command.
 */
export const STATEMENT_LINES_SCHEMA = [
  {
    sqlite: `CREATE TABLE IF NOT EXISTS statement_lines (${columns}, ${key}) WITHOUT ROWID`,
    postgres: `CREATE TABLE IF NOT EXISTS statement_lines (${columns}, ${key} INCLUDE (currency, effect, effect_units, kind, recorded_at, line))`,
  },
];

export interface PayableLine {
  partyId: string;
  lineNo: number;
  /** The journal amount: payable accounts are credit-normal, so the party's view is its negation. */
  amount: string;
  role: string | null;
  kind: string;
  currency: string;
  date: string;
  licenseId?: string;
  dealId?: string;
  allocationId?: string;
  source: StatementLine['source'];
  policyVersion?: number | null;
}

/** Largest 64-bit integer: what both databases' BIGINT holds. */
const MAX_UNITS = new Big('9223372036854775807');
/**
 * `effect_units` counts ten-thousandths of the currency: finer than every currency's minor unit, and
 * the same for all of them, so what is stored never depends on the runtime's currency data (a minor
 * unit that changed with an ICU upgrade would have scaled stored sums by a power of ten).
 */
export const UNIT_PLACES = 4;

/**
 * An effect in ten-thousandths (12.34 → 123400), or null when it is finer than those or beyond a
 * 64-bit integer. Both databases sum integers exactly, so a statement's totals are summed by the
 * database instead of by big.js over every line (10,000 lines: ~9 ms of JS); the rare other amount is
 * summed from its text. (SQLite's sum of them is split in two, so that a party's lines summing past
 * 2^63 - 1 units, 922 trillion of a currency, are summed exactly too: statements.query.ts, SPLIT.)
 */
export function effectUnits(effect: Big): string | null {
  if (decimalPlaces(effect) > UNIT_PLACES) return null;
  const units = effect.times(`1e${UNIT_PLACES}`);
  return units.abs().gt(MAX_UNITS) ? null : units.toFixed(0);
}

export function recordStatementLine(tx: TransactionExecutor, event: RecordedEvent, position: string, l: PayableLine): void {
  const signed = new Big(l.amount).times(-1);
  const effect = formatAmount(signed, l.currency);
  const line: StatementLine = {
    date: l.date, kind: l.kind, role: l.role, amount: effect, currency: l.currency,
    licenseId: l.licenseId, dealId: l.dealId, allocationId: l.allocationId, source: l.source,
    policyVersion: l.policyVersion ?? undefined, recordedAt: event.metadata.recordedAt,
  };
  tx.defer(
    `INSERT INTO statement_lines (party_id, business_date, position, line_no, currency, effect, effect_units, kind, recorded_at, line)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [l.partyId, l.date, position, l.lineNo, l.currency, effect, effectUnits(signed), l.kind, event.metadata.recordedAt, JSON.stringify(line)],
  );
}
