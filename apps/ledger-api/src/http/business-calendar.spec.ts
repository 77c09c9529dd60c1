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
