import { Big } from '../../money/big';
import { formatAmount } from '../../money/money';
import { periodStart } from '../calendar';
import { LicenseState, requireGranted } from './state';

export interface LicenseDiscrepancy {
  reportId: string;
  period: string;
  royaltyReported: string;
  royaltyAssessed: string;
  /** royaltyReported − royaltyAssessed: positive when the licensee reported more. */
  difference: string;
}

export interface LicenseSummary {
  licenseId: string;
  status: 'active' | 'terminated';
  currency: string;
  totals: { netSales: string; royaltiesAssessed: string; paymentsReceived: string; balanceDue: string };
  discrepancies: LicenseDiscrepancy[];
}

/**
 * The read side's view of a license, from its folded state: totals in the license currency and
 * the reports whose reported royalty differs from the royalty currently assessed for them.
 */
export function licenseSummary(state: LicenseState): LicenseSummary {
  const license = requireGranted(state);
  const { currency, licenseId } = license.terms;
  const { netSales, royaltiesAssessed, paymentsReceived } = license.totals;
  const fmt = (x: Big) => formatAmount(x, currency);
  const discrepancies = Object.values(license.reports)
    .filter((r) => r.royaltyReported !== undefined && !new Big(r.royaltyReported).eq(r.royalty))
    .sort((a, b) => (periodStart(a.period) < periodStart(b.period) ? -1 : 1))
    .map((r) => ({
      reportId: r.reportId,
      period: r.period,
      royaltyReported: r.royaltyReported as string,
      royaltyAssessed: r.royalty,
      difference: fmt(new Big(r.royaltyReported as string).minus(r.royalty)),
    }));
  return {
    licenseId,
    status: license.status,
    currency,
    totals: { netSales, royaltiesAssessed, paymentsReceived, balanceDue: fmt(new Big(royaltiesAssessed).minus(paymentsReceived)) },
    discrepancies,
  };
}
