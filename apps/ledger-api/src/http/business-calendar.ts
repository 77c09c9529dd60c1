import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CommandContext, LedgerConfig } from '@ledger/ledger';

/**
 * The business day of a request in LEDGER_TIME_ZONE, as deciders take "today": whether a period has
 * ended, a year can be closed, a payout, cost or milestone is not dated ahead. An office in Shanghai
 * pays out on its own Monday from midnight, not from 08:00 when UTC's Monday begins.
 */
@Injectable()
export class BusinessCalendar {
  private readonly days: Intl.DateTimeFormat;

  constructor(config: ConfigService<LedgerConfig, true>) {
    this.days = dayFormat(config.get('LEDGER_TIME_ZONE', { infer: true }));
  }

  today(ctx: Pick<CommandContext, 'now'>): string {
    return dayOf(this.days, ctx.now);
  }

  /** The last instant of a business day (YYYY-MM-DD) in the ledger's zone, as an ISO instant: what "as of that day" reads up to. */
  endOfDay(date: string): string {
    const DAY = 86_400_000;
    const next = Date.parse(`${date}T00:00:00.000Z`) + DAY; // the next day's midnight, were the zone UTC
    const off = (at: number) => offsetSeconds(this.days, at) * 1000;
    const day = (at: number) => new Date(at + off(at)).toISOString().slice(0, 10);
    // Where each offset the zone has about then reads the next midnight; one that holds there, with `date` just before, ends the day.
    let end: number | undefined;
    for (const o of new Set([off(next - DAY), off(next), off(next + DAY)])) {
      const midnight = next - o;
      if (off(midnight) === o && day(midnight - 1) === date && (end === undefined || midnight - 1 > end)) end = midnight - 1;
    }
    if (end === undefined) {
      // No such midnight (clocks jumped over it): the day ends where the clocks jump, the first instant of a later date.
      let [lo, hi] = [next - DAY - 15 * 3_600_000, next + 15 * 3_600_000];
      while (hi - lo > 1) { const mid = Math.floor((lo + hi) / 2); if (day(mid) > date) hi = mid; else lo = mid; }
      end = hi - 1;
    }
    return new Date(end).toISOString();
  }
}

const dayFormat = (timeZone: string) => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });

/** The zone's offset from UTC at an instant, in seconds ("GMT" for UTC itself; local mean times have seconds: "GMT+05:53:28"). */
function offsetSeconds(days: Intl.DateTimeFormat, at: number): number {
  const name = days.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name);
  return offset === null ? 0 : (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60 + Number(offset[4] ?? 0));
}

/**
 * The calendar date (YYYY-MM-DD) of an ISO instant in the format's time zone: the instant moved by the
 * zone's offset then, read as UTC (Intl's own date parts switch to the Julian calendar before 1582).
 */
function dayOf(days: Intl.DateTimeFormat, instant: string): string {
  const at = Date.parse(instant);
  return new Date(at + offsetSeconds(days, at) * 1000).toISOString().slice(0, 10);
}
