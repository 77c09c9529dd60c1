import { Big } from '../../money/big';
import { formatAmount } from '../../money/money';
import { DomainError } from '../../shared/domain-error';
import { earlierDate, periodStart } from '../calendar';
import { windowKey } from '../royalty/period';
import { SalesLine } from '../royalty/terms';
import { LicenseEvent, LicenseTerms, ReportedFigures, RoyaltyAssessment } from './events';

/** A report with its latest figures (restatements replace them) and its currently assessed royalty. */
export interface ReportRecord extends ReportedFigures {
  /** Royalty assessed for the report so far: its first assessment plus every adjustment. */
  royalty: string;
  /** Its royalty's business date, as first assessed (royaltyDate): its adjustments keep it. */
  dated?: string;
  submittedOn: string;
  restatements: number;
}

export interface ClosedYear {
  runningRoyalties: string;
  minimumAnnual: string;
  /** The shortfall assessed so far: the closing one plus shortfall adjustments. */
  shortfall: string;
  /** The business date of its first non-zero shortfall (shortfallDate): its corrections keep it. */
  shortfallDated?: string;
  /** Closed under the rule that caps bound the shortfall (reassess.ts yearFigures). */
  withinCaps?: true;
  /** Its shortfall counts toward the lifetime cap (reassess.ts reassess). */
  countsTowardLifetimeCap?: true;
}

export interface GrantedLicense {
  granted: true;
  terms: LicenseTerms;
  status: 'active' | 'terminated';
  termination?: { effectiveOn: string; reason: string };
  reports: Record<string, ReportRecord>;
  /** Report ids per tier window (windowKey: the year, or 'lifetime'), in period order. */
  windows: Record<string, string[]>;
  closedYears: Record<string, ClosedYear>;
  milestones: Record<string, { achievedOn: string; amount: string }>;
  paymentIds: string[];
  totals: { netSales: string; royaltiesAssessed: string; paymentsReceived: string };
}

export type LicenseState = { granted: false } | GrantedLicense;

export const licenseStream = (licenseId: string) => `license-${licenseId}`;

export const initialLicenseState = (): LicenseState => ({ granted: false });

/** Every command but a grant needs a granted license: 404 otherwise. */
export function requireGranted(state: LicenseState): GrantedLicense {
  if (!state.granted) throw new DomainError('license-not-found', 'the license has not been granted', 'not-found');
  return state;
}

/**
 * A license's status on a day: a termination's date is the term's last day (termEnd), so the license is
 * active through it (notice given ahead, or a termination effective today) and terminated after it; one
 * that ran to its expiry is expired after that day (it showed active for ever).
 */
export function licenseStatusOn(terminatedOn: string | null | undefined, today: string, expiresOn?: string): 'active' | 'terminated' | 'expired' {
  if (terminatedOn != null && terminatedOn < today) return 'terminated';
  return expiresOn !== undefined && expiresOn < today ? 'expired' : 'active';
}

/** The last day of the license's effective term: its expiry, or an earlier termination date. */
export function termEnd(license: GrantedLicense): string {
  const { expiresOn } = license.terms;
  return license.termination === undefined ? expiresOn : earlierDate(expiresOn, license.termination.effectiveOn);
}

const add = (license: GrantedLicense, a: string, b: Big | string) => formatAmount(new Big(a).plus(b), license.terms.currency);

function withReport(license: GrantedLicense, figures: ReportedFigures, submittedOn: string): GrantedLicense {
  const { reportId, period } = figures;
  const key = windowKey(period, license.terms.royalty.tierBasis);
  const ids = [...(license.windows[key] ?? []), reportId].sort((a, b) => {
    const [pa, pb] = [periodStart(license.reports[a]?.period ?? period), periodStart(license.reports[b]?.period ?? period)];
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  });
  const report: ReportRecord = { ...figures, royalty: formatAmount(new Big(0), license.terms.currency), submittedOn, restatements: 0 };
  return {
    ...license,
    reports: { ...license.reports, [reportId]: report },
    windows: { ...license.windows, [key]: ids },
    totals: { ...license.totals, netSales: add(license, license.totals.netSales, figures.netSales) },
  };
}

