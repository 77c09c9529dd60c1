import { InvalidDecimal } from '../../money/decimal';
import { LicenseCommand } from './commands';
import { licenseSummary } from './summary';
import { assessments, given, grant, history, line, refusal, stateOf, submit } from './license.test-kit';

const granted = history(grant());
const close = (year: number, today = '2026-01-05'): LicenseCommand => ({ type: 'CloseRoyaltyYear', data: { year, assessmentId: `a-${year}`, today } });
const q1 = submit('r-q1', '2025-Q1', [line('520000.00', '40000.00')]);

describe('SubmitSalesReport', () => {
  it('refuses a period before the year 1000, and goes on deciding for a license that holds one recorded before that rule', () => {
    const early = history(grant({ effectiveOn: '1100-01-01' }), submit('r0', '1201-Q1', [line('100.00')]));
    expect(refusal(given(early).when(submit('r1', '0201-Q2', [line('100.00')])))).toMatchObject({ code: 'invalid-period', field: 'period' });
    // As a ledger recorded it before: a period 0201-Q1 on a license from 0100. Folding it threw, so every command on the license was a 500.
    const recorded = JSON.parse(JSON.stringify(early).replace(/1201-/g, '0201-').replace('1100-01-01', '0100-01-01')) as typeof early;
    expect(given(recorded).when(submit('r2', '2025-Q1', [line('100.00')]))()).toHaveLength(2);
  });

  it('refuses sublicense income finer than the currency\'s minor unit, as every other reported amount', () => {
    expect(refusal(given(granted).when(submit('r1', '2025-Q1', [line('100.00')], { sublicenseIncome: '5000.005' })))).toMatchObject({ field: 'sublicenseIncome' });
    expect(refusal(given(granted).when(submit('r1', '2025-Q1', [line('100.00')], { sublicenseIncome: '5000.005' })))).toBeInstanceOf(InvalidDecimal);
  });

  it('converts a line in another currency at its fxRate, exactly, and rounds only the royalty', () => {
    const report = submit('r1', '2025-03', [
      line('1000.05', '0.05', { territory: 'US', currency: 'USD', fxRate: '7.1234' }),
      line('100.00', '0.00', { currency: 'CNY' }),
    ]);
    const [submitted, assessed] = given(granted).when(report)();
    expect(submitted.data).toMatchObject({ netSales: '7223.40', units: '20' });
    expect(assessed.data).toMatchObject({ amount: '216.70', tiers: [{ upTo: '1000000.00', ratePercent: '3', base: '7223.40', amount: '216.702' }] });
  });

  it('adds per-unit and sublicense royalties, and records a discrepancy with the reported royalty', () => {
    const royalty = { tiers: [{ ratePercent: '2' }], tierBasis: 'calendar-year' as const, perUnit: '0.125', sublicenseSharePercent: '25' };
    const report = submit('r1', '2025-Q1', [line('1000.00', '0.00', { units: '3' })], { sublicenseIncome: '100.00', royaltyReported: '40.00' });
    const events = history(grant({ royalty }), report);
    expect(assessments(events)[0]).toMatchObject({
      kind: 'royalty', amount: '45.38', perUnitAmount: '0.375', sublicenseAmount: '25.00', royaltyReported: '40.00', discrepancy: '-5.38',
    });
    expect(licenseSummary(stateOf(events)).discrepancies).toEqual([
      { reportId: 'r1', period: '2025-Q1', royaltyReported: '40.00', royaltyAssessed: '45.38', difference: '-5.38' },
    ]);
  });

  it('rounds once per assessment, half-even when the license says so', () => {
    const royalty = { tiers: [{ ratePercent: '3' }], tierBasis: 'calendar-year' as const };
    const report = submit('r1', '2025-Q1', [line('1150', '0')]); // 34.5 yen
    expect(assessments(history(grant({ currency: 'JPY', royalty }), report))[0].amount).toBe('35');
    expect(assessments(history(grant({ currency: 'JPY', royalty, rounding: 'half-even' }), report))[0].amount).toBe('34');
  });

  describe('amounts the ledger could not read back once recorded (each line within bounds, their sum or royalty not)', () => {
    const big = '99999999999999999999.99'; // 20 digits before the point: the most one amount may have
    const royalty = { tiers: [{ ratePercent: '100' }], tierBasis: 'calendar-year' as const };

    it('refuses a report whose net sales sum past 20 digits, naming its lines, and appends nothing', () => {
      const refused = refusal(given(history(grant({ royalty }))).when(submit('r1', '2025-Q1', [line(big), line(big), line(big)])));
      expect(refused).toMatchObject({ code: 'amount-out-of-range', kind: 'rule', field: 'lines' });
      expect(refused.message).toContain("the report's net sales, 299999999999999999999.97 CNY, would have more than 20 digits before the decimal point");
    });

    it('refuses a royalty past 20 digits: units times a per-unit rate', () => {
      const perUnit = { ...royalty, perUnit: '10' };
      const refused = refusal(given(history(grant({ royalty: perUnit }))).when(submit('r1', '2025-Q1', [line('1.00', '0.00', { units: '99999999999999999999' })])));
      expect(refused).toMatchObject({ code: 'amount-out-of-range', field: 'lines' });
      expect(refused.message).toContain('the royalty of 2025-Q1, 999999999999999999991.00 CNY,');
    });

    it('takes the largest amount that is recorded, and refuses a restatement past it', () => {
      const events = history(grant({ royalty }), submit('r1', '2025-Q1', [line(big)]));
      expect(assessments(events)[0].amount).toBe(big);
      const restate: LicenseCommand = { type: 'RestateSalesReport', data: { reportId: 'r1', lines: [line(big), line('0.01')], assessmentIds: ['a-1'], today: '2026-01-05' } } as LicenseCommand;
      expect(refusal(given(events).when(restate))).toMatchObject({ code: 'amount-out-of-range', field: 'lines' });
    });
  });

  describe('a late report for an earlier period (accepted; later reports are re-assessed)', () => {
    const q2First = submit('r-q2', '2025-Q2', [line('700000.00')]);

    it('assesses the late report in period order and adjusts the later report it moved across a tier', () => {
      const events = given(history(grant(), q2First)).when({ ...q1, data: { ...q1.data, assessmentIds: ['a-late-1'] } })();
      expect(assessments(history(grant(), q2First))[1]).toMatchObject({ reportId: 'r-q2', amount: '21000.00' });
      expect(events.map((e) => e.type)).toEqual(['SalesReportSubmitted', 'RoyaltyAssessed', 'RoyaltyAssessed']);
      expect(events[1].data).toMatchObject({ assessmentId: 'a-r-q1', kind: 'royalty', reportId: 'r-q1', amount: '14400.00' });
      expect(events[2].data).toEqual({
        assessmentId: 'a-late-1', kind: 'adjustment', reportId: 'r-q2', period: '2025-Q2', date: '2025-06-30', amount: '1800.00',
        currency: 'CNY', previous: '21000.00', restated: '22800.00', cause: { kind: 'late-report', reportId: 'r-q1' },
        allocations: [{ partyId: 'u', amount: '1080.00' }, { partyId: 'c', amount: '720.00' }],
      });
    });

    it('derives further assessment ids from assessmentId when no pool is given, and keeps the window in period order', () => {
      const events = history(grant(), q2First, q1);
      expect(assessments(events).map((a) => a.assessmentId)).toEqual(['a-upfront', 'a-r-q2', 'a-r-q1', 'a-r-q1-1']);
      const state = stateOf(events);
      if (!state.granted) throw new Error('not granted');
      expect(state.windows['2025']).toEqual(['r-q1', 'r-q2']);
      expect(state.reports['r-q2'].royalty).toBe('22800.00');
    });

    it('takes a period nobody reported into a closed year, and corrects its shortfall', () => {
      // Q1 14,400.00, closed with a shortfall of 35,600.00; Q4 reported after: 5,000,000.00 on 480,000.00
      // is 520,000 × 3 % + 4,480,000 × 4 % = 194,800.00, and the year's 209,200.00 owes no minimum
      const closed = history(grant(), q1, close(2025));
      const q4 = submit('r-q4', '2025-Q4', [line('5000000.00')], { today: '2026-01-20' });
      const events = given(closed).when(q4)();
      expect(events.map((e) => e.type === 'RoyaltyAssessed' ? [e.data.kind, e.data.amount] : e.type)).toEqual([
        'SalesReportSubmitted', ['royalty', '194800.00'], ['shortfall-adjustment', '-35600.00'],
      ]);
      expect(events[2].data).toMatchObject({ year: 2025, previous: '35600.00', restated: '0.00' });
    });

    it('emits no adjustment when the late report moves no royalty (a new year window)', () => {
      const events = given(history(grant(), submit('r-26', '2026-01', [line('10.00')], { today: '2026-03-01' }))).when(q1)();
      expect(events.map((e) => e.type)).toEqual(['SalesReportSubmitted', 'RoyaltyAssessed']);
    });
  });

  describe('refuses', () => {
    it('a report on a license that was never granted (404)', () => {
      expect(refusal(given([]).when(q1))).toMatchObject({ code: 'license-not-found', kind: 'not-found' });
    });

    it('a period that starts after the termination date', () => {
      const terminated = history(grant(), { type: 'TerminateLicense', data: { effectiveOn: '2025-05-15', reason: 'breach' } });
      const error = refusal(given(terminated).when(submit('r', '2025-06', [line('1.00')])));
      expect(error).toMatchObject({ code: 'license-terminated', kind: 'rule', field: 'period' });
      expect(given(terminated).when(submit('r', '2025-05', [line('1.00')]))()[0].type).toBe('SalesReportSubmitted');
    });

    it('a period that has not ended yet (its last day is not before today)', () => {
      const error = refusal(given(granted).when(submit('r', '2025-Q1', [line('1.00')], { today: '2025-03-31' })));
      expect(error).toMatchObject({ code: 'period-not-ended', kind: 'rule', field: 'period' });
      expect(given(granted).when(submit('r', '2025-Q1', [line('1.00')], { today: '2025-04-01' }))()).toHaveLength(2);
    });

    it('a period the term ends within only until the term has ended: reported from the day after the termination or expiry', () => {
      // Before, 2025-Q2 of a license terminated on 2025-05-15 waited for 2025-07-01, the quarter's calendar end.
      const terminated = history(grant(), { type: 'TerminateLicense', data: { effectiveOn: '2025-05-15', reason: 'breach' } });
      expect(refusal(given(terminated).when(submit('r', '2025-Q2', [line('1.00')], { today: '2025-05-15' })))).toMatchObject({
        code: 'period-not-ended', field: 'period', message: 'the license term ends on 2025-05-15, within 2025-Q2: it can be reported from 2025-05-16',
      });
      expect(given(terminated).when(submit('r', '2025-Q2', [line('1.00')], { today: '2025-05-16' }))()[0].type).toBe('SalesReportSubmitted');
      const expiring = history(grant({ expiresOn: '2025-08-15' }));
      expect(refusal(given(expiring).when(submit('r', '2025-Q3', [line('1.00')], { today: '2025-08-15' })))).toMatchObject({ code: 'period-not-ended' });
      expect(given(expiring).when(submit('r', '2025-Q3', [line('1.00')], { today: '2025-08-16' }))()[0].type).toBe('SalesReportSubmitted');
      // A period after the term is outside it, whatever day it is (it once promised a day that then refused it too).
      expect(refusal(given(expiring).when(submit('r', '2025-Q4', [line('1.00')], { today: '2025-08-16' })))).toMatchObject({ code: 'period-outside-term' });
    });

    it('a period outside the license term', () => {
      expect(refusal(given(granted).when(submit('r', '2024-Q4', [line('1.00')])))).toMatchObject({ code: 'period-outside-term', field: 'period' });
      const late = submit('r', '2035-01', [line('1.00')], { today: '2035-03-01' });
      expect(refusal(given(granted).when(late))).toMatchObject({ code: 'period-outside-term', field: 'period' });
    });

    it('a malformed period', () => {
      expect(refusal(given(granted).when(submit('r', '2025-Q5', [line('1.00')])))).toMatchObject({ code: 'invalid-period', field: 'period' });
    });

    it('a second report for the same period, a month inside a reported quarter, or a quarter holding a reported month (409)', () => {
      const reported = history(grant(), q1);
      const same = refusal(given(reported).when(submit('r2', '2025-Q1', [line('1.00')])));
      expect(same).toMatchObject({ code: 'period-already-reported', kind: 'conflict', field: 'period' });
      expect(refusal(given(reported).when(submit('r2', '2025-02', [line('1.00')])))).toMatchObject({ code: 'period-already-reported' });
      const monthly = history(grant(), submit('m5', '2025-05', [line('1.00')]));
      expect(refusal(given(monthly).when(submit('r2', '2025-Q2', [line('1.00')])))).toMatchObject({ code: 'period-already-reported', kind: 'conflict' });
      expect(given(monthly).when(submit('r2', '2025-04', [line('1.00')]))()).toHaveLength(2);
    });

    it('a report id that already exists (409)', () => {
      expect(refusal(given(history(grant(), q1)).when(submit('r-q1', '2025-Q2', [line('1.00')])))).toMatchObject({ code: 'report-exists', kind: 'conflict' });
    });

    it('a territory that is not licensed, or not a territory code', () => {
      const lines = [line('1.00'), line('1.00', '0.00', { territory: 'JP' })];
      expect(refusal(given(granted).when(submit('r', '2025-Q1', lines)))).toMatchObject({ code: 'territory-not-licensed', field: 'lines[1].territory' });
      const lower = [line('1.00', '0.00', { territory: 'cn' })];
      expect(refusal(given(granted).when(submit('r', '2025-Q1', lower)))).toMatchObject({ code: 'invalid-territory', field: 'lines[0].territory' });
    });

    it('deductions larger than gross sales', () => {
      const lines = [line('10.00'), line('10.00', '10.01')];
      expect(refusal(given(granted).when(submit('r', '2025-Q1', lines)))).toMatchObject({ code: 'deductions-exceed-gross', field: 'lines[1].deductions' });
    });

    it('a line in another currency without a positive fxRate', () => {
      const missing = [line('10.00', '0.00', { currency: 'USD' })];
      expect(refusal(given(granted).when(submit('r', '2025-Q1', missing)))).toMatchObject({ code: 'fx-rate-required', field: 'lines[0].fxRate' });
      const zero = [line('10.00', '0.00', { currency: 'USD', fxRate: '0' })];
      expect(refusal(given(granted).when(submit('r', '2025-Q1', zero)))).toMatchObject({ code: 'fx-rate-required', field: 'lines[0].fxRate' });
      const unknown = [line('10.00', '0.00', { currency: 'XYZ', fxRate: '1' })];
      expect(refusal(given(granted).when(submit('r', '2025-Q1', unknown)))).toMatchObject({ code: 'unknown-currency', field: 'lines[0].currency' });
    });

    it('a rate other than 1 on a line in the license currency, which would be ignored', () => {
      const rated = [line('10.00', '0.00', { fxRate: '7' })];
      expect(refusal(given(granted).when(submit('r', '2025-Q1', rated)))).toMatchObject({ code: 'fx-rate-not-applicable', field: 'lines[0].fxRate' });
      const same = [line('10.00', '0.00', { currency: 'CNY', fxRate: '7' })];
      expect(refusal(given(granted).when(submit('r', '2025-Q1', same)))).toMatchObject({ code: 'fx-rate-not-applicable', field: 'lines[0].fxRate' });
      expect(given(granted).when(submit('r', '2025-Q1', [line('10.00', '0.00', { fxRate: '1.00' })]))()[0].type).toBe('SalesReportSubmitted');
    });

    it('negative or malformed amounts and units, naming the field', () => {
      const units = refusal(given(granted).when(submit('r', '2025-Q1', [line('10.00', '0.00', { units: '-1' })])));
      expect(units).toBeInstanceOf(InvalidDecimal);
      expect(units).toMatchObject({ field: 'lines[0].units' });
      expect(refusal(given(granted).when(submit('r', '2025-Q1', [line('-10.00')])))).toMatchObject({ field: 'lines[0].grossSales' });
      expect(refusal(given(granted).when(submit('r', '2025-Q1', [line('10.001')])))).toMatchObject({ field: 'lines[0].grossSales' });
      const sub = refusal(given(granted).when(submit('r', '2025-Q1', [line('1.00')], { sublicenseIncome: '-5' })));
      expect(sub).toMatchObject({ field: 'sublicenseIncome' });
      const reported = refusal(given(granted).when(submit('r', '2025-Q1', [line('1.00')], { royaltyReported: '0.001' })));
      expect(reported).toMatchObject({ field: 'royaltyReported' });
    });

    it('a report without lines', () => {
      expect(refusal(given(granted).when(submit('r', '2025-Q1', [])))).toMatchObject({ code: 'lines-empty', kind: 'rule', field: 'lines' });
    });
  });
});
