import { Inject, Injectable } from '@nestjs/common';
import { Big, formatAmount } from '@ledger/domain';
import { READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';
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
  /** Each line as JSON, rendered when it was projected: sent as it is, parsed only for CSV. */
  renderedLines: string[];
}

/** The lines of a statement as objects. */
export const statementLines = (statement: Statement): StatementLine[] => statement.renderedLines.map((l) => JSON.parse(l) as StatementLine);

/** A statement as JSON text, its pre-rendered lines spliced in rather than parsed and serialized again. */
export function statementJson(statement: Statement, extra: Record<string, unknown> = {}): string {
  const { renderedLines, ...head } = statement;
  const text = JSON.stringify({ ...head, ...extra });
  return `${text.slice(0, -1)},"lines":[${renderedLines.join(',')}]}`;
}

/**
 * Statements read a party's payable lines (statement_lines, fed with the journal): what it earned
 * (allocations) and what was paid out, per currency. Sums are exact (big.js over decimal strings).
 */
@Injectable()
export class StatementsQuery {
  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  async statement(partyId: string, request: StatementRequest): Promise<Statement> {
    const params: unknown[] = [partyId];
    const asOf = request.asOf ? ` AND recorded_at <= $${params.push(request.asOf)}` : '';
    const rows = await this.db.query<{ business_date: string; currency: string; effect: string; kind: string; line: string }>(
      `SELECT business_date, currency, effect, kind, line FROM statement_lines WHERE party_id = $1${asOf}
       ORDER BY business_date, position, line_no`, params,
    );
    const byCurrency = new Map<string, { opening: Big; earned: Big; paidOut: Big }>();
    const lines: string[] = [];
    for (const row of rows) {
      const totals = byCurrency.get(row.currency) ?? { opening: new Big(0), earned: new Big(0), paidOut: new Big(0) };
      byCurrency.set(row.currency, totals);
      const date = row.business_date;
      if (request.from && date < request.from) {
        totals.opening = totals.opening.plus(row.effect);
        continue;
      }
      if (request.to && date > request.to) continue;
      if (row.kind === 'payout') totals.paidOut = totals.paidOut.minus(row.effect);
      else totals.earned = totals.earned.plus(row.effect);
      lines.push(row.line);
    }
    const currencies = [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({
      currency,
      opening: formatAmount(t.opening, currency),
      earned: formatAmount(t.earned, currency),
      paidOut: formatAmount(t.paidOut, currency),
      closing: formatAmount(t.opening.plus(t.earned).minus(t.paidOut), currency),
    }));
    return { partyId, from: request.from, to: request.to, ...(request.asOf ? { asOf: request.asOf } : {}), currencies, renderedLines: lines };
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
