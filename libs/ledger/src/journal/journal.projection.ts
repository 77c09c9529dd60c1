import { Big, DistributionAllocated, EquityLiquidated, PaymentReceived, PayoutRecorded, RoyaltyAssessed } from '@ledger/domain';
import { RecordedEvent } from '@ledger/event-store';
import { Projection, keyOrdered } from '../projections/projection';
import { TransactionExecutor } from '../read-model/read-model-db';
import { STATEMENT_LINES_SCHEMA, recordStatementLine } from '../statements/statement-lines';

/**
 * The double-entry journal. Each business event is one balanced entry; amounts are signed decimal
 * strings (debit positive, credit negative), so every entry, and the whole journal per currency, sums
 * to zero. Accounts: receivable:{license}, income:{party}, payable:{party}, cash.
 */
export interface JournalLine {
  account: string;
  amount: string;
  role?: string;
}

interface Provenance {
  kind: string;
  currency: string;
  date: string;
  licenseId?: string;
  dealId?: string;
  reportId?: string;
  period?: string;
  milestone?: string;
  year?: number;
  policyVersion?: number | null;
  allocationId?: string;
  /** The event the amount comes from (a DistributionAllocated points at its RoyaltyAssessed). */
  sourceEventId?: string;
  /** A payout's id (what POST /payouts answered) and reference: what a bank statement reconciles against. */
  payoutId?: string;
  reference?: string;
  /** Equity proceeds: the sale's liquidityId, as the office was answered it. */
  liquidityId?: string;
}

const neg = (amount: string) => new Big(amount).times(-1).toFixed();
/** Positions are opaque bigints; zero-padded text keeps their order in SQL. */
export const sortablePosition = (position: bigint) => position.toString().padStart(40, '0');

/**
 * A journal line holds the entry's accounting (account, amount, kind, date); where it comes from is the
 * event at its position (`entry_id`), and what partners see of it is in statement_lines. Keeping the
 * provenance columns here too doubled every line's bytes for nothing read (rebuild, 100,000 events:
 * see docs/performance.md). On SQLite its one B-tree is appended at its right edge,
 * since positions only grow.
 */
const journalColumns = `position TEXT NOT NULL, line_no INTEGER NOT NULL, entry_id TEXT NOT NULL, account TEXT NOT NULL,
  currency TEXT NOT NULL, amount TEXT NOT NULL, role TEXT, kind TEXT NOT NULL, business_date TEXT NOT NULL, PRIMARY KEY (position, line_no)`;

export const JOURNAL_SCHEMA = [
  keyOrdered(`CREATE TABLE IF NOT EXISTS journal_lines (${journalColumns})`),
  ...STATEMENT_LINES_SCHEMA,
  // Look-ups live in small tables of their own, not in indexes over every line: an index keyed by a
  // random id made each journal line cost a random B-tree insert (bench: ~38,000 → ~117,000 rows/s).
  // Who earns from a license: the access guard asks on every partner request.
  keyOrdered('CREATE TABLE IF NOT EXISTS license_earners (license_id TEXT NOT NULL, party_id TEXT NOT NULL, PRIMARY KEY (license_id, party_id))'),
  // Where an allocation's entry is, for its explanation.
  keyOrdered('CREATE TABLE IF NOT EXISTS allocation_entries (allocation_id TEXT PRIMARY KEY, position TEXT NOT NULL)'),
];

