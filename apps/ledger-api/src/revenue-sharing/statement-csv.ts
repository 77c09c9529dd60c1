import { Statement, statementLines } from '@ledger/ledger';
import { stringify } from 'csv-stringify/sync';

/** New columns go at the end, so a spreadsheet that reads columns by position keeps working. */
export const CSV_COLUMNS = [
  'date', 'kind', 'role', 'amount', 'currency', 'licenseId', 'dealId', 'allocationId', 'sourceEventId', 'reportId', 'period',
  'milestone', 'policyVersion', 'year', 'payoutId', 'reference', 'recordedAt', 'liquidityId',
];

/**
 * A statement as one CSV table: per currency an `opening` row (dated `from`, empty without one), then
 * the lines (their source flattened into columns), then `earned`, `paid-out` and `closing` rows dated
 * the statement's end (`to`, else its last line's date, else `from`). The figures are the JSON's
 * `currencies`, so with `from` set an accountant can rebuild the opening balance the lines start from.
 */
export function statementCsv(statement: Statement): string {
  const lines = statementLines(statement);
  const end = statement.to ?? lines.at(-1)?.date ?? statement.from ?? '';
  const figure = (date: string, kind: string, currency: string, amount: string) => ({ date, kind, amount, currency });
  const rows = [
    ...statement.currencies.map((c) => figure(statement.from ?? '', 'opening', c.currency, c.opening)),
    ...lines.map((l) => ({ ...l, ...l.source, sourceEventId: l.source.eventId, reference: inert(l.source.reference) })),
    ...statement.currencies.flatMap((c) => [
      figure(end, 'earned', c.currency, c.earned), figure(end, 'paid-out', c.currency, c.paidOut), figure(end, 'closing', c.currency, c.closing),
    ]),
  ];
  return stringify(rows, { header: true, columns: CSV_COLUMNS });
}

/**
 * Free text an office typed (a payout's reference) opened in a spreadsheet: one starting with = + - @
 * or a tab / carriage return would be read as a formula (CSV injection, CWE-1236), so it is quoted
 * with a leading apostrophe, as spreadsheets do. Every other column is an id, a code or an amount.
 */
export const inert = (text: string | undefined) => (text !== undefined && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** The route's OpenAPI text: what a line's source names, and the CSV's columns and rows. */
export const STATEMENT_DOCS = {
  summary: "A party's statement: totals per currency and the lines behind them",
  description: [
    'JSON by default; CSV with `Accept: text/csv` (the response varies by Accept; an Accept allowing neither is 406).',
    'A line\'s `source` names the event its amount comes from (`eventId`) and, as they apply, the `reportId`, `period`,',
    '`milestone` and `year`; a payout\'s line names the `payoutId` that `POST /parties/{id}/payouts` answered and its `reference`;',
    'an equity sale\'s lines the `liquidityId` that `POST /equity-deals/{id}/liquidity-events` answered.',
    `CSV columns: ${CSV_COLUMNS.join(', ')} (a line's source flattened; \`sourceEventId\` is its eventId).`,
    'Besides the lines, the CSV has per currency an `opening` row before them (dated `from`, empty without it) and',
    '`earned`, `paid-out` and `closing` rows after them (dated `to`, else the last line\'s date, else `from`), each with only date, kind,',
    'amount and currency set, the amount being the figure of `currencies` (`paid-out` positive, as `paidOut`):',
    'per currency, closing = opening + the amounts of its lines = opening + earned − paid-out.',
  ].join(' '),
};
