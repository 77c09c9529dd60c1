import {
  Big, LicenseGranted, LicenseTerminated, PaymentReceived, RoyaltyAssessed, SalesReportRestated, SalesReportSubmitted, formatAmount,
} from '@ledger/domain';
import { RecordedEvent } from '@ledger/event-store';
import { Projection } from '../projections/projection';
import { SqlExecutor } from '../read-model/read-model-db';

const licenseId = (event: RecordedEvent) => event.streamId.slice('license-'.length);
export const normalizedField = (fieldOfUse: string) => fieldOfUse.trim().toLowerCase();

/** Adds `delta` to a decimal-string total column, exactly, at the license currency's minor unit. */
async function addTo(tx: SqlExecutor, id: string, column: 'net_sales' | 'royalties_assessed' | 'payments_received', delta: string) {
  const [row] = await tx.query<{ currency: string; total: string }>(
    `SELECT currency, ${column} AS total FROM licenses WHERE id = $1`, [id],
  );
  if (!row) throw new Error(`license ${id} missing from the read model`);
  const total = formatAmount(new Big(row.total).plus(delta), row.currency);
  await tx.execute(`UPDATE licenses SET ${column} = $2 WHERE id = $1`, [id, total]);
}

async function grant(tx: SqlExecutor, event: RecordedEvent) {
  const t = (event as unknown as LicenseGranted).data;
  const zero = formatAmount(new Big(0), t.currency);
  await tx.execute(
    `INSERT INTO licenses (id, licensee_id, terms, status, currency, net_sales, royalties_assessed, payments_received, revision)
     VALUES ($1, $2, $3, 'active', $4, $5, $5, $5, $6) ON CONFLICT (id) DO NOTHING`,
    [t.licenseId, t.licenseeId, JSON.stringify(t), t.currency, zero, event.revision.toString()],
  );
  for (const patentId of t.patentIds) {
    for (const territory of t.territories) {
      await tx.execute(
        `INSERT INTO license_scopes (license_id, patent_id, territory, field_of_use, exclusive, effective_on, ends_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [t.licenseId, patentId, territory, normalizedField(t.fieldOfUse), t.exclusive ? 1 : 0, t.effectiveOn, t.expiresOn],
      );
    }
  }
}

async function assessed(tx: SqlExecutor, id: string, a: RoyaltyAssessed['data']) {
  await addTo(tx, id, 'royalties_assessed', a.amount);
  if (a.kind === 'royalty' || a.kind === 'adjustment') {
    const royalty = a.kind === 'royalty' ? a.amount : a.restated;
    await tx.execute('UPDATE license_reports SET royalty_assessed = $3 WHERE license_id = $1 AND report_id = $2', [id, a.reportId, royalty]);
  }
}

/** GET /licenses/:id (terms, status, totals, revision), discrepancies, and exclusivity look-ups. */
export const licensesProjection: Projection = {
  name: 'licenses',
  schema: [
    `CREATE TABLE IF NOT EXISTS licenses (
       id TEXT PRIMARY KEY, licensee_id TEXT NOT NULL, terms TEXT NOT NULL, status TEXT NOT NULL,
       terminated_on TEXT, termination_reason TEXT, currency TEXT NOT NULL, net_sales TEXT NOT NULL,
       royalties_assessed TEXT NOT NULL, payments_received TEXT NOT NULL, revision TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS license_scopes (
       license_id TEXT NOT NULL, patent_id TEXT NOT NULL, territory TEXT NOT NULL, field_of_use TEXT NOT NULL,
       exclusive INTEGER NOT NULL, effective_on TEXT NOT NULL, ends_on TEXT NOT NULL,
       PRIMARY KEY (license_id, patent_id, territory))`,
    'CREATE INDEX IF NOT EXISTS license_scopes_by_patent ON license_scopes (patent_id, territory)',
    `CREATE TABLE IF NOT EXISTS license_reports (
       license_id TEXT NOT NULL, report_id TEXT NOT NULL, period TEXT NOT NULL, net_sales TEXT NOT NULL,
       royalty_assessed TEXT NOT NULL, royalty_reported TEXT, PRIMARY KEY (license_id, report_id))`,
  ],
  tables: ['licenses', 'license_scopes', 'license_reports'],
  handles: new Set([
    'LicenseGranted', 'SalesReportSubmitted', 'SalesReportRestated', 'RoyaltyAssessed', 'MilestoneAchieved',
    'RoyaltyYearClosed', 'PaymentReceived', 'LicenseTerminated',
  ]),
  async apply(event: RecordedEvent, tx: SqlExecutor) {
    const id = licenseId(event);
    switch (event.type) {
      case 'LicenseGranted':
        await grant(tx, event);
        break;
      case 'SalesReportSubmitted': {
        const r = (event as unknown as SalesReportSubmitted).data;
        await addTo(tx, id, 'net_sales', r.netSales);
        await tx.execute(
          `INSERT INTO license_reports (license_id, report_id, period, net_sales, royalty_assessed, royalty_reported)
           VALUES ($1, $2, $3, $4, '0', $5) ON CONFLICT DO NOTHING`,
          [id, r.reportId, r.period, r.netSales, r.royaltyReported ?? null],
        );
        break;
      }
      case 'SalesReportRestated': {
        const r = (event as unknown as SalesReportRestated).data;
        await addTo(tx, id, 'net_sales', new Big(r.netSales).minus(r.previousNetSales).toFixed());
        await tx.execute(
          'UPDATE license_reports SET net_sales = $3, royalty_reported = $4 WHERE license_id = $1 AND report_id = $2',
          [id, r.reportId, r.netSales, r.royaltyReported ?? null],
        );
        break;
      }
      case 'RoyaltyAssessed':
        await assessed(tx, id, (event as unknown as RoyaltyAssessed).data);
        break;
      case 'PaymentReceived':
        await addTo(tx, id, 'payments_received', (event as unknown as PaymentReceived).data.amount);
        break;
      case 'LicenseTerminated': {
        const { effectiveOn, reason } = (event as unknown as LicenseTerminated).data;
        await tx.execute(
          "UPDATE licenses SET status = 'terminated', terminated_on = $2, termination_reason = $3 WHERE id = $1", [id, effectiveOn, reason],
        );
        await tx.execute('UPDATE license_scopes SET ends_on = $2 WHERE license_id = $1 AND ends_on > $2', [id, effectiveOn]);
        break;
      }
    }
    await tx.execute('UPDATE licenses SET revision = $2 WHERE id = $1', [id, event.revision.toString()]);
  },
};
