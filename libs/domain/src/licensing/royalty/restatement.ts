import { Big } from '../../money/big';
import { assessWindow, ReportAssessment, WindowInput } from './assess';
import { ReportFigures } from './net-sales';

/** Re-runs the window with one report's figures replaced; the caller compares the royalties. */
export function restate(window: WindowInput, reportId: string, figures: ReportFigures): ReportAssessment[] {
  if (!window.reports.some((r) => r.reportId === reportId)) {
    throw new Error(`report ${reportId} is not in the window`);
  }
  const reports = window.reports.map((r) => (r.reportId === reportId ? { ...r, ...figures } : r));
  return assessWindow({ ...window, reports });
}

export interface PreviousAssessment {
  reportId: string;
  period: string;
  royalty: Big;
}

export interface RestatementAdjustment {
  reportId: string;
  period: string;
  previous: Big;
  restated: Big;
  delta: Big;
}

/**
 * The adjustments a restatement assesses: every report whose royalty changed (a later report can
 * move tier, so its royalty changes too), and always the restated report itself, even at zero.
 */
export function restatementDeltas(
  previous: readonly PreviousAssessment[],
  recomputed: readonly ReportAssessment[],
  restatedReportId: string,
): RestatementAdjustment[] {
  const before = new Map(previous.map((p) => [p.reportId, p.royalty]));
  return recomputed.flatMap((report) => {
    const prior = before.get(report.reportId);
    if (prior === undefined) throw new Error(`no previous assessment of report ${report.reportId}`);
    const delta = report.royalty.minus(prior);
    if (delta.eq(0) && report.reportId !== restatedReportId) return [];
    return [{ reportId: report.reportId, period: report.period, previous: prior, restated: report.royalty, delta }];
  });
}
