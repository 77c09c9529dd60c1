import { Inject, Injectable } from '@nestjs/common';
import { Big, formatAmount } from '@ledger/domain';
import { READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';
import { journalProjection } from '../journal/journal.projection';
import { StatementLine } from './statement-lines';

export interface StatementRequest {
  from?: string;
  to?: string;
  /** ISO instant: only what the ledger had recorded by then. */
  asOf?: string;
}

type Row = Record<string, string | number | null>;

export interface Statement {
  partyId: string;
  from?: string;
  to?: string;
  asOf?: string;
  currencies: { currency: string; opening: string; earned: string; paidOut: string; closing: string }[];
  /**
   * The lines as JSON objects joined by commas, in statement order: each was rendered when projected
   * and the database joins them, so a 10,000-line statement is one string, never 10,000 of them.
   */
  linesJson: string;
  /**
   * What identifies the lines: how they are rendered (the journal projection's version: a change
   * rebuilds them), how many, and the last log position among them. Lines are only ever added, each
   * at a later position than any before, so the same version means the same lines.
   */
  version: string;
}

/** The lines of a statement as objects. */
export const statementLines = (statement: Statement): StatementLine[] => JSON.parse(`[${statement.linesJson}]`) as StatementLine[];

/** A statement as JSON text, its pre-rendered lines spliced in rather than parsed and serialized again. */
export function statementJson(statement: Statement, extra: Record<string, unknown> = {}): string {
  const { linesJson, version: _version, ...head } = statement;
  const text = JSON.stringify({ ...head, ...extra });
  return `${text.slice(0, -1)},"lines":[${linesJson}]}`;
}

const AGGREGATE = { sqlite: 'group_concat', postgres: 'string_agg' } as const;

/** One row: the period's lines joined, every amount as "currency part kind effect", and what identifies them. */
type StatementRow = { lines: string | null; amounts: string | null; n: number | string; last: string | null };

/**
 * Statements read a party's payable lines (statement_lines, fed with the journal): what it earned
 * (allocations) and what was paid out, per currency. One SQL statement reads the party's rows once,
 * along the primary key, from one snapshot: the database joins the period's pre-rendered lines and
 * the amounts into two strings (both databases aggregate an ordered subquery in its order; an ORDER
 * BY inside the aggregate sorts again: SQLite 16 ms instead of 5 for 10,000 lines), and the sums are
 * exact (big.js over the decimal strings). The property test checks totals and order on both.
 */
@Injectable()
export class StatementsQuery {
  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  async statement(partyId: string, request: StatementRequest): Promise<Statement> {
    const params: unknown[] = [partyId];
    const asOf = request.asOf ? ` AND recorded_at <= $${params.push(request.asOf)}` : '';
    const upTo = request.to ? ` AND business_date <= $${params.push(request.to)}` : '';
    // Lines before `from` make the opening balance ("o"); the rest are the period's ("p").
    const from = request.from ? `$${params.push(request.from)}` : undefined;
    const part = from ? `CASE WHEN business_date < ${from} THEN 'o' ELSE 'p' END` : "'p'";
    const aggregate = AGGREGATE[this.db.dialect];
    const [row] = await this.db.query<StatementRow>(
      `SELECT ${aggregate}(CASE WHEN ${part} = 'p' THEN line END, ',') AS lines,
              ${aggregate}(currency || ' ' || ${part} || ' ' || kind || ' ' || effect, ';') AS amounts,
              count(*) AS n, max(position) AS last
       FROM (SELECT * FROM statement_lines WHERE party_id = $1${asOf}${upTo} ORDER BY business_date, position, line_no) ordered`,
      params,
    );
    const byCurrency = new Map<string, { opening: Big; earned: Big; paidOut: Big }>();
    for (const amount of row?.amounts ? row.amounts.split(';') : []) {
      const [currency, period, kind, effect] = amount.split(' ');
      const totals = byCurrency.get(currency) ?? { opening: new Big(0), earned: new Big(0), paidOut: new Big(0) };
      byCurrency.set(currency, totals);
      if (period === 'o') totals.opening = totals.opening.plus(effect);
      else if (kind === 'payout') totals.paidOut = totals.paidOut.minus(effect);
      else totals.earned = totals.earned.plus(effect);
    }
    const currencies = [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({
      currency,
      opening: formatAmount(t.opening, currency),
      earned: formatAmount(t.earned, currency),
      paidOut: formatAmount(t.paidOut, currency),
      closing: formatAmount(t.opening.plus(t.earned).minus(t.paidOut), currency),
    }));
    return {
      partyId, from: request.from, to: request.to, ...(request.asOf ? { asOf: request.asOf } : {}), currencies,
      linesJson: row?.lines ?? '', version: `${journalProjection.version}/${row?.n ?? 0}/${row?.last ?? ''}`,
    };
  }

  /** What the ledger owes a party in one currency now (allocations less payouts). */
  async payableBalance(partyId: string, currency: string): Promise<Big> {
    const rows = await this.db.query<{ effect: string }>(
      'SELECT effect FROM statement_lines WHERE party_id = $1 AND currency = $2', [partyId, currency],
    );
    return rows.reduce((sum, r) => sum.plus(r.effect), new Big(0));
  }

  /** Σ of every journal line per currency: zero when every entry balanced. */
  async trialBalance(): Promise<{ currency: string; total: string }[]> {
    const rows = await this.db.query<{ currency: string; amount: string }>('SELECT currency, amount FROM journal_lines');
    const totals = new Map<string, Big>();
    for (const r of rows) totals.set(r.currency, (totals.get(r.currency) ?? new Big(0)).plus(r.amount));
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
