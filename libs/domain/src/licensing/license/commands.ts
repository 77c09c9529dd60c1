import { Rounding } from '../../money/money';
import { ShareLine } from '../../patents/shares';
import { SalesLine } from '../royalty/terms';
import { LicenseTerms } from './events';

/**
 * Commands of a license stream (`license-{id}`). Each carries what the handler gathered: loaded
 * patents, conflicting licenses, fresh assessment ids and today's date. The decider reads no clock.
 */

/** A licensed patent as the handler loaded it from its stream. */
export interface LicensedPatent {
  patentId: string;
  owners: ShareLine[];
}

/** Another license overlapping in patent, territory, field of use and term (found by the handler). */
export interface OverlappingLicense {
  licenseId: string;
  /** Whether that license is exclusive; absent means it is (the handler listed exclusive ones). */
  exclusive?: boolean;
  /** Where it overlaps the one asked for: the patents and territories both cover, and its own term. */
  patentIds?: string[];
  territories?: string[];
  term?: { effectiveOn: string; endsOn: string };
}

/** The license terms as requested: revenue shares and rounding may be left to their defaults. */
export type GrantLicenseData = Omit<LicenseTerms, 'revenueShares' | 'rounding'> & {
  /** Defaults to the patents' ownership shares when all licensed patents have the same owners. */
  revenueShares?: ShareLine[];
  rounding?: Rounding;
  /** Id of the upfront-fee assessment (used only when there is an upfront fee). */
  assessmentId: string;
  patents: LicensedPatent[];
  conflictingExclusive: OverlappingLicense[];
};
export type GrantLicense = { type: 'GrantLicense'; data: GrantLicenseData };

export interface ReportFiguresInput {
  lines: SalesLine[];
  sublicenseIncome?: string;
  /** The royalty the licensee computed; a difference is recorded as a discrepancy. */
  royaltyReported?: string;
  /** Today's date, YYYY-MM-DD. */
  today: string;
}

export type SubmitSalesReport = {
  type: 'SubmitSalesReport';
  data: ReportFiguresInput & {
    reportId: string;
    /** Id of this report's royalty assessment. */
    assessmentId: string;
    /**
     * Fresh ids for the adjustments a late report can cause (a report for an earlier period moves
     * later reports across tiers). When absent or used up, ids are derived: `${assessmentId}-1`, …
     */
    assessmentIds?: string[];
    period: string;
  };
};

export type RestateSalesReport = {
  type: 'RestateSalesReport';
  data: ReportFiguresInput & {
    reportId: string;
    /** A pool of fresh ids consumed in order; when used up, ids are derived: `${assessmentIds[0]}-n`. */
    assessmentIds: string[];
  };
};

/** `today`: a milestone is achieved on a day that has come (the caller's clock, UTC). */
export type AchieveMilestone = { type: 'AchieveMilestone'; data: { code: string; achievedOn: string; assessmentId: string; today: string } };
export type CloseRoyaltyYear = { type: 'CloseRoyaltyYear'; data: { year: number; assessmentId: string; today: string } };
export type RecordPayment = {
  type: 'RecordPayment';
  /** `today`: a payment is received on a day that has come (the caller's clock, UTC). */
  data: { paymentId: string; amount: string; currency: string; receivedOn: string; reference: string; today: string };
};
export type TerminateLicense = { type: 'TerminateLicense'; data: { effectiveOn: string; reason: string } };

export type LicenseCommand =
  | GrantLicense
  | SubmitSalesReport
  | RestateSalesReport
  | AchieveMilestone
  | CloseRoyaltyYear
  | RecordPayment
  | TerminateLicense;
