import { Rounding } from '../../money/money';
import { ShareLine } from '../../patents/shares';
import { DomainEvent } from '../../shared/decider';
import { RoyaltyTerms, SalesLine } from '../royalty/terms';

/** Events of a license stream. Every amount is a decimal string in the license currency. */

export interface LicenseTerms {
  licenseId: string;
  licenseeId: string;
  patentIds: string[];
  territories: string[];
  fieldOfUse: string;
  exclusive: boolean;
  effectiveOn: string;
  expiresOn: string;
  currency: string;
  revenueShares: ShareLine[];
  rounding: Rounding;
  royalty: RoyaltyTerms;
}

/** A licensor's part of an assessed amount. */
export interface AllocationLine {
  partyId: string;
  amount: string;
}

/** The part of a report's net sales in one tier and its exact royalty. */
export interface TierLine {
  upTo?: string;
  ratePercent: string;
  base: string;
  amount: string;
}

/** How one report's assessed royalty moved (a restatement or a late report for an earlier period). */
export interface AdjustmentLine {
  reportId: string;
  period: string;
  previous: string;
  restated: string;
  delta: string;
}

interface AssessmentBase {
  assessmentId: string;
  amount: string;
  currency: string;
  /** Business date: effective date, last day of the period, achievement date, year end. */
  date: string;
  allocations: AllocationLine[];
}

export type UpfrontAssessment = AssessmentBase & { kind: 'upfront' };
export type ReportRoyaltyAssessment = AssessmentBase & {
  kind: 'royalty';
  reportId: string;
  period: string;
  netSales: string;
  /** Cumulative net sales of the tier window after this report. */
  cumulativeNetSales: string;
  tiers: TierLine[];
  perUnitAmount: string;
  sublicenseAmount: string;
  capped: boolean;
  /**
   * What the lifetime cap counted before this report's window and year: the running + sublicense
   * royalty of earlier windows (calendar-year tiers; a lifetime window's own earlier reports are in its
   * cumulative instead) and the shortfalls of earlier closed years that count toward the cap.
   */
  priorLifetimeRoyalty: string;
  royaltyReported?: string;
  /** royaltyReported − amount, when reported and different. */
  discrepancy?: string;
};
export type AdjustmentAssessment = AssessmentBase & {
  kind: 'adjustment';
  reportId: string;
  period: string;
  previous: string;
  restated: string;
  /**
   * What moved the royalty: a restatement of, or a late report for, `reportId` of the cause; or the
   * close of an earlier royalty `year` whose shortfall the lifetime cap counts before this report.
   */
  cause: { kind: 'restatement' | 'late-report'; reportId: string } | { kind: 'year-closed'; year: number };
};
export type MilestoneAssessment = AssessmentBase & { kind: 'milestone'; milestone: string };
export type ShortfallAssessment = AssessmentBase & { kind: 'shortfall'; year: number };
export type ShortfallAdjustmentAssessment = AssessmentBase & {
  kind: 'shortfall-adjustment';
  year: number;
  previous: string;
  restated: string;
  /** What moved the closed year's shortfall, as on an adjustment; absent on those recorded before it was kept. */
  cause?: AdjustmentAssessment['cause'];
};
export type RoyaltyAssessment =
  | UpfrontAssessment
  | ReportRoyaltyAssessment
  | AdjustmentAssessment
  | MilestoneAssessment
  | ShortfallAssessment
  | ShortfallAdjustmentAssessment;

export interface ReportedFigures {
  reportId: string;
  period: string;
  lines: SalesLine[];
  sublicenseIncome: string;
  netSales: string;
  units: string;
  royaltyReported?: string;
}

export type LicenseGranted = DomainEvent<'LicenseGranted', LicenseTerms>;
export type SalesReportSubmitted = DomainEvent<'SalesReportSubmitted', ReportedFigures & { submittedOn: string }>;
export type SalesReportRestated = DomainEvent<
  'SalesReportRestated',
  ReportedFigures & { previousNetSales: string; restatedOn: string; adjustments: AdjustmentLine[] }
>;
export type RoyaltyAssessed = DomainEvent<'RoyaltyAssessed', RoyaltyAssessment>;
export type MilestoneAchieved = DomainEvent<'MilestoneAchieved', { code: string; achievedOn: string; amount: string }>;
export type RoyaltyYearClosed = DomainEvent<
  'RoyaltyYearClosed',
  {
    year: number; runningRoyalties: string; minimumAnnual: string; shortfall: string; closedOn: string;
    /** The shortfall is bounded by what the caps leave (recorded for licenses with a cap; earlier closes were not). */
    withinCaps?: true;
    /**
     * The shortfall is a charge under the lifetime cap, after the year's reports: later years' reports
     * and shortfalls get only what the cap leaves after it (recorded for licenses with a lifetime cap;
     * earlier closes were not, and count for nothing).
     */
    countsTowardLifetimeCap?: true;
  }
>;
export type PaymentReceived = DomainEvent<
  'PaymentReceived',
  { paymentId: string; amount: string; currency: string; receivedOn: string; reference: string }
>;
export type LicenseTerminated = DomainEvent<'LicenseTerminated', { effectiveOn: string; reason: string }>;

export type LicenseEvent =
  | LicenseGranted
  | SalesReportSubmitted
  | SalesReportRestated
  | RoyaltyAssessed
  | MilestoneAchieved
  | RoyaltyYearClosed
  | PaymentReceived
  | LicenseTerminated;
