import { Statement, statementLines } from '@ledger/ledger';
import { stringify } from 'csv-stringify/sync';

/** New columns go at the end, so a spreadsheet that reads columns by position keeps working. */
export const CSV_COLUMNS = [
  'date', 'kind', 'role', 'amount', 'currency', 'licenseId', 'dealId', 'allocationId', 'sourceEventId', 'reportId', 'period',
  'milestone', 'policyVersion', 'year', 'payoutId', 'reference',
];

/** A statement as one CSV table: its lines, their source flattened into columns. */
export function statementCsv(statement: Statement): string {
  const rows = statementLines(statement).map((l) => ({ ...l, ...l.source, sourceEventId: l.source.eventId }));
  return stringify(rows, { header: true, columns: CSV_COLUMNS });
}

/** The route's OpenAPI text: what a line's source names, and the CSV's columns. */
export const STATEMENT_DOCS = {
  summary: "A party's statement: totals per currency and the lines behind them",
  description: [
    'JSON by default; CSV with `Accept: text/csv` (the response varies by Accept; an Accept allowing neither is 406).',
    'A line\'s `source` names the event its amount comes from (`eventId`) and, as they apply, the `reportId`, `period`,',
    '`milestone` and `year`; a payout\'s line names the `payoutId` that `POST /parties/{id}/payouts` answered and its `reference`.',
    `CSV columns: ${CSV_COLUMNS.join(', ')} (a line's source flattened; \`sourceEventId\` is its eventId).`,
  ].join(' '),
};
