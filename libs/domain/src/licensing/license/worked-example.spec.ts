import { RestateSalesReport } from './commands';
import { LicenseEvent } from './events';
import { licenseSummary } from './summary';
import { given, grant, history, line, stateOf, submit } from './license.test-kit';

// DESIGN.md "Worked example", through the license decider: the numbers a test must reproduce.
describe('license L1: the worked example', () => {
  const granted = history(grant());
  const q1 = submit('r-q1', '2025-Q1', [line('520000.00', '40000.00')], { today: '2025-04-10' });
  const q2 = submit('r-q2', '2025-Q2', [line('700000.00')], { today: '2025-07-10' });
  const restateQ1: RestateSalesReport = {
    type: 'RestateSalesReport',
    data: { reportId: 'r-q1', lines: [line('520000.00', '70000.00')], assessmentIds: ['a-adj-1', 'a-adj-2', 'a-adj-3'], today: '2025-08-01' },
  };
  const close2025 = { type: 'CloseRoyaltyYear', data: { year: 2025, assessmentId: 'a-2025', today: '2026-01-05' } } as const;

  it('grant: the upfront fee 100,000.00 is assessed on the effective date, U 60,000.00 and C 40,000.00', () => {
    expect(granted).toHaveLength(2);
    expect(granted[0]).toMatchObject({
      type: 'LicenseGranted',
      data: { licenseId: 'l1', revenueShares: [{ partyId: 'u', sharePercent: '60' }, { partyId: 'c', sharePercent: '40' }], rounding: 'half-up' },
    });
    expect(granted[1]).toEqual({
      type: 'RoyaltyAssessed',
      data: {
        assessmentId: 'a-upfront', kind: 'upfront', amount: '100000.00', currency: 'CNY', date: '2025-01-01',
        allocations: [{ partyId: 'u', amount: '60000.00' }, { partyId: 'c', amount: '40000.00' }],
      },
    });
  });

  it('2025-Q1: net 480,000.00 → royalty 14,400.00 → U 8,640.00, C 5,760.00', () => {
    const events = given(granted).when(q1)();
    expect(events[0]).toEqual({
      type: 'SalesReportSubmitted',
      data: {
        reportId: 'r-q1', period: '2025-Q1', lines: [line('520000.00', '40000.00')], sublicenseIncome: '0.00',
        netSales: '480000.00', units: '10', submittedOn: '2025-04-10',
      },
    });
    expect(events[1]).toEqual({
      type: 'RoyaltyAssessed',
      data: {
        assessmentId: 'a-r-q1', kind: 'royalty', reportId: 'r-q1', period: '2025-Q1', date: '2025-03-31',
        amount: '14400.00', currency: 'CNY', netSales: '480000.00', cumulativeNetSales: '480000.00',
        tiers: [{ upTo: '1000000.00', ratePercent: '3', base: '480000.00', amount: '14400.00' }],
        perUnitAmount: '0.00', sublicenseAmount: '0.00', capped: false, priorLifetimeRoyalty: '0.00',
        allocations: [{ partyId: 'u', amount: '8640.00' }, { partyId: 'c', amount: '5760.00' }],
      },
    });
    expect(events).toHaveLength(2);
  });

  it('2025-Q2: net 700,000.00, cumulative 1,180,000.00 → 520,000 × 3 % + 180,000 × 4 % = 22,800.00', () => {
    const [, assessed] = given(history(grant(), q1)).when(q2)();
    expect(assessed.data).toMatchObject({
      amount: '22800.00', date: '2025-06-30', cumulativeNetSales: '1180000.00',
      tiers: [
        { upTo: '1000000.00', ratePercent: '3', base: '520000.00', amount: '15600.00' },
        { ratePercent: '4', base: '180000.00', amount: '7200.00' },
      ],
      allocations: [{ partyId: 'u', amount: '13680.00' }, { partyId: 'c', amount: '9120.00' }],
    });
  });

  it('restating Q1 to net 450,000.00 assesses −900.00 on Q1 and −300.00 on Q2', () => {
    const events = given(history(grant(), q1, q2)).when(restateQ1)();
    expect(events[0]).toMatchObject({
      type: 'SalesReportRestated',
      data: {
        reportId: 'r-q1', period: '2025-Q1', netSales: '450000.00', previousNetSales: '480000.00', restatedOn: '2025-08-01',
        adjustments: [
          { reportId: 'r-q1', period: '2025-Q1', previous: '14400.00', restated: '13500.00', delta: '-900.00' },
          { reportId: 'r-q2', period: '2025-Q2', previous: '22800.00', restated: '22500.00', delta: '-300.00' },
        ],
      },
    });
    expect(events.slice(1)).toEqual([
      {
        type: 'RoyaltyAssessed',
        data: {
          assessmentId: 'a-adj-1', kind: 'adjustment', reportId: 'r-q1', period: '2025-Q1', date: '2025-03-31', amount: '-900.00',
          currency: 'CNY', previous: '14400.00', restated: '13500.00', cause: { kind: 'restatement', reportId: 'r-q1' },
          allocations: [{ partyId: 'u', amount: '-540.00' }, { partyId: 'c', amount: '-360.00' }],
        },
      },
      {
        type: 'RoyaltyAssessed',
        data: {
          assessmentId: 'a-adj-2', kind: 'adjustment', reportId: 'r-q2', period: '2025-Q2', date: '2025-06-30', amount: '-300.00',
          currency: 'CNY', previous: '22800.00', restated: '22500.00', cause: { kind: 'restatement', reportId: 'r-q1' },
          allocations: [{ partyId: 'u', amount: '-180.00' }, { partyId: 'c', amount: '-120.00' }],
        },
      },
    ]);
  });

  it('closing 2025 with no more reports: running 36,000.00 < 50,000.00 → shortfall 14,000.00', () => {
    const events = given(history(grant(), q1, q2, restateQ1)).when(close2025)();
    expect(events).toEqual([
      { type: 'RoyaltyYearClosed', data: { year: 2025, runningRoyalties: '36000.00', minimumAnnual: '50000.00', shortfall: '14000.00', closedOn: '2026-01-05' } },
      {
        type: 'RoyaltyAssessed',
        data: {
          assessmentId: 'a-2025', kind: 'shortfall', year: 2025, date: '2025-12-31', amount: '14000.00', currency: 'CNY',
          allocations: [{ partyId: 'u', amount: '8400.00' }, { partyId: 'c', amount: '5600.00' }],
        },
      },
    ]);
  });

  it('the state keeps the latest figures, and the summary adds everything up', () => {
    const stream: LicenseEvent[] = history(grant(), q1, q2, restateQ1, close2025);
    expect(stream.filter((e) => e.type === 'SalesReportSubmitted')).toHaveLength(2); // the original stays in history
    const state = stateOf(stream);
    if (!state.granted) throw new Error('not granted');
    expect(state.reports['r-q1']).toMatchObject({ netSales: '450000.00', royalty: '13500.00', restatements: 1 });
    expect(state.reports['r-q2']).toMatchObject({ netSales: '700000.00', royalty: '22500.00' });
    expect(state.windows).toEqual({ '2025': ['r-q1', 'r-q2'] });
    expect(state.closedYears['2025']).toEqual({ runningRoyalties: '36000.00', minimumAnnual: '50000.00', shortfall: '14000.00', shortfallDated: '2025-12-31' });
    expect(licenseSummary(state)).toEqual({
      licenseId: 'l1', status: 'active', currency: 'CNY',
      // 100,000 upfront + 14,400 + 22,800 − 900 − 300 + 14,000 shortfall
      totals: { netSales: '1150000.00', royaltiesAssessed: '150000.00', paymentsReceived: '0.00', balanceDue: '150000.00' },
      discrepancies: [],
    });
  });
});
