// Test helpers for the license decider specs (given(events).when(command) like party.spec.ts).
import { fold } from '../../shared/decider';
import { SalesLine } from '../royalty/terms';
import { GrantLicense, LicenseCommand, SubmitSalesReport } from './commands';
import { LicenseEvent, RoyaltyAssessment } from './events';
import { licenseDecider } from './license';

export const given = (events: LicenseEvent[]) => ({
  when: (command: LicenseCommand) => () => licenseDecider.decide(command, fold(licenseDecider, events)),
});

/** Runs commands one after the other and returns the whole stream. */
export function history(...commands: LicenseCommand[]): LicenseEvent[] {
  return commands.reduce<LicenseEvent[]>((events, command) => [...events, ...given(events).when(command)()], []);
}

export const stateOf = (events: LicenseEvent[]) => fold(licenseDecider, events);

/** The error a refused command throws (fails the test when it does not throw). */
export function refusal(run: () => unknown): { code?: string; kind?: string; field?: string; problems?: { field: string; message: string }[]; message: string; name: string } {
  try {
    run();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the command to be refused');
}

export const assessments = (events: LicenseEvent[]): RoyaltyAssessment[] =>
  events.flatMap((e) => (e.type === 'RoyaltyAssessed' ? [e.data] : []));

// DESIGN.md worked example: P1 owned by U 60 % and C 40 %, licensed as L1 to Brightpath (B).
export const P1 = { patentId: 'p1', owners: [{ partyId: 'u', sharePercent: '60' }, { partyId: 'c', sharePercent: '40' }] };

export const grant = (data: Partial<GrantLicense['data']> = {}): GrantLicense => ({
  type: 'GrantLicense',
  data: {
    licenseId: 'l1',
    licenseeId: 'b',
    patentIds: ['p1'],
    territories: ['CN', 'US'],
    fieldOfUse: 'surgical robotics',
    exclusive: true,
    effectiveOn: '2025-01-01',
    expiresOn: '2034-12-31',
    currency: 'CNY',
    royalty: {
      tiers: [{ upTo: '1000000.00', ratePercent: '3' }, { ratePercent: '4' }],
      tierBasis: 'calendar-year',
      upfrontFee: '100000.00',
      minimumAnnual: '50000.00',
      milestones: [{ code: 'FDA', amount: '250000.00', description: 'FDA clearance' }],
    },
    assessmentId: 'a-upfront',
    patents: [P1],
    conflictingExclusive: [],
    ...data,
  },
});

export const line = (grossSales: string, deductions = '0.00', extra: Partial<SalesLine> = {}): SalesLine => ({
  product: 'arm', territory: 'CN', units: '10', grossSales, deductions, ...extra,
});

export const submit = (
  reportId: string,
  period: string,
  lines: SalesLine[],
  extra: Partial<SubmitSalesReport['data']> = {},
): SubmitSalesReport => ({
  type: 'SubmitSalesReport',
  data: { reportId, assessmentId: `a-${reportId}`, period, lines, today: '2026-02-01', ...extra },
});
