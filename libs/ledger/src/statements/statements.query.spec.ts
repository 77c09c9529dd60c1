import { Big, formatAmount } from '@ledger/domain';
import { createTestDatabase, describePostgres } from '@ledger/event-store/testing/postgres-test-db';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresReadModelDb } from '../read-model/postgres-read-model-db';
import { ReadModelDb } from '../read-model/read-model-db';
import { SqliteReadModelDb } from '../read-model/sqlite-read-model-db';
import { STATEMENT_LINES_SCHEMA, effectUnits } from './statement-lines';
import { CHECKPOINT_SCHEMA, saveCheckpoint } from '../projections/checkpoints';
import { StatementsQuery, statementLines } from './statements.query';

interface Row { party: string; date: string; position: string; lineNo: number; currency: string; effect: string; kind: string; recordedAt: string }

const PARTY = 'p-1';
const day = (n: number) => `2025-${String(1 + Math.floor(n / 28)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
const rowsOf = (maxCents: bigint) => fc.record({
  party: fc.constantFrom(PARTY, PARTY, PARTY, 'p-2'),
  date: fc.integer({ min: 0, max: 335 }).map(day),
  position: fc.integer({ min: 0, max: 10_000 }).map((p) => String(p).padStart(40, '0')),
  lineNo: fc.integer({ min: 0, max: 5 }),
  currency: fc.constantFrom('EUR', 'USD', 'JPY'),
  cents: fc.bigInt({ min: -maxCents, max: maxCents }),
  // One line in five with three more decimals than its currency has: JPY's still fit in ten-thousandths,
  // EUR's and USD's (five decimals) are summed from their text.
  finer: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  kind: fc.constantFrom('sales', 'minimum', 'payout'),
  recordedAt: fc.integer({ min: 0, max: 9 }).map((m) => `2026-0${m}-15T00:00:00.000Z`.replace('-00-', '-10-')),
}).map(({ cents, finer, ...r }): Row => ({
  ...r, effect: formatAmount(new Big(cents.toString()).div((r.currency === 'JPY' ? 1 : 100) * (finer ? 1000 : 1)), r.currency),
}));
const rowArb = rowsOf(10n ** 13n); // past a 32-bit integer of units
/** In yen, each line's units within 64 bits, and their sum (ten lines or more) past them: SQLite's sum() had failed, a 500. */
const hugeRowArb = rowsOf(9n * 10n ** 14n);
const requestArb = fc.record({
  from: fc.option(fc.integer({ min: 0, max: 335 }).map(day), { nil: undefined }),
  to: fc.option(fc.integer({ min: 0, max: 335 }).map(day), { nil: undefined }),
  asOf: fc.option(fc.constantFrom('2026-03-15T00:00:00.000Z', '2026-07-01T00:00:00.000Z'), { nil: undefined }),
});

/**
 * The statement computed the plain way: every row in JS, in order, summed with big.js; only rows at or
 * before the journal's checkpoint count (what a page committed after it was read wrote is not shown).
 */
function expected(rows: Row[], r: { from?: string; to?: string; asOf?: string }, checkpoint: number) {
  const mine = rows
    .filter((x) => x.party === PARTY && BigInt(x.position) <= BigInt(checkpoint) && (!r.asOf || x.recordedAt <= r.asOf) && (!r.to || x.date <= r.to))
    .sort((a, b) => a.date.localeCompare(b.date) || a.position.localeCompare(b.position) || a.lineNo - b.lineNo);
  const totals = new Map<string, { opening: Big; earned: Big; paidOut: Big }>();
  const lines: string[] = [];
  for (const x of mine) {
    const t = totals.get(x.currency) ?? { opening: new Big(0), earned: new Big(0), paidOut: new Big(0) };
    totals.set(x.currency, t);
    if (r.from && x.date < r.from) t.opening = t.opening.plus(x.effect);
    else {
      if (x.kind === 'payout') t.paidOut = t.paidOut.minus(x.effect);
      else t.earned = t.earned.plus(x.effect);
      lines.push(`${x.date}/${x.position}/${x.lineNo}`);
    }
  }
  const currencies = [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({
    currency, opening: formatAmount(t.opening, currency), earned: formatAmount(t.earned, currency),
    paidOut: formatAmount(t.paidOut, currency), closing: formatAmount(t.opening.plus(t.earned).minus(t.paidOut), currency),
  }));
  return { currencies, lines };
}

function statementQuerySuite(name: string, open: () => Promise<{ db: ReadModelDb; remove(): Promise<void> }>) {
  describe(`statements query on ${name}`, () => {
    let db: ReadModelDb;
    let remove: () => Promise<void>;
    beforeAll(async () => {
      ({ db, remove } = await open());
      for (const ddl of STATEMENT_LINES_SCHEMA) await db.execute(ddl[db.dialect]);
      await db.execute(CHECKPOINT_SCHEMA);
    });
    afterAll(async () => {
      await db.close();
      await remove();
    });

    const sumsAndOrders = (rows: fc.Arbitrary<Row>) =>
      fc.assert(
        fc.asyncProperty(fc.uniqueArray(rows, { selector: (r) => `${r.party}/${r.date}/${r.position}/${r.lineNo}`, maxLength: 60 }), requestArb, fc.integer({ min: 0, max: 10_000 }), async (rows, request, checkpoint) => {
          await db.transaction(async (tx) => {
            await tx.execute('DELETE FROM statement_lines');
            await saveCheckpoint(tx, 'journal', BigInt(checkpoint));
            for (const x of rows) {
              // The rendered line carries its own key, so the order of the response can be checked.
              const line = JSON.stringify({ key: `${x.date}/${x.position}/${x.lineNo}`, amount: x.effect });
              await tx.execute(
                `INSERT INTO statement_lines (party_id, business_date, position, line_no, currency, effect, effect_units, kind, recorded_at, line)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
                [x.party, x.date, x.position, x.lineNo, x.currency, x.effect, effectUnits(new Big(x.effect)), x.kind, x.recordedAt, line],
              );
            }
          });
          const statement = await new StatementsQuery(db).statement(PARTY, request);
          const want = expected(rows, request, checkpoint);
          expect(statement.currencies).toEqual(want.currencies);
          expect(statementLines(statement).map((l) => (l as unknown as { key: string }).key)).toEqual(want.lines);
        }),
        { numRuns: 60, seed: 20261129 },
      );

    it('sums exactly and keeps statement order for any lines, period and as-of instant (the database joins and groups)', () => sumsAndOrders(rowArb));

    it('totals a party paid in one currency in one pass, exactly as well', () => sumsAndOrders(rowArb.map((r) => ({ ...r, currency: 'USD' }))));

    it('sums lines whose units add up past a 64-bit integer, exactly', () => sumsAndOrders(hugeRowArb.map((r) => ({ ...r, currency: 'JPY', kind: 'royalty', effect: r.effect.replace('-', '') }))));

    it('finds the payable balance of lines adding up past a 64-bit integer, exactly', async () => {
      const units = 9n * 10n ** 18n; // 900 trillion yen a line, 2^63 − 1 is 9.22 × 10^18
      await db.transaction(async (tx) => {
        await tx.execute('DELETE FROM statement_lines');
        for (const n of [1, 2, 3]) {
          await tx.execute(`INSERT INTO statement_lines (party_id, business_date, position, line_no, currency, effect, effect_units, kind, recorded_at, line)
            VALUES ($1, '2025-03-01', $2, 0, 'JPY', $3, $4, 'royalty', '2026-01-01T00:00:00.000Z', '{}')`,
          [PARTY, String(n).padStart(40, '0'), (units / 10_000n).toString(), units.toString()]);
        }
      });
      expect((await new StatementsQuery(db).payableBalance(PARTY, 'JPY', '2025-12-31')).toFixed()).toBe('2700000000000000');
    });

    it('shows nothing before the journal has a checkpoint', async () => {
      await db.execute('DELETE FROM projection_checkpoints');
      await db.execute(`INSERT INTO statement_lines (party_id, business_date, position, line_no, currency, effect, kind, recorded_at, line)
        VALUES ($1, '2025-03-01', $2, 0, 'EUR', '1.00', 'royalty', '2026-01-01T00:00:00.000Z', '{}')`, [PARTY, '0'.padStart(40, '0')]);
      const statement = await new StatementsQuery(db).statement(PARTY, {});
      expect(statement.currencies).toEqual([]);
      expect(statementLines(statement)).toEqual([]);
    });

    it('keeps its version while its lines stay the same, and changes it when a line is added to them', async () => {
      // As the journal projection writes: the line and its checkpoint in one transaction.
      const insert = (date: string, position: number, effect: string) => db.transaction(async (tx) => {
        await tx.execute(
          `INSERT INTO statement_lines (party_id, business_date, position, line_no, currency, effect, kind, recorded_at, line)
           VALUES ($1, $2, $3, 0, 'EUR', $4, 'royalty', '2026-01-01T00:00:00.000Z', '{}')`, [PARTY, date, String(position).padStart(40, '0'), effect]);
        await saveCheckpoint(tx, 'journal', BigInt(position));
      });
      await db.execute('DELETE FROM statement_lines');
      await insert('2025-03-01', 1, '10.00');
      const query = new StatementsQuery(db);
      const period = { from: '2025-02-01', to: '2025-06-30' };
      const first = await query.statement(PARTY, period);
      expect((await query.statement(PARTY, period)).version).toBe(first.version);
      await insert('2025-09-01', 2, '5.00'); // after the period: not part of this statement
      expect((await query.statement(PARTY, period)).version).toBe(first.version);
      await insert('2025-01-01', 3, '1.00'); // before it: moves the opening balance
      const second = await query.statement(PARTY, period);
      expect(second.version).not.toBe(first.version);
      await insert('2025-03-01', 4, '-10.00'); // inside it, summing to what was there
      expect((await query.statement(PARTY, period)).version).not.toBe(second.version);
    });
  });
}

statementQuerySuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-statements-'));
  return { db: new SqliteReadModelDb(join(dir, 'read-models.sqlite')), remove: async () => rmSync(dir, { recursive: true, force: true }) };
});

describePostgres('statements query with PostgreSQL', () => {
  statementQuerySuite('postgres', async () => {
    const database = await createTestDatabase('statements');
    if (!database) throw new Error('PostgreSQL is unreachable');
    return { db: new PostgresReadModelDb(database.url), remove: () => database.drop() };
  });
});

describe('effect in units', () => {
  it('is the amount in ten-thousandths whatever the currency, or null when finer than those or past 64 bits', () => {
    expect(effectUnits(new Big('12.34'))).toBe('123400');
    expect(effectUnits(new Big('-0.05'))).toBe('-500');
    expect(effectUnits(new Big('-1200'))).toBe('-12000000');
    expect(effectUnits(new Big('12.345'))).toBe('123450');
    expect(effectUnits(new Big('0.0001'))).toBe('1');
    expect(effectUnits(new Big('0.00005'))).toBeNull();
    expect(effectUnits(new Big('922337203685477.5807'))).toBe('9223372036854775807');
    expect(effectUnits(new Big('922337203685477.5808'))).toBeNull(); // past BIGINT
  });
});
