import { Big } from '../../money/big';
import { CloseRoyaltyYear } from './commands';
import { LicenseEvent } from './events';
import { assessments, given, grant, history, line, stateOf, submit } from './license.test-kit';

// A lifetime cap bounds everything the reports and the minimum charge, counted year by year: a
// year's reports, then its shortfall, then the next year's. The review's case: a 1,000.00 cap, an
// 800.00 minimum, two thin years, then a year whose sales reach the cap; before this rule the
// shortfalls were not counted, and 2,580.00 was charged in all.
const royalty = { tiers: [{ ratePercent: '10' }], tierBasis: 'calendar-year' as const, minimumAnnual: '800.00', lifetimeCap: '1000.00' };
const close = (year: number, today: string): CloseRoyaltyYear => ({ type: 'CloseRoyaltyYear', data: { year, assessmentId: `a-${year}`, today } });
const charged = (events: LicenseEvent[]) =>
  assessments(events).filter((a) => a.kind !== 'upfront' && a.kind !== 'milestone').reduce((sum, a) => sum.plus(a.amount), new Big(0)).toFixed(2);
const amounts = (events: LicenseEvent[]) => assessments(events).filter((a) => a.kind !== 'upfront').map((a) => `${a.kind} ${a.amount}`);

describe('a lifetime cap with a minimum annual royalty', () => {
  it('counts earlier years\' shortfalls: two thin years and a year reaching the cap charge the cap, no more', () => {
    const events = history(
      grant({ royalty }),
      submit('r25', '2025-Q1', [line('100.00')]), close(2025, '2026-01-05'),
      submit('r26', '2026-Q1', [line('100.00')], { today: '2026-04-02' }), close(2026, '2027-01-05'),
      submit('r27', '2027-Q1', [line('20000.00')], { today: '2027-04-02' }), close(2027, '2028-01-05'),
    );
    // 2025: 10.00 and a 790.00 shortfall; 2026: 10.00 and what the cap leaves of 790.00 (190.00); 2027: nothing is left.
    expect(amounts(events)).toEqual(['royalty 10.00', 'shortfall 790.00', 'royalty 10.00', 'shortfall 190.00', 'royalty 0.00']);
    expect(charged(events)).toBe('1000.00');
    const report = assessments(events).find((a) => a.kind === 'royalty' && a.reportId === 'r27');
    // What the cap counted before the report: 2025 and 2026 (20.00 of reports, 980.00 of shortfalls).
    expect(report).toMatchObject({ capped: true, priorLifetimeRoyalty: '1000.00' });
    const state = stateOf(events);
    expect(state.granted && state.closedYears['2027']).toMatchObject({ shortfall: '0.00', countsTowardLifetimeCap: true });
  });

  it('closing an earlier year after later reports were assessed takes back what its shortfall leaves them no room for', () => {
    const before = history(
      grant({ royalty }),
      submit('r25', '2025-Q1', [line('100.00')]),
      submit('r26', '2026-Q1', [line('5000.00')], { today: '2026-04-02' }),
    );
    expect(amounts(before)).toEqual(['royalty 10.00', 'royalty 500.00']);
    const closing = given(before).when(close(2025, '2026-04-03'))();
    expect(closing).toEqual([
      {
        type: 'RoyaltyYearClosed',
        data: {
          year: 2025, runningRoyalties: '10.00', minimumAnnual: '800.00', shortfall: '790.00', closedOn: '2026-04-03', withinCaps: true, countsTowardLifetimeCap: true,
        },
      },
      {
        type: 'RoyaltyAssessed',
        data: {
          assessmentId: 'a-2025', kind: 'shortfall', year: 2025, date: '2025-12-31', amount: '790.00', currency: 'CNY',
          allocations: [{ partyId: 'u', amount: '474.00' }, { partyId: 'c', amount: '316.00' }],
        },
      },
      {
        type: 'RoyaltyAssessed',
        data: {
          assessmentId: 'a-2025-1', kind: 'adjustment', reportId: 'r26', period: '2026-Q1', date: '2026-03-31', amount: '-300.00', currency: 'CNY',
          previous: '500.00', restated: '200.00', cause: { kind: 'year-closed', year: 2025 },
          allocations: [{ partyId: 'u', amount: '-180.00' }, { partyId: 'c', amount: '-120.00' }],
        },
      },
    ]);
    // The same figures as if 2025 had been closed before 2026 was reported: the order of events does not matter.
    const inOrder = history(
      grant({ royalty }), submit('r25', '2025-Q1', [line('100.00')]), close(2025, '2026-01-05'),
      submit('r26', '2026-Q1', [line('5000.00')], { today: '2026-04-02' }),
    );
    const royalties = (events: LicenseEvent[]) => {
      const state = stateOf(events);
      return state.granted ? [Object.values(state.reports).map((r) => r.royalty), state.closedYears['2025'].shortfall] : [];
    };
    expect(royalties([...before, ...closing])).toEqual(royalties(inOrder));
    expect(charged([...before, ...closing])).toBe('1000.00');
  });

  it('corrects a later closed year\'s shortfall when an earlier year is closed after it', () => {
    const events = history(
      grant({ royalty }),
      submit('r26', '2026-Q1', [line('1000.00')], { today: '2026-04-02' }),
      close(2026, '2027-01-05'), // 100.00 and a 700.00 shortfall, nothing before it counted
      close(2025, '2027-01-06'), // 2025: no report, the whole 800.00; 2026 now has 200.00 of room: 100.00 and a 100.00 shortfall
    );
    expect(amounts(events)).toEqual(['royalty 100.00', 'shortfall 700.00', 'shortfall 800.00', 'shortfall-adjustment -600.00']);
    expect(charged(events)).toBe('1000.00');
  });

  it('on a lifetime tier basis too, the cap counts each year\'s shortfall before the next year\'s reports', () => {
    const events = history(
      grant({ royalty: { ...royalty, tierBasis: 'lifetime' } }),
      submit('r25', '2025-Q1', [line('100.00')]), close(2025, '2026-01-05'),
      submit('r26', '2026-Q1', [line('20000.00')], { today: '2026-04-02' }),
    );
    expect(amounts(events)).toEqual(['royalty 10.00', 'shortfall 790.00', 'royalty 200.00']);
    expect(charged(events)).toBe('1000.00');
  });

  /** A later year closed before the rule, with the flags of its time, and its shortfall's assessment. */
  const legacyClose = (year: number, shortfall: string, flags: object): LicenseEvent[] => [
    { type: 'RoyaltyYearClosed', data: { year, runningRoyalties: '50.00', minimumAnnual: '800.00', shortfall, closedOn: '2028-01-05', ...flags } },
    { type: 'RoyaltyAssessed', data: { assessmentId: `a-${year}`, kind: 'shortfall', year, date: `${year}-12-31`, amount: shortfall, currency: 'CNY',
      allocations: [{ partyId: 'u', amount: new Big(shortfall).times(0.6).toFixed(2) }, { partyId: 'c', amount: new Big(shortfall).times(0.4).toFixed(2) }] } },
  ] as LicenseEvent[];

  it('closing an earlier year leaves an older close the caps bound less room, never more', () => {
    // Recorded before the rule: 900.00 and 50.00 of reports, 2027 closed within the caps with 50.00. Closing 2025 (800.00)
    // cuts the reports to 200.00 and 0.00; 2027's room is then 1,000.00 less 200.00 and the 800.00 before it: 0.00 (it rose to 750.00 before this fix).
    const reports = history(grant({ royalty }), submit('r26', '2026-Q1', [line('9000.00')], { today: '2028-01-02' }), submit('r27', '2027-Q1', [line('500.00')], { today: '2028-01-02' }));
    const legacy = [...reports, ...legacyClose(2027, '50.00', { withinCaps: true })];
    const closing = given(legacy).when(close(2025, '2028-02-01'))();
    expect(amounts(closing)).toEqual(['shortfall 800.00', 'adjustment -700.00', 'adjustment -50.00', 'shortfall-adjustment -50.00']);
    expect(charged([...legacy, ...closing])).toBe('1000.00');
  });

  it('closing an earlier year does not move a close made before caps bounded shortfalls', () => {
    const reports = history(grant({ royalty }), submit('r26', '2026-Q1', [line('9500.00')], { today: '2028-01-02' }), submit('r27', '2027-Q1', [line('5000.00')], { today: '2028-01-02' }));
    const legacy = [...reports, ...legacyClose(2027, '750.00', {})];
    const closing = given(legacy).when(close(2025, '2028-02-01'))();
    expect(amounts(closing)).toEqual(['shortfall 800.00', 'adjustment -750.00', 'adjustment -50.00']);
  });

  it('leaves years closed before the rule as they were: their shortfalls count for nothing', () => {
    // As the ledger recorded it before the rule: 2025 closed with withinCaps but without countsTowardLifetimeCap.
    const legacy = [
      ...history(grant({ royalty }), submit('r25', '2025-Q1', [line('100.00')])),
      { type: 'RoyaltyYearClosed', data: { year: 2025, runningRoyalties: '10.00', minimumAnnual: '800.00', shortfall: '790.00', closedOn: '2026-01-05', withinCaps: true } },
      { type: 'RoyaltyAssessed', data: { assessmentId: 'a-2025', kind: 'shortfall', year: 2025, date: '2025-12-31', amount: '790.00', currency: 'CNY',
        allocations: [{ partyId: 'u', amount: '474.00' }, { partyId: 'c', amount: '316.00' }] } },
    ] as LicenseEvent[];
    const next = given(legacy).when(submit('r26', '2026-Q1', [line('5000.00')], { today: '2026-04-02' }))();
    expect(amounts(next)).toEqual(['royalty 500.00']);
  });
});
