import { Inject, Injectable } from '@nestjs/common';
import { Big, formatAmount, parseDecimal, RECORDED_INTEGER_DIGITS } from '@ledger/domain';
import { READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';
import { journalProjection, sortablePosition } from '../journal/journal.projection';
import { loadCheckpoint } from '../projections/checkpoints';
import { StatementLine, UNIT_PLACES } from './statement-lines';

export interface StatementRequest {
  from?: string;
  to?: string;
  /** ISO instant: only what the ledger had recorded by then. */
  asOf?: string;
}

type Row = Record<string, string | number | null>;

export interface Statement {
  partyId: string;
  /** As asked; null when not (the contract always shows them: the statement runs from the first line, or to the last). */
  from: string | null;
  to: string | null;
  asOf?: string;
  currencies: { currency: string; opening: string; earned: string; paidOut: string; closing: string }[];
  /**
   * The lines as JSON objects joined by commas (UTF-8), in statement order: each was rendered when
   * projected, and they are joined into one buffer (by SQLite, or written into it one by one), which
   * goes out as it is (no megabyte string for the JS heap to build, encode and collect).
   */
  linesJson: Buffer;
  /**
   * What identifies the lines: how they are rendered (the journal projection's version: a change
   * rebuilds them), how many, and the last log position among them. Lines are only ever added, each
   * at a later position than any before, so the same version means the same lines.
   */
  version: string;
}

/** The lines of a statement as objects. */
export const statementLines = (statement: Statement): StatementLine[] => JSON.parse(`[${statement.linesJson.toString('utf8')}]`) as StatementLine[];

/**
 * A statement as JSON (UTF-8), its pre-rendered lines spliced in rather than parsed and serialized again;
 * `head` is everything before the lines (what an ETag needs besides the lines' version).
 */
export function statementJson(statement: Statement, extra: Record<string, unknown> = {}): { head: string; body: Buffer } {
  const { linesJson, version: _version, ...fields } = statement;
  const head = JSON.stringify({ ...fields, ...extra }).slice(0, -1);
  return { head, body: Buffer.concat([Buffer.from(`${head},"lines":[`), linesJson, Buffer.from(']}')]) };
}

/**
 * SQLite's sum of integers fails past 2^63 − 1 ("integer overflow": 922 trillion of a currency in one
 * party's lines, which answered 500 for good); it sums each line's units split at 10^9 instead, as two
 * sums "high low" that no ledger's line count can overflow. PostgreSQL sums BIGINT into numeric, exactly.
 */
const SPLIT = 1_000_000_000;

/**
 * Per dialect: how the rare amounts finer than their currency's minor unit, which have no integer form,
 * are joined, and whether the database joins the lines. SQLite does, handing them over as a blob, which
 * becomes a Buffer without a string in between. PostgreSQL hands over each line: its `string_agg` of
 * 10,000 lines took longer in the server (18–21 ms in psql) than sending the rows (7–8 ms), and pg
 * decodes the joined text into one megabyte string besides (docs/performance.md).
 */
const DIALECT = {
  sqlite: { join: 'group_concat', linesJoined: true, sumUnits: (x: string) => `CAST(sum((${x}) / ${SPLIT}) AS TEXT) || ' ' || CAST(sum((${x}) % ${SPLIT}) AS TEXT)` },
  postgres: { join: 'string_agg', linesJoined: false, sumUnits: (x: string) => `CAST(sum(${x}) AS TEXT)` },
} as const;

/** Lines as one UTF-8 buffer, joined by commas, written in place: no joined string for the heap to build and collect. */
function joinLines(rows: readonly { line: string }[]): Buffer {
  let size = Math.max(rows.length - 1, 0);
  for (const { line } of rows) size += Buffer.byteLength(line);
  const joined = Buffer.allocUnsafe(size);
  let at = 0;
  for (const { line } of rows) {
    if (at > 0) at = joined.writeUInt8(0x2c, at);
    at += joined.write(line, at);
  }
  return joined;
}

/** Whole ten-thousandths the database summed: one integer, or SQLite's "high low" (SPLIT). */
function summedUnits(units: string | null): Big {
  const [high, low] = (units ?? '0').split(' ');
  return low === undefined ? new Big(high) : new Big(high).times(SPLIT).plus(low);
}

/** A sum the database made: whole ten-thousandths (`effect_units`) plus the amounts finer than those, exactly. */
const databaseSum = (units: string | null, finer: string | null): Big =>
  (finer ?? '').split(' ').filter(Boolean).reduce((sum, amount) => sum.plus(amount), summedUnits(units).times(`1e-${UNIT_PLACES}`));

/** Which lines a total sums. */
const TOTALS = ['opening', 'earned', 'paid'] as const;

/**
 * A currency's totals: for each of opening, earned and paid, the sum of `effect_units` (an exact
 * integer sum in both databases) and the amounts finer than those; how many lines; the last log position.
 * `other` is the greatest currency among the rows when they were not grouped by currency.
 */
type TotalsRow = { currency: string | null; other?: string | null; n: number | string; last: string | null } &
  Record<`${(typeof TOTALS)[number]}_${'units' | 'finer'}`, string | null>;

/**
 * Statements read a party's payable lines (statement_lines, fed with the journal): what it earned
 * (allocations) and what was paid out, per currency. The period's pre-rendered lines are read along
 * the primary key (SQLite joins them in an ordered subquery, which it aggregates in its order; an
 * ORDER BY inside the aggregate sorts again), and the totals are summed by the database as integers,
 * per currency, which hands back a row per currency instead of an amount per line (docs/performance.md).
 * The property test checks totals and order on both databases.
 */
@Injectable()
export class StatementsQuery {
  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  async statement(partyId: string, request: StatementRequest): Promise<Statement> {
    // The journal's checkpoint bounds every query: it commits with every page of lines, and pages
    // commit in log order, so the lines at or before it are exactly what was committed when it was
    // read. Lines and totals can then run at once on two connections (PostgreSQL: on both cores) and
    // still describe one state of the ledger.
    const checkpoint = await loadCheckpoint(this.db, journalProjection.name);
    const params: unknown[] = [partyId, checkpoint === undefined ? '' : sortablePosition(checkpoint)];
    const asOf = request.asOf ? ` AND recorded_at <= $${params.push(request.asOf)}` : '';
    const upTo = request.to ? ` AND business_date <= $${params.push(request.to)}` : '';
    const from = request.from ? `$${params.push(request.from)}` : undefined;
    const where = `party_id = $1 AND position <= $2${asOf}${upTo}`;
    const { join, linesJoined, sumUnits } = DIALECT[this.db.dialect];
    // Lines before `from` make the opening balance; the rest are earned, or paid out.
    const within = { opening: from ? `business_date < ${from}` : 'FALSE', earned: "kind <> 'payout'", paid: "kind = 'payout'" };
    const sums = TOTALS.map((t) => {
      const when = t === 'opening' ? within.opening : `NOT (${within.opening}) AND ${within[t]}`;
      return `${sumUnits(`CASE WHEN ${when} THEN effect_units END`)} AS ${t}_units,
              ${join}(CASE WHEN ${when} AND effect_units IS NULL THEN effect END, ' ') AS ${t}_finer`;
    }).join(', ');
    const totals = `${sums}, count(*) AS n, max(position) AS last FROM statement_lines WHERE ${where}`;
    const period = `SELECT line FROM statement_lines WHERE ${where}${from ? ` AND business_date >= ${from}` : ''} ORDER BY business_date, position, line_no`;
    const [linesJson, [single]] = await Promise.all([
      linesJoined
        ? this.db.query<{ text: Buffer | null }>(`SELECT CAST(group_concat(line, ',') AS BLOB) AS text FROM (${period}) period`, params)
          .then(([row]) => row?.text ?? Buffer.alloc(0))
        : this.db.query<{ line: string }>(period, params).then(joinLines),
      // Lines in one currency, the usual case, are totalled in one pass; grouping by currency costs
      // SQLite a sort (10,000 lines: ~9 → ~2 ms), so it is done only for a party paid in several.
      this.db.query<TotalsRow>(`SELECT min(currency) AS currency, max(currency) AS other, ${totals}`, params),
    ]);
    const rows = single.currency === single.other ? [single] : await this.db.query<TotalsRow>(`SELECT currency, ${totals} GROUP BY currency`, params);
    const byCurrency = new Map<string, Record<(typeof TOTALS)[number], Big>>();
    let count = 0;
    let last = '';
    for (const row of rows) {
      if (row.currency === null) continue; // no lines at all
      count += Number(row.n);
      if (row.last && row.last > last) last = row.last; // positions are zero-padded: text order is log order
      const sum = (t: (typeof TOTALS)[number]) => databaseSum(row[`${t}_units`], row[`${t}_finer`]);
      // Payouts are negative effects on what the party is owed; paidOut shows them as paid amounts.
      byCurrency.set(row.currency, { opening: sum('opening'), earned: sum('earned'), paid: sum('paid').times(-1) });
    }
    const currencies = [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({
      currency,
      opening: formatAmount(t.opening, currency),
      earned: formatAmount(t.earned, currency),
      paidOut: formatAmount(t.paid, currency),
      closing: formatAmount(t.opening.plus(t.earned).minus(t.paid), currency),
    }));
    return {
      partyId, from: request.from ?? null, to: request.to ?? null, ...(request.asOf ? { asOf: request.asOf } : {}), currencies,
      linesJson, version: `${journalProjection.version}/${count}/${last}`,
    };
  }

  /**
   * What the ledger owes a party in one currency (allocations less payouts) at the least, on any business
   * date from `from` on: what a payout dated `from` may take without leaving a later date owing.
   */
  async payableBalance(partyId: string, currency: string, from: string): Promise<Big> {
    const days = await this.db.query<{ business_date: string; units: string | null; finer: string | null }>(
      `SELECT business_date, ${DIALECT[this.db.dialect].sumUnits('effect_units')} AS units, ${DIALECT[this.db.dialect].join}(CASE WHEN effect_units IS NULL THEN effect END, ' ') AS finer
       FROM statement_lines WHERE party_id = $1 AND currency = $2 GROUP BY business_date ORDER BY business_date`, [partyId, currency],
    );
    let balance = new Big(0);
    let least: Big | undefined;
    for (const day of days) {
      if (day.business_date > from && least === undefined) least = balance;
      balance = balance.plus(databaseSum(day.units, day.finer));
      if (least !== undefined && balance.lt(least)) least = balance;
    }
    return least ?? balance;
  }

  /**
   * Σ of every journal line per currency: zero when every entry balanced. Summed over distinct amounts, each
   * times its count, so a ledger of millions of lines is not held in memory; a line whose amount is not a
   * decimal is named.
   */
  async trialBalance(): Promise<{ currency: string; total: string }[]> {
    const rows = await this.db.query<{ currency: string; amount: string; lines: number | string }>(
      'SELECT currency, amount, count(*) AS lines FROM journal_lines GROUP BY currency, amount',
    );
    const totals = new Map<string, Big>();
    for (const r of rows) {
      let amount: Big;
      try {
        amount = parseDecimal(r.amount, 'amount', { allowNegative: true, maxIntegerDigits: RECORDED_INTEGER_DIGITS });
      } catch {
        const [line] = await this.db.query<{ position: string; line_no: number }>(
          'SELECT position, line_no FROM journal_lines WHERE currency = $1 AND amount = $2 ORDER BY position, line_no LIMIT 1', [r.currency, r.amount],
        );
        throw new Error(`the amount of journal line ${line.line_no} at position ${BigInt(line.position)} is ${JSON.stringify(r.amount)}, not a decimal`);
      }
      totals.set(r.currency, (totals.get(r.currency) ?? new Big(0)).plus(amount.times(String(r.lines))));
    }
    return [...totals].map(([currency, total]) => ({ currency, total: total.toFixed() }));
  }

  /** Balance of every account, for operators and tests (income accounts drain to zero once distributed). */
  async accountBalances(): Promise<{ account: string; currency: string; balance: string }[]> {
    const rows = await this.db.query<{ account: string; currency: string; amount: string }>('SELECT account, currency, amount FROM journal_lines');
    const totals = new Map<string, Big>();
    for (const r of rows) {
      const key = `${r.account}\u0000${r.currency}`;
      totals.set(key, (totals.get(key) ?? new Big(0)).plus(r.amount));
    }
    return [...totals].map(([key, total]) => {
      const [account, currency] = key.split('\u0000');
      return { account, currency, balance: formatAmount(total, currency) };
    });
  }

  /** One allocation's journal lines, for the explanation endpoint. */
  async allocationLines(allocationId: string) {
    return this.db.query<Row>(
      `SELECT j.* FROM allocation_entries a JOIN journal_lines j ON j.position = a.position
       WHERE a.allocation_id = $1 ORDER BY j.line_no`, [allocationId],
    );
  }
}
