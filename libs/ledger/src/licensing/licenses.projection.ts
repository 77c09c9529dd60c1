import {
  Big, LicenseGranted, LicenseTerminated, PaymentReceived, RoyaltyAssessed, SalesReportRestated, SalesReportSubmitted,
} from '@ledger/domain';
import { RecordedEvent } from '@ledger/event-store';
import { sortablePosition } from '../journal/journal.projection';
import { Projection, keyOrdered } from '../projections/projection';
import { TransactionExecutor } from '../read-model/read-model-db';

const licenseId = (event: RecordedEvent) => event.streamId.slice('license-'.length);
export const normalizedField = (fieldOfUse: string) => fieldOfUse.trim().toLowerCase();

type Measure = 'net_sales' | 'royalties_assessed' | 'payments_received';

/**
 * Records what an event adds to one of the license's totals. Totals are summed exactly (big.js) when
 * read: the projection only appends, so a page of events is written without reading anything back.
 */
function addTo(tx: TransactionExecutor, event: RecordedEvent, measure: Measure, delta: string) {
  tx.defer(
    'INSERT INTO license_amounts (license_id, position, measure, delta) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [licenseId(event), event.position.toString(), measure, delta],
  );
}

async function grant(tx: TransactionExecutor, event: RecordedEvent) {
  const t = (event as unknown as LicenseGranted).data;
  tx.defer(
    `INSERT INTO licenses (id, licensee_id, terms, status, currency)
     VALUES ($1, $2, $3, 'active', $4) ON CONFLICT (id) DO NOTHING`,
    [t.licenseId, t.licenseeId, JSON.stringify(t), t.currency],
  );
  for (const patentId of t.patentIds) {
    for (const territory of t.territories) {
      tx.defer(
        `INSERT INTO license_scopes (license_id, patent_id, territory, field_of_use, exclusive, effective_on, ends_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [t.licenseId, patentId, territory, normalizedField(t.fieldOfUse), t.exclusive ? 1 : 0, t.effectiveOn, t.expiresOn],
      );
    }
  }
}

async function assessed(tx: TransactionExecutor, event: RecordedEvent, id: string, a: RoyaltyAssessed['data']) {
  addTo(tx, event, 'royalties_assessed', a.amount);
  if (a.kind === 'royalty' || a.kind === 'adjustment') {
    const royalty = a.kind === 'royalty' ? a.amount : a.restated;
    tx.defer(
      'INSERT INTO license_report_royalties (license_id, report_id, position, royalty) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [id, a.reportId, sortablePosition(event.position), royalty],
    );
  }
}

/** GET /licenses/:id (terms, status, totals, revision), discrepancies, and exclusivity look-ups. */
export const licensesProjection: Projection = {
  name: 'licenses',
  version: 4, // 4: key-ordered tables on SQLite
  schema: [
    // Written by appending rows (amounts, royalties, revisions) rather than updating one: a page of
    // events then needs no read-back and PostgreSQL takes it in a few multi-row inserts.
    `CREATE TABLE IF NOT EXISTS licenses (
       id TEXT PRIMARY KEY, licensee_id TEXT NOT NULL, terms TEXT NOT NULL, status TEXT NOT NULL,
       terminated_on TEXT, termination_reason TEXT, currency TEXT NOT NULL)`,
    keyOrdered(`CREATE TABLE IF NOT EXISTS license_revisions (
       license_id TEXT NOT NULL, revision INTEGER NOT NULL, PRIMARY KEY (license_id, revision))`),
    keyOrdered(`CREATE TABLE IF NOT EXISTS license_report_royalties (
       license_id TEXT NOT NULL, report_id TEXT NOT NULL, position TEXT NOT NULL, royalty TEXT NOT NULL,
       PRIMARY KEY (license_id, report_id, position))`),
    keyOrdered(`CREATE TABLE IF NOT EXISTS license_amounts (
       license_id TEXT NOT NULL, position TEXT NOT NULL, measure TEXT NOT NULL, delta TEXT NOT NULL,
       PRIMARY KEY (license_id, position, measure))`),
    keyOrdered(`CREATE TABLE IF NOT EXISTS license_scopes (
       license_id TEXT NOT NULL, patent_id TEXT NOT NULL, territory TEXT NOT NULL, field_of_use TEXT NOT NULL,
       exclusive INTEGER NOT NULL, effective_on TEXT NOT NULL, ends_on TEXT NOT NULL,
       PRIMARY KEY (license_id, patent_id, territory))`),
    'CREATE INDEX IF NOT EXISTS license_scopes_by_patent ON license_scopes (patent_id, territory)',
    keyOrdered(`CREATE TABLE IF NOT EXISTS license_reports (
       license_id TEXT NOT NULL, report_id TEXT NOT NULL, period TEXT NOT NULL, net_sales TEXT NOT NULL,
       royalty_reported TEXT, PRIMARY KEY (license_id, report_id))`),
  ],
  tables: ['licenses', 'license_amounts', 'license_revisions', 'license_report_royalties', 'license_scopes', 'license_reports'],
  handles: new Set([
    'LicenseGranted', 'SalesReportSubmitted', 'SalesReportRestated', 'RoyaltyAssessed', 'MilestoneAchieved',
    'RoyaltyYearClosed', 'PaymentReceived', 'LicenseTerminated',
  ]),
  async apply(event: RecordedEvent, tx: TransactionExecutor) {
    const id = licenseId(event);
    switch (event.type) {
      case 'LicenseGranted':
        await grant(tx, event);
        break;
      case 'SalesReportSubmitted': {
        const r = (event as unknown as SalesReportSubmitted).data;
        addTo(tx, event, 'net_sales', r.netSales);
        tx.defer(
          `INSERT INTO license_reports (license_id, report_id, period, net_sales, royalty_reported)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [id, r.reportId, r.period, r.netSales, r.royaltyReported ?? null],
        );
        break;
      }
      case 'SalesReportRestated': {
        const r = (event as unknown as SalesReportRestated).data;
        addTo(tx, event, 'net_sales', new Big(r.netSales).minus(r.previousNetSales).toFixed());
        tx.defer(
          'UPDATE license_reports SET net_sales = $3, royalty_reported = $4 WHERE license_id = $1 AND report_id = $2',
          [id, r.reportId, r.netSales, r.royaltyReported ?? null],
        );
        break;
      }
      case 'RoyaltyAssessed':
        await assessed(tx, event, id, (event as unknown as RoyaltyAssessed).data);
        break;
      case 'PaymentReceived':
        addTo(tx, event, 'payments_received', (event as unknown as PaymentReceived).data.amount);
        break;
      case 'LicenseTerminated': {
        const { effectiveOn, reason } = (event as unknown as LicenseTerminated).data;
        tx.defer(
          "UPDATE licenses SET status = 'terminated', terminated_on = $2, termination_reason = $3 WHERE id = $1", [id, effectiveOn, reason],
        );
        tx.defer('UPDATE license_scopes SET ends_on = $2 WHERE license_id = $1 AND ends_on > $2', [id, effectiveOn]);
        break;
      }
    }
    tx.defer('INSERT INTO license_revisions (license_id, revision) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, event.revision.toString()]);
  },
};
