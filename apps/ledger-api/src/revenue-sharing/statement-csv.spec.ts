import { Statement, StatementLine } from '@ledger/ledger';
import { statementCsv } from './statement-csv';

const line = (date: string, kind: string, amount: string, currency: string, source: StatementLine['source']): StatementLine =>
  ({ date, kind, role: kind === 'payout' ? 'payout' : 'inventor', amount, currency, licenseId: 'l1', source, recordedAt: '2026-04-02T08:00:00.000Z' });

const statementOf = (period: { from: string | null; to: string | null }, currencies: Statement['currencies'], lines: StatementLine[]): Statement => ({
  partyId: 'p1', ...period, currencies, version: '8/0/', linesJson: Buffer.from(lines.map((l) => JSON.stringify(l)).join(',')),
});

/** Each row's date, kind, amount and currency, and whether any other column is set (no field here needs quoting). */
const rowsOf = (csv: string) => csv.trim().split('\n').slice(1).map((row) => {
  const [date, kind, role, amount, currency, ...rest] = row.split(',');
  return [date, kind, amount, currency, [role, ...rest].some(Boolean) ? 'more' : ''].join(' ').trim();
});

describe('statement CSV', () => {
  const cny = { currency: 'CNY', opening: '20250.00', earned: '100.00', paidOut: '5000.00', closing: '15350.00' };
  const usd = { currency: 'USD', opening: '0.00', earned: '7.50', paidOut: '0.00', closing: '7.50' };
  const lines = [
    line('2026-01-15', 'payout', '-5000.00', 'CNY', { eventId: 'e1', payoutId: 'po-1', reference: 'PAY-1' }),
    line('2026-03-31', 'royalty', '7.50', 'USD', { eventId: 'e2', reportId: 'r1', period: '2026-Q1' }),
    line('2026-03-31', 'royalty', '100.00', 'CNY', { eventId: 'e3', reportId: 'r2', period: '2026-Q1' }),
  ];

  it('opens each currency with its opening balance dated `from`, and closes it with earned, paid-out and closing dated `to`', () => {
    // Before, only the lines: with `from` set the opening balance (20,250.00 here) was nowhere in the CSV.
    expect(rowsOf(statementCsv(statementOf({ from: '2026-01-01', to: '2026-12-31' }, [cny, usd], lines)))).toEqual([
      '2026-01-01 opening 20250.00 CNY',
      '2026-01-01 opening 0.00 USD',
      '2026-01-15 payout -5000.00 CNY more',
      '2026-03-31 royalty 7.50 USD more',
      '2026-03-31 royalty 100.00 CNY more',
      '2026-12-31 earned 100.00 CNY', '2026-12-31 paid-out 5000.00 CNY', '2026-12-31 closing 15350.00 CNY',
      '2026-12-31 earned 7.50 USD', '2026-12-31 paid-out 0.00 USD', '2026-12-31 closing 7.50 USD',
    ]);
  });

  it('leaves the opening undated without `from`, and dates the closing by the last line without `to`', () => {
    const open = { currency: 'CNY', opening: '0.00', earned: '100.00', paidOut: '5000.00', closing: '-4900.00' };
    const csv = statementCsv(statementOf({ from: null, to: null }, [open], [lines[0], lines[2]]));
    expect(rowsOf(csv)).toEqual([
      'opening 0.00 CNY', '2026-01-15 payout -5000.00 CNY more', '2026-03-31 royalty 100.00 CNY more',
      '2026-03-31 earned 100.00 CNY', '2026-03-31 paid-out 5000.00 CNY', '2026-03-31 closing -4900.00 CNY',
    ]);
  });

  it('dates the closing by `from` when the period has no lines and no `to`: the balance brought forward, unchanged', () => {
    const carried = { currency: 'CNY', opening: '15350.00', earned: '0.00', paidOut: '0.00', closing: '15350.00' };
    expect(rowsOf(statementCsv(statementOf({ from: '2027-01-01', to: null }, [carried], [])))).toEqual([
      '2027-01-01 opening 15350.00 CNY', '2027-01-01 earned 0.00 CNY', '2027-01-01 paid-out 0.00 CNY', '2027-01-01 closing 15350.00 CNY',
    ]);
  });

  it('keeps one table: the header, and every row with its columns, the lines\' source flattened', () => {
    const [header, , payout] = statementCsv(statementOf({ from: '2026-01-01', to: null }, [cny], [lines[0]])).trim().split('\n');
    expect(header).toBe('date,kind,role,amount,currency,licenseId,dealId,allocationId,sourceEventId,reportId,period,milestone,policyVersion,year,payoutId,reference,recordedAt,liquidityId');
    expect(payout).toBe('2026-01-15,payout,payout,-5000.00,CNY,l1,,,e1,,,,,,po-1,PAY-1,2026-04-02T08:00:00.000Z,');
    expect(statementCsv(statementOf({ from: null, to: null }, [], [])).trim()).toBe(header);
  });

  it("keeps a payout reference from being read as a formula: one starting with = + - @ gets a leading apostrophe", () => {
    const refs = ['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', 'PAY-1'];
    const csv = statementCsv(statementOf({ from: null, to: null }, [], refs.map((reference) => line('2026-01-15', 'payout', '-1.00', 'CNY', { eventId: 'e', reference }))));
    expect(csv).toContain(`'=HYPERLINK(""http://x"")`);
    expect(['+1', '-2', '@SUM(A1)'].map((r) => csv.includes(`,'${r},`))).toEqual([true, true, true]);
    expect(csv).toContain(',PAY-1,');
  });
});
