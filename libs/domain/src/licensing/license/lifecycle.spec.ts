import { InvalidDecimal } from '../../money/decimal';
import { AchieveMilestone, CloseRoyaltyYear, RecordPayment, TerminateLicense } from './commands';
import { licenseStatusOn } from './state';
import { licenseSummary } from './summary';
import { assessments, given, grant, history, line, refusal, stateOf, submit } from './license.test-kit';

const granted = history(grant());
const achieve = (code: string, achievedOn = '2026-06-01', today = '2030-01-01'): AchieveMilestone =>
  ({ type: 'AchieveMilestone', data: { code, achievedOn, assessmentId: 'a-m', today } });
const close = (year: number, today = '2026-01-05'): CloseRoyaltyYear => ({ type: 'CloseRoyaltyYear', data: { year, assessmentId: `a-${year}`, today } });
const pay = (data: Partial<RecordPayment['data']> = {}): RecordPayment => ({
  type: 'RecordPayment', data: { paymentId: 'pay-1', amount: '60000.00', currency: 'CNY', receivedOn: '2025-02-01', reference: 'wire 42', today: '2025-03-01', ...data },
});
const terminate = (effectiveOn = '2026-06-30', reason = 'licensee breach'): TerminateLicense => ({ type: 'TerminateLicense', data: { effectiveOn, reason } });

describe('AchieveMilestone', () => {
  it('assesses the milestone amount on its achievement date', () => {
    expect(given(granted).when(achieve('FDA'))()).toEqual([
      { type: 'MilestoneAchieved', data: { code: 'FDA', achievedOn: '2026-06-01', amount: '250000.00' } },
      {
        type: 'RoyaltyAssessed',
        data: {
          assessmentId: 'a-m', kind: 'milestone', milestone: 'FDA', date: '2026-06-01', amount: '250000.00', currency: 'CNY',
          allocations: [{ partyId: 'u', amount: '150000.00' }, { partyId: 'c', amount: '100000.00' }],
        },
      },
    ]);
  });

  it('refuses an unknown milestone (404)', () => {
    expect(refusal(given(granted).when(achieve('CE')))).toMatchObject({ code: 'milestone-not-found', kind: 'not-found', field: 'code' });
  });

  it('refuses a milestone achieved twice (409)', () => {
    expect(refusal(given(history(grant(), achieve('FDA'))).when(achieve('FDA', '2026-07-01')))).toMatchObject({
      code: 'milestone-already-achieved', kind: 'conflict',
    });
  });

  it('refuses an achievement outside the term, or after a termination', () => {
    expect(refusal(given(granted).when(achieve('FDA', '2024-12-31')))).toMatchObject({ code: 'outside-term', kind: 'rule', field: 'achievedOn' });
    expect(refusal(given(granted).when(achieve('FDA', '2035-01-01', '2036-01-01')))).toMatchObject({ code: 'outside-term' });
    expect(refusal(given(history(grant(), terminate())).when(achieve('FDA', '2026-07-01')))).toMatchObject({ code: 'outside-term' });
  });

  it('refuses an achievement dated after today: it would be billed before it happened', () => {
    expect(refusal(given(granted).when(achieve('FDA', '2026-06-01', '2026-05-31')))).toMatchObject({ code: 'date-in-future', kind: 'rule', field: 'achievedOn' });
    expect(given(granted).when(achieve('FDA', '2026-06-01', '2026-06-01'))()[0].type).toBe('MilestoneAchieved');
  });
});

