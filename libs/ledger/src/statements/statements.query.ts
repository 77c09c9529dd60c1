import { Inject, Injectable } from '@nestjs/common';
import { Big, formatAmount } from '@ledger/domain';
import { READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';

export interface StatementRequest {
  from?: string;
  to?: string;
  /** ISO instant: only what the ledger had recorded by then. */
  asOf?: string;
}

export interface StatementLine {
  date: string;
  kind: string;
  role: string | null;
  amount: string;
  currency: string;
  licenseId?: string;
  dealId?: string;
  allocationId?: string;
  source: { eventId: string; reportId?: string; period?: string; milestone?: string; year?: number };
  policyVersion?: number;
}

type Row = Record<string, string | number | null>;
const present = <T>(value: T | null) => (value === null ? undefined : value);

/**
 * Statements read a party's `payable:{party}` account in the journal: what it earned (allocations) and
 * what was paid out, per currency. Sums are exact (big.js over decimal strings), never SQL floats.
 */
@Injectable()
export class StatementsQuery {
  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  async statement(partyId: string, request: StatementRequest) {
    const params: unknown[] = [`payable:${partyId}`];
    const asOf = request.asOf ? ` AND recorded_at <= $${params.push(request.asOf)}` : '';
    const rows = await this.db.query<Row>(
      `SELECT * FROM journal_lines WHERE account = $1${asOf} ORDER BY business_date, position, line_no`, params,
    );
    const byCurrency = new Map<string, { opening: Big; earned: Big; paidOut: Big }>();
    const lines: StatementLine[] = [];
    for (const row of rows) {
      const currency = row.currency as string;
      const totals = byCurrency.get(currency) ?? { opening: new Big(0), earned: new Big(0), paidOut: new Big(0) };
      byCurrency.set(currency, totals);
      const effect = new Big(row.amount as string).times(-1); // payable is credit-normal
      const date = row.business_date as string;
      if (request.from && date < request.from) {
        totals.opening = totals.opening.plus(effect);
        continue;
      }
      if (request.to && date > request.to) continue;
      if (row.kind === 'payout') totals.paidOut = totals.paidOut.minus(effect);
      else totals.earned = totals.earned.plus(effect);
      lines.push(toLine(row, formatAmount(effect, currency)));
    }
    const currencies = [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({
      currency,
      opening: formatAmount(t.opening, currency),
      earned: formatAmount(t.earned, currency),
      paidOut: formatAmount(t.paidOut, currency),
      closing: formatAmount(t.opening.plus(t.earned).minus(t.paidOut), currency),
    }));
    return { partyId, from: request.from, to: request.to, ...(request.asOf ? { asOf: request.asOf } : {}), currencies, lines };
  }

  /** What the ledger owes a party in one currency now (allocations less payouts). */
  async payableBalance(partyId: string, currency: string): Promise<Big> {
    const rows = await this.db.query<{ amount: string }>(
      'SELECT amount FROM journal_lines WHERE account = $1 AND currency = $2', [`payable:${partyId}`, currency],
    );
    return rows.reduce((sum, r) => sum.minus(r.amount), new Big(0));
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
    return this.db.query<Row>('SELECT * FROM journal_lines WHERE allocation_id = $1 ORDER BY line_no', [allocationId]);
  }
}

function toLine(row: Row, amount: string): StatementLine {
  return {
    date: row.business_date as string,
    kind: row.kind as string,
    role: row.role as string | null,
    amount,
    currency: row.currency as string,
    licenseId: present(row.license_id as string | null),
    dealId: present(row.deal_id as string | null),
    allocationId: present(row.allocation_id as string | null),
    source: {
      eventId: row.source_event_id as string,
      reportId: present(row.report_id as string | null),
      period: present(row.period as string | null),
      milestone: present(row.milestone as string | null),
      year: row.year === null ? undefined : Number(row.year),
    },
    policyVersion: row.policy_version === null ? undefined : Number(row.policy_version),
  };
}