async function post(tx: TransactionExecutor, event: RecordedEvent, p: Provenance, lines: JournalLine[]) {
  const total = lines.reduce((sum, l) => sum.plus(l.amount), new Big(0));
  if (!total.eq(0)) throw new Error(`unbalanced journal entry for ${event.type} ${event.id}: ${total.toFixed()}`);
  const position = sortablePosition(event.position);
  // One constant statement per line: SQLite runs it prepared once; PostgreSQL's deferred writes merge
  // a page's lines into multi-row inserts.
  lines.forEach((line, lineNo) =>
    tx.defer(
      `INSERT INTO journal_lines (position, line_no, entry_id, account, currency, amount, role, kind, business_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (position, line_no) DO NOTHING`,
      [position, lineNo, event.id, line.account, p.currency, line.amount, line.role ?? null, p.kind, p.date],
    ),
  );
  if (p.allocationId) {
    tx.defer('INSERT INTO allocation_entries (allocation_id, position) VALUES ($1, $2) ON CONFLICT DO NOTHING', [p.allocationId, position]);
  }
  lines.forEach((line, lineNo) => {
    if (!line.account.startsWith('payable:')) return;
    const partyId = line.account.slice('payable:'.length);
    if (p.licenseId) tx.defer('INSERT INTO license_earners (license_id, party_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [p.licenseId, partyId]);
    recordStatementLine(tx, event, position, {
      partyId, lineNo, amount: line.amount, role: line.role ?? null, kind: p.kind,
      currency: p.currency, date: p.date, licenseId: p.licenseId, dealId: p.dealId, allocationId: p.allocationId,
      source: {
        eventId: p.sourceEventId ?? event.id, reportId: p.reportId, period: p.period, milestone: p.milestone, year: p.year,
        payoutId: p.payoutId, reference: p.reference, liquidityId: p.liquidityId,
      },
      policyVersion: p.policyVersion,
    });
  });
}

export function journalEntry(event: RecordedEvent): { provenance: Provenance; lines: JournalLine[] } | undefined {
  switch (event.type) {
    case 'RoyaltyAssessed': {
      const a = (event as unknown as RoyaltyAssessed).data;
      const licenseId = event.streamId.slice('license-'.length);
      return {
        provenance: {
          kind: a.kind, currency: a.currency, date: a.date, licenseId,
          reportId: 'reportId' in a ? a.reportId : undefined, period: 'period' in a ? a.period : undefined,
          milestone: a.kind === 'milestone' ? a.milestone : undefined, year: 'year' in a ? a.year : undefined,
        },
        lines: [
          { account: `receivable:${licenseId}`, amount: a.amount },
          ...a.allocations.map((l) => ({ account: `income:${l.partyId}`, amount: neg(l.amount), role: 'licensor' })),
        ],
      };
    }
    case 'PaymentReceived': {
      const p = (event as unknown as PaymentReceived).data;
      const licenseId = event.streamId.slice('license-'.length);
      return {
        provenance: { kind: 'payment', currency: p.currency, date: p.receivedOn, licenseId },
        lines: [{ account: 'cash', amount: p.amount }, { account: `receivable:${licenseId}`, amount: neg(p.amount) }],
      };
    }
    case 'DistributionAllocated': {
      const d = (event as unknown as DistributionAllocated).data;
      return {
        provenance: {
          kind: d.source.kind, currency: d.currency, date: d.date, licenseId: d.source.licenseId, dealId: d.source.dealId,
          reportId: d.source.reportId, period: d.source.period, milestone: d.source.milestone, year: d.source.year,
          policyVersion: d.policyVersion, allocationId: d.allocationId, sourceEventId: d.source.eventId, liquidityId: d.source.liquidityId,
        },
        lines: [
          { account: `income:${d.partyId}`, amount: d.amount },
          ...d.lines.map((l) => ({ account: `payable:${l.partyId}`, amount: neg(l.amount), role: l.role })),
        ],
      };
    }
    case 'EquityLiquidated': {
      // Proceeds of a sale of IP equity are the seller's income, distributed like royalties.
      const l = (event as unknown as EquityLiquidated).data;
      return {
        provenance: { kind: 'equity-proceeds', currency: l.currency, date: l.occurredOn, dealId: l.dealId },
        lines: [{ account: 'cash', amount: l.proceeds }, { account: `income:${l.holderId}`, amount: neg(l.proceeds), role: 'seller' }],
      };
    }
    case 'PayoutRecorded': {
      const p = (event as unknown as PayoutRecorded).data;
      return {
        provenance: { kind: 'payout', currency: p.currency, date: p.paidOn, payoutId: p.payoutId, reference: p.reference },
        lines: [{ account: `payable:${p.partyId}`, amount: p.amount, role: 'payout' }, { account: 'cash', amount: neg(p.amount) }],
      };
    }
    default:
      return undefined;
  }
}

export const journalProjection: Projection = {
  name: 'journal',
  schema: JOURNAL_SCHEMA,
  // 3: PostgreSQL statement_lines' key includes the columns statements read; 4: lean journal_lines; 5–7: effect_units
  // (7: ten-thousandths); 8: a payout line's source names its payoutId and reference
  version: 9,
  tables: ['journal_lines', 'statement_lines', 'license_earners', 'allocation_entries'],
  handles: new Set(['RoyaltyAssessed', 'PaymentReceived', 'DistributionAllocated', 'PayoutRecorded', 'EquityLiquidated']),
  async apply(event, tx) {
    const entry = journalEntry(event);
    if (entry) await post(tx, event, entry.provenance, entry.lines);
  },
};
