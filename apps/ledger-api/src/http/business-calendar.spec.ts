import { ConfigService } from '@nestjs/config';
import { BusinessCalendar } from './business-calendar';

const calendar = (zone: string) => new BusinessCalendar({ get: () => zone } as unknown as ConfigService<never, true>);

describe('BusinessCalendar', () => {
  it('takes today in the ledger\'s time zone, not UTC\'s', () => {
    const now = '2026-12-31T17:30:00.000Z'; // 01:30 on 1 January in Shanghai, 09:30 on 31 December in Los Angeles
    expect(calendar('UTC').today({ now })).toBe('2026-12-31');
    expect(calendar('Asia/Shanghai').today({ now })).toBe('2027-01-01');
    expect(calendar('America/Los_Angeles').today({ now })).toBe('2026-12-31');
    expect(calendar('America/Los_Angeles').today({ now: '2027-01-01T07:59:59.999Z' })).toBe('2026-12-31');
    expect(calendar('America/Los_Angeles').today({ now: '2027-01-01T08:00:00.000Z' })).toBe('2027-01-01');
  });

  it('writes four-digit years and two-digit months and days, as the deciders compare them', () => {
    expect(calendar('Asia/Kolkata').today({ now: '0999-03-04T20:00:00.000Z' })).toBe('0999-03-05');
  });
});

describe('BusinessCalendar.endOfDay', () => {
  it('is the last instant before the next midnight in the ledger\'s zone', () => {
    expect(calendar('UTC').endOfDay('2026-12-31')).toBe('2026-12-31T23:59:59.999Z');
    expect(calendar('Asia/Shanghai').endOfDay('2026-12-31')).toBe('2026-12-31T15:59:59.999Z');
    expect(calendar('America/Los_Angeles').endOfDay('2026-12-31')).toBe('2027-01-01T07:59:59.999Z');
    expect(calendar('Asia/Kathmandu').endOfDay('2026-06-30')).toBe('2026-06-30T18:14:59.999Z'); // +05:45
  });

  it('follows a change of offset within the day', () => {
    // Los Angeles moves to summer time at 02:00 on 8 March 2026: that day ends at midnight −07:00.
    expect(calendar('America/Los_Angeles').endOfDay('2026-03-08')).toBe('2026-03-09T06:59:59.999Z');
    expect(calendar('America/Los_Angeles').endOfDay('2026-03-07')).toBe('2026-03-08T07:59:59.999Z');
    // …and back at 02:00 on 1 November: that day ends at midnight −08:00.
    expect(calendar('America/Los_Angeles').endOfDay('2026-11-01')).toBe('2026-11-02T07:59:59.999Z');
    for (const zone of ['America/Los_Angeles', 'Europe/Dublin', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Shanghai']) {
      for (const date of ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01']) {
        const end = calendar(zone).endOfDay(date);
        expect([zone, calendar(zone).today({ now: end })]).toEqual([zone, date]);
        expect([zone, calendar(zone).today({ now: new Date(Date.parse(end) + 1).toISOString() })]).not.toEqual([zone, date]);
      }
    }
  });

  it('ends a day whose midnight the clocks jump over, or pass twice, or a day the zone skipped', () => {
    // Santiago springs forward at 00:00 on 6 September 2026: 5 September ends at 00:00 −04:00, not an hour earlier.
    expect(calendar('America/Santiago').endOfDay('2026-09-05')).toBe('2026-09-06T03:59:59.999Z');
    const cases: [string, string][] = [
      ['America/Santiago', '2026-09-05'], ['America/Havana', '2026-03-07'], ['Atlantic/Azores', '2026-03-28'],
      ['Asia/Amman', '2000-09-28'], ['Africa/Tunis', '2008-10-25'], ['Pacific/Apia', '2011-12-29'], ['Pacific/Kiritimati', '1994-12-30'],
    ];
    for (const [zone, date] of cases) {
      const end = calendar(zone).endOfDay(date);
      const after = calendar(zone).today({ now: new Date(Date.parse(end) + 1).toISOString() });
      expect([zone, date, after > date]).toEqual([zone, date, true]);
      expect([zone, calendar(zone).today({ now: end }) <= date]).toEqual([zone, true]);
    }
  });
});
