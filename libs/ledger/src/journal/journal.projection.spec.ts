import { RecordedEvent } from '@ledger/event-store';
import { TransactionExecutor } from '../read-model/read-model-db';
import { StatementLine } from '../statements/statement-lines';
import { journalProjection } from './journal.projection';

/** The statement lines one event projects, as rendered (a transaction that only records its writes). */
async function statementLinesOf(event: RecordedEvent): Promise<StatementLine[]> {
  const written: { sql: string; params: readonly unknown[] }[] = [];
  const record = (sql: string, params: readonly unknown[] = []) => { written.push({ sql, params }); };
  const tx: TransactionExecutor = { defer: record, execute: async (sql, params) => { record(sql, params); return 1; }, query: async () => [] };
  await journalProjection.apply(event, tx);
  return written.filter((w) => w.sql.includes('INSERT INTO statement_lines')).map((w) => JSON.parse(w.params.at(-1) as string) as StatementLine);
}

const recorded = (type: string, streamId: string, data: object): RecordedEvent => ({
  id: 'e0a1b2c3-0000-4000-8000-000000000001', type, data, streamId, revision: 3n, position: 42n,
  metadata: { actor: 'office', correlationId: 'c', causationId: 'c', recordedAt: '2026-01-15T10:00:00.000Z' },
} as unknown as RecordedEvent);

describe('journal projection: statement lines', () => {
  it("names a payout's id and reference in its line's source, so a bank statement can be reconciled with it", async () => {
    // Before, a payout line carried only the event id: neither what POST /payouts answered nor the reference.
    const payoutId = '7d1c2e8a-0000-4000-8000-00000000aaaa';
    const lines = await statementLinesOf(recorded('PayoutRecorded', 'party-p1', {
      payoutId, partyId: 'p1', amount: '5000.00', currency: 'CNY', paidOn: '2026-01-15', reference: 'PAY-1',
    }));
    expect(lines).toEqual([expect.objectContaining({
      kind: 'payout', amount: '-5000.00', date: '2026-01-15',
      source: { eventId: 'e0a1b2c3-0000-4000-8000-000000000001', payoutId, reference: 'PAY-1' },
    })]);
  });
});