describe('CloseRoyaltyYear', () => {
  const capped = { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year' as const, minimumAnnual: '100.00', lifetimeCap: '150.00' };
  const cappedStream = () => history(
    grant({ royalty: capped }), submit('r1', '2025-Q1', [line('1500.00')]), close(2025), submit('r2', '2026-Q1', [line('100.00')], { today: '2026-04-02' }),
  );

  it('charges no minimum past a cap: a licensee that reached its lifetime cap owes nothing more', () => {
    // 2025 reaches the lifetime cap of 150.00; 2026's 10.00 of royalty is not charged, and neither is a shortfall (it was 90.00).
    const stream = cappedStream();
    expect(assessments(stream).map((a) => a.amount)).toEqual(['150.00', '0.00']);
    expect(given(stream).when(close(2026, '2027-01-02'))()).toEqual([{
      type: 'RoyaltyYearClosed',
      data: {
        year: 2026, runningRoyalties: '10.00', minimumAnnual: '100.00', shortfall: '0.00', closedOn: '2027-01-02', withinCaps: true, countsTowardLifetimeCap: true,
      },
    }]);
  });

  it('keeps a year closed before caps bounded shortfalls as it was closed, through later restatements', () => {
    // As the ledger recorded it before the rule: 2026's shortfall of 90.00, over the lifetime cap.
    const legacy = [...cappedStream(),
      { type: 'RoyaltyYearClosed', data: { year: 2026, runningRoyalties: '10.00', minimumAnnual: '100.00', shortfall: '90.00', closedOn: '2027-01-02' } },
      { type: 'RoyaltyAssessed', data: { assessmentId: 'a-2026', kind: 'shortfall', year: 2026, date: '2026-12-31', amount: '90.00', currency: 'CNY',
        allocations: [{ partyId: 'u', amount: '54.00' }, { partyId: 'c', amount: '36.00' }] } },
    ] as ReturnType<typeof history>;
    const restated = given(legacy).when({ type: 'RestateSalesReport', data: { reportId: 'r1', lines: [line('1500.00')], assessmentIds: ['x', 'y'], today: '2027-02-01' } })();
    expect(restated.filter((e) => e.type === 'RoyaltyAssessed' && e.data.kind === 'shortfall-adjustment')).toEqual([]);
  });

  it('refuses a cap below the minimum at grant: no year could be charged its minimum', () => {
    const royalty = { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year' as const, minimumAnnual: '100.00', annualCap: '50.00' };
    expect(refusal(given([]).when(grant({ royalty })))).toMatchObject({ code: 'invalid-royalty-terms', field: 'royalty.annualCap' });
  });

  it('assesses no shortfall when the running royalties reach the minimum (sublicense share does not count)', () => {
    const royalty = { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year' as const, minimumAnnual: '100.00', sublicenseSharePercent: '50' };
    const stream = history(grant({ royalty }), submit('r1', '2025-Q1', [line('600.00')], { sublicenseIncome: '1000.00' }), submit('r2', '2025-Q3', [line('400.00')]));
    expect(given(stream).when(close(2025))()).toEqual([
      { type: 'RoyaltyYearClosed', data: { year: 2025, runningRoyalties: '100.00', minimumAnnual: '100.00', shortfall: '0.00', closedOn: '2026-01-05' } },
    ]);
  });

  it('counts only the reports of that year on a lifetime tier basis', () => {
    const royalty = { tiers: [{ upTo: '1000.00', ratePercent: '10' }, { ratePercent: '5' }], tierBasis: 'lifetime' as const, minimumAnnual: '200.00' };
    const stream = history(
      grant({ royalty }),
      submit('r1', '2025-Q4', [line('1000.00')]),
      submit('r2', '2026-Q1', [line('1000.00')], { today: '2026-05-01' }),
    );
    const [closed] = given(stream).when(close(2026, '2027-01-02'))();
    expect(closed.data).toMatchObject({ year: 2026, runningRoyalties: '50.00', shortfall: '150.00' });
  });

  it('measures a lifetime-tier year against the minimum as its reports were charged, to the minor unit', () => {
    const royalty = { tiers: [{ ratePercent: '1' }], tierBasis: 'lifetime' as const, minimumAnnual: '1.00' };
    const stream = history(
      grant({ royalty }),
      submit('r1', '2025-Q4', [line('1.50')]), // 0.015 → 0.02
      submit('r2', '2026-Q1', [line('1.50')], { today: '2026-05-01' }), // 0.015 → 0.02, its own, whatever came before
    );
    const [closed] = given(stream).when(close(2026, '2027-01-02'))();
    expect(closed.data).toMatchObject({ year: 2026, runningRoyalties: '0.02', shortfall: '0.98' });
  });

  it('counts a sublicense royalty apart from the running one, each rounded once', () => {
    const royalty = { tiers: [{ ratePercent: '1' }], tierBasis: 'lifetime' as const, sublicenseSharePercent: '1', minimumAnnual: '1.00' };
    const stream = history(
      grant({ royalty }),
      submit('a', '2025-Q4', [line('0.50')], { sublicenseIncome: '0.50' }), // 0.01 + 0.01
      submit('b', '2026-Q1', [line('0.50')], { today: '2026-05-01' }), // 0.01
    );
    const [closed] = given(stream).when(close(2026, '2027-01-02'))();
    // before: 2026 counted 0.00 of running royalty (the sublicense share had moved the rounding): 1.01 in all
    expect(closed.data).toMatchObject({ year: 2026, runningRoyalties: '0.01', shortfall: '0.99' });
  });

  it('records a zero minimum when the license has none', () => {
    const royalty = { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year' as const };
    expect(given(history(grant({ royalty }))).when(close(2025))()).toEqual([
      { type: 'RoyaltyYearClosed', data: { year: 2025, runningRoyalties: '0.00', minimumAnnual: '0.00', shortfall: '0.00', closedOn: '2026-01-05' } },
    ]);
  });

  it('refuses a year that has not ended', () => {
    expect(refusal(given(granted).when(close(2025, '2025-12-31')))).toMatchObject({ code: 'year-not-ended', kind: 'rule', field: 'year' });
  });

  it('closes the year the term ends in from the day after its termination or expiry', () => {
    // Before, a license terminated on 2026-06-30 could not close 2026 until 2027-01-01.
    const terminated = history(grant(), terminate('2026-06-30'));
    expect(refusal(given(terminated).when(close(2026, '2026-06-30')))).toMatchObject({
      code: 'year-not-ended', field: 'year', message: 'the license term ends on 2026-06-30, within 2026: close it from 2026-07-01',
    });
    expect(given(terminated).when(close(2026, '2026-07-01'))()[0]).toMatchObject({ type: 'RoyaltyYearClosed', data: { year: 2026, closedOn: '2026-07-01' } });
    const expiring = history(grant({ expiresOn: '2034-06-30' }));
    expect(refusal(given(expiring).when(close(2034, '2034-06-30')))).toMatchObject({ code: 'year-not-ended' });
    expect(given(expiring).when(close(2034, '2034-07-01'))()[0]).toMatchObject({ type: 'RoyaltyYearClosed', data: { year: 2034 } });
    expect(refusal(given(granted).when(close(2025, '2025-12-31')))).toMatchObject({ message: 'royalty year 2025 has not ended yet: close it from 2026-01-01' });
  });

  describe('business dates when the term ends within a year', () => {
    // Dated on the calendar, a terminated license's final royalties and shortfall, reported and closed
    // from the day after the termination, stood in partners' future: no payout could reach them.
    const dateOf = (events: ReturnType<typeof history>, kind: string) =>
      events.flatMap((e) => (e.type === 'RoyaltyAssessed' && e.data.kind === kind ? [e.data.date] : []));
    const restate = (reportId: string, gross: string, today: string) => ({
      type: 'RestateSalesReport' as const, data: { reportId, lines: [line(gross)], assessmentIds: ['x1', 'x2'], today },
    });
    const terminated = history(grant(), submit('r1', '2026-Q3', [line('100000.00')], { today: '2026-10-05' }), terminate('2026-10-15'));

    it("dates the year's shortfall, and the royalty of the period the term cuts short, on the term's last day", () => {
      const closed = given(terminated).when(close(2026, '2026-10-16'))();
      expect(closed[1]).toMatchObject({ type: 'RoyaltyAssessed', data: { kind: 'shortfall', year: 2026, date: '2026-10-15', amount: '47000.00' } });
      // Q4 reported late, into the closed year: its royalty and the shortfall it takes back share the date.
      const late = given([...terminated, ...closed]).when(submit('r2', '2026-Q4', [line('300000.00')], { today: '2026-10-20' }))();
      expect([dateOf(late, 'royalty'), dateOf(late, 'shortfall-adjustment')]).toEqual([['2026-10-15'], ['2026-10-15']]);
      // A year the term outlasts keeps its own last day.
      expect(given(granted).when(close(2025))()[1]).toMatchObject({ data: { kind: 'shortfall', date: '2025-12-31' } });
    });

    it('keeps the date of what a correction corrects, whatever termination is recorded after it', () => {
      // Closed, then terminated back into the year: the shortfall's correction was dated on the new term end, months before the shortfall.
      const closedFirst = history(grant(), submit('r1', '2026-Q3', [line('100000.00')], { today: '2026-10-05' }), close(2026, '2027-01-05'), terminate('2026-10-15'));
      expect(dateOf(closedFirst, 'shortfall')).toEqual(['2026-12-31']);
      const restated = given(closedFirst).when(restate('r1', '200000.00', '2027-01-10'))();
      expect([dateOf(restated, 'adjustment'), dateOf(restated, 'shortfall-adjustment')]).toEqual([['2026-09-30'], ['2026-12-31']]);
      // A report assessed before the termination keeps its period's last day through its restatements.
      const reportedFirst = history(grant(), submit('r4', '2026-Q4', [line('100000.00')], { today: '2027-01-05' }), terminate('2026-10-15'));
      expect(dateOf(reportedFirst, 'royalty')).toEqual(['2026-12-31']);
      expect(dateOf(given(reportedFirst).when(restate('r4', '150000.00', '2027-01-10'))(), 'adjustment')).toEqual(['2026-12-31']);
      // ...and the year's shortfall is dated no earlier than that royalty, so its corrections never come before what they offset.
      expect(dateOf(given(reportedFirst).when(close(2026, '2027-01-10'))(), 'shortfall')).toEqual(['2026-12-31']);
      // A restatement that leaves the royalty where it was keeps the report's date (the fold dropped it).
      const unchanged = history(grant(), submit('r4', '2026-Q4', [line('100000.00')], { today: '2027-01-05' }),
        restate('r4', '100000.00', '2027-01-06'), terminate('2026-10-15'));
      expect(dateOf(given(unchanged).when(close(2026, '2027-01-10'))(), 'shortfall')).toEqual(['2026-12-31']);
      expect(dateOf(given(unchanged).when(restate('r4', '50000.00', '2027-01-10'))(), 'adjustment')).toEqual(['2026-12-31']);
    });
  });

  it('refuses a year closed twice (409)', () => {
    expect(refusal(given(history(grant(), close(2025))).when(close(2025, '2026-02-01')))).toMatchObject({ code: 'year-already-closed', kind: 'conflict' });
  });

  it('refuses a year outside the term', () => {
    expect(refusal(given(granted).when(close(2024)))).toMatchObject({ code: 'year-outside-term', kind: 'rule', field: 'year' });
    expect(refusal(given(history(grant(), terminate('2025-12-31'))).when(close(2026, '2027-01-02')))).toMatchObject({ code: 'year-outside-term' });
    // Before the year has ended too: it was "not ended yet: close it from 2027-01-01", and refused then as outside the term.
    expect(refusal(given(history(grant(), terminate('2025-08-15'))).when(close(2026, '2026-03-01')))).toMatchObject({ code: 'year-outside-term', field: 'year' });
  });
});

describe('RecordPayment', () => {
  it('records the payment and lowers the balance due', () => {
    const events = given(granted).when(pay({ amount: '60000' }))();
    expect(events).toEqual([
      { type: 'PaymentReceived', data: { paymentId: 'pay-1', amount: '60000.00', currency: 'CNY', receivedOn: '2025-02-01', reference: 'wire 42' } },
    ]);
    expect(licenseSummary(stateOf([...granted, ...events])).totals).toEqual({
      netSales: '0.00', royaltiesAssessed: '100000.00', paymentsReceived: '60000.00', balanceDue: '40000.00',
    });
  });

  it('refuses another currency than the license currency', () => {
    expect(refusal(given(granted).when(pay({ currency: 'USD' })))).toMatchObject({ code: 'currency-mismatch', kind: 'rule', field: 'currency' });
  });

  it('refuses a zero amount, or one finer than the minor unit', () => {
    expect(refusal(given(granted).when(pay({ amount: '0.00' })))).toMatchObject({ code: 'amount-not-positive', field: 'amount' });
    expect(refusal(given(granted).when(pay({ receivedOn: '2025-03-02' })))).toMatchObject({ code: 'date-in-future', kind: 'rule', field: 'receivedOn' });
    expect(refusal(given(granted).when(pay({ amount: '1.005' })))).toBeInstanceOf(InvalidDecimal);
  });

  it('refuses a blank reference, as a blank termination reason', () => {
    expect(refusal(given(granted).when(pay({ reference: '   ' })))).toMatchObject({ code: 'required', kind: 'rule', field: 'reference' });
  });

  it('refuses the same payment twice (409), and a license never granted (404)', () => {
    expect(refusal(given(history(grant(), pay())).when(pay()))).toMatchObject({ code: 'payment-exists', kind: 'conflict' });
    expect(refusal(given([]).when(pay()))).toMatchObject({ code: 'license-not-found', kind: 'not-found' });
  });
});

describe('TerminateLicense', () => {
  it('terminates the license', () => {
    const events = given(granted).when(terminate())();
    expect(events).toEqual([{ type: 'LicenseTerminated', data: { effectiveOn: '2026-06-30', reason: 'licensee breach' } }]);
    const state = stateOf([...granted, ...events]);
    expect(licenseSummary(state).status).toBe('terminated');
  });

  it('shows a license active through its termination date, the term\'s last day, and terminated after it', () => {
    expect([licenseStatusOn('2025-06-30', '2025-06-29'), licenseStatusOn('2025-06-30', '2025-06-30'), licenseStatusOn('2025-06-30', '2025-07-01')])
      .toEqual(['active', 'active', 'terminated']);
    expect(licenseStatusOn(undefined, '2025-07-01')).toBe('active');
    // Run to its expiry: expired after its last day, unless a termination ended it before.
    expect([licenseStatusOn(null, '2034-12-31', '2034-12-31'), licenseStatusOn(null, '2035-01-01', '2034-12-31'), licenseStatusOn('2030-06-30', '2035-01-01', '2034-12-31')])
      .toEqual(['active', 'expired', 'terminated']);
  });

  it('refuses a second termination (409)', () => {
    expect(refusal(given(history(grant(), terminate())).when(terminate('2026-07-31')))).toMatchObject({
      code: 'license-already-terminated', kind: 'conflict',
    });
  });

  it('refuses a date before the license starts, or after it expires', () => {
    expect(refusal(given(granted).when(terminate('2024-12-31')))).toMatchObject({ code: 'termination-before-start', kind: 'rule', field: 'effectiveOn' });
    expect(refusal(given(granted).when(terminate('2035-01-01')))).toMatchObject({ code: 'termination-after-expiry', field: 'effectiveOn' });
  });

  it('refuses a date that would leave later reports, milestones or closed years standing outside the term', () => {
    const refused = (facts: Parameters<typeof history>, effectiveOn: string, what: string) =>
      expect(refusal(given(history(...facts)).when(terminate(effectiveOn)))).toMatchObject({
        code: 'termination-before-recorded-facts', kind: 'rule', field: 'effectiveOn', message: expect.stringContaining(what),
      });
    refused([grant(), submit('r3', '2025-Q3', [line('100.00')])], '2025-01-15', 'the report for 2025-Q3');
    refused([grant(), achieve('FDA', '2026-06-01')], '2026-05-31', 'milestone "FDA"');
    refused([grant(), close(2026, '2027-01-02')], '2025-12-31', 'royalty year 2026');
    // A period that starts on the termination date is within the term, as a report for it would be accepted.
    expect(given(history(grant(), submit('r3', '2025-Q3', [line('100.00')]))).when(terminate('2025-07-01'))()[0].type).toBe('LicenseTerminated');
  });

  it('still accepts restatements and payments after termination', () => {
    const stream = history(grant(), submit('r1', '2025-Q1', [line('100.00')]), terminate('2025-03-31'));
    const restated = given(stream).when({ type: 'RestateSalesReport', data: { reportId: 'r1', lines: [line('200.00')], assessmentIds: ['x'], today: '2026-02-01' } })();
    expect(restated.map((e) => e.type)).toEqual(['SalesReportRestated', 'RoyaltyAssessed']);
    expect(given(stream).when(pay())()[0].type).toBe('PaymentReceived');
  });
});