function withAssessment(license: GrantedLicense, a: RoyaltyAssessment): GrantedLicense {
  const next = { ...license, totals: { ...license.totals, royaltiesAssessed: add(license, license.totals.royaltiesAssessed, a.amount) } };
  const setReport = (reportId: string, royalty: string) => {
    const report = next.reports[reportId];
    if (report !== undefined) next.reports = { ...next.reports, [reportId]: { ...report, royalty, dated: report.dated ?? a.date } };
  };
  const setShortfall = (year: number, shortfall: string | undefined) => {
    const closed = next.closedYears[String(year)];
    if (closed !== undefined) {
      next.closedYears = { ...next.closedYears, [String(year)]: { ...closed, shortfall: shortfall ?? closed.shortfall, shortfallDated: closed.shortfallDated ?? a.date } };
    }
  };
  if (a.kind === 'royalty') setReport(a.reportId, a.amount);
  if (a.kind === 'adjustment') setReport(a.reportId, a.restated);
  if (a.kind === 'shortfall') setShortfall(a.year, undefined);
  if (a.kind === 'shortfall-adjustment') setShortfall(a.year, a.restated);
  return next;
}

export function evolveLicense(state: LicenseState, event: LicenseEvent): LicenseState {
  if (event.type === 'LicenseGranted') {
    const zero = formatAmount(new Big(0), event.data.currency);
    return {
      granted: true, terms: event.data, status: 'active', reports: {}, windows: {}, closedYears: {}, milestones: {},
      paymentIds: [], totals: { netSales: zero, royaltiesAssessed: zero, paymentsReceived: zero },
    };
  }
  if (!state.granted) return state;
  switch (event.type) {
    case 'SalesReportSubmitted': {
      const { submittedOn, ...figures } = event.data;
      return withReport(state, figures, submittedOn);
    }
    case 'SalesReportRestated': {
      const { reportId, period, lines, sublicenseIncome, netSales, units, royaltyReported, previousNetSales } = event.data;
      const report = state.reports[reportId];
      if (report === undefined) return state;
      // The restated figures replace the report's wholesale: no reported royalty now means none.
      const restated: ReportRecord = {
        reportId, period, lines, sublicenseIncome, netSales, units, ...(royaltyReported === undefined ? {} : { royaltyReported }),
        royalty: report.royalty, ...(report.dated === undefined ? {} : { dated: report.dated }),
        submittedOn: report.submittedOn, restatements: report.restatements + 1,
      };
      const total = add(state, state.totals.netSales, new Big(netSales).minus(previousNetSales));
      return { ...state, reports: { ...state.reports, [reportId]: restated }, totals: { ...state.totals, netSales: total } };
    }
    case 'RoyaltyAssessed':
      return withAssessment(state, event.data);
    case 'MilestoneAchieved': {
      const { code, achievedOn, amount } = event.data;
      return { ...state, milestones: { ...state.milestones, [code]: { achievedOn, amount } } };
    }
    case 'RoyaltyYearClosed': {
      const { year, runningRoyalties, minimumAnnual, shortfall, withinCaps, countsTowardLifetimeCap } = event.data;
      const closed: ClosedYear = {
        runningRoyalties, minimumAnnual, shortfall, ...(withinCaps ? { withinCaps } : {}), ...(countsTowardLifetimeCap ? { countsTowardLifetimeCap } : {}),
      };
      return { ...state, closedYears: { ...state.closedYears, [String(year)]: closed } };
    }
    case 'PaymentReceived':
      return {
        ...state,
        paymentIds: [...state.paymentIds, event.data.paymentId],
        totals: { ...state.totals, paymentsReceived: add(state, state.totals.paymentsReceived, event.data.amount) },
      };
    case 'LicenseTerminated':
      return { ...state, status: 'terminated', termination: { ...event.data } };
    default:
      return state;
  }
}
