import { Inject, Injectable } from '@nestjs/common';
import { Big, LicenseTerms, OverlappingLicense, formatAmount, licenseStatusOn } from '@ledger/domain';
import { READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';
import { GrantRequest } from './license-commands';
import { normalizedField } from './licenses.projection';

type Row = Record<string, string | null>;

@Injectable()
export class LicensesQuery {
  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  /** `today` (the business day in LEDGER_TIME_ZONE) decides the status of a license whose termination is dated ahead. */
  async findById(id: string, today: string) {
    const [row] = await this.db.query<Row>('SELECT * FROM licenses WHERE id = $1', [id]);
    if (!row) return undefined;
    const terms = JSON.parse(row.terms as string) as LicenseTerms;
    const currency = row.currency as string;
    const sums = { net_sales: new Big(0), royalties_assessed: new Big(0), payments_received: new Big(0) };
    const amounts = await this.db.query<{ measure: keyof typeof sums; delta: string }>(
      'SELECT measure, delta FROM license_amounts WHERE license_id = $1', [id],
    );
    for (const { measure, delta } of amounts) sums[measure] = sums[measure].plus(delta);
    const total = (measure: keyof typeof sums) => formatAmount(sums[measure], currency);
    const balanceDue = formatAmount(sums.royalties_assessed.minus(sums.payments_received), currency);
    const [{ revision }] = await this.db.query<{ revision: number | string | null }>(
      'SELECT MAX(revision) AS revision FROM license_revisions WHERE license_id = $1', [id],
    );
    return {
      ...terms,
      id: terms.licenseId,
      status: licenseStatusOn(row.terminated_on, today, terms.expiresOn),
      ...(row.terminated_on ? { termination: { effectiveOn: row.terminated_on, reason: row.termination_reason } } : {}),
      totals: {
        netSales: total('net_sales'), royaltiesAssessed: total('royalties_assessed'), paymentsReceived: total('payments_received'), balanceDue,
      },
      revision: String(revision ?? 0),
    };
  }

  /** Reports whose licensee-reported royalty differs from the royalty the ledger assesses now. */
  async discrepancies(id: string) {
    // A report's assessed royalty is the latest recorded for it (a restatement or late report moves it).
    const rows = await this.db.query<Row>(
      `SELECT r.report_id, r.period, r.royalty_reported,
         COALESCE((SELECT x.royalty FROM license_report_royalties x WHERE x.license_id = r.license_id AND x.report_id = r.report_id
          ORDER BY x.position DESC LIMIT 1), '0') AS royalty_assessed
       FROM license_reports r WHERE r.license_id = $1 AND r.royalty_reported IS NOT NULL ORDER BY r.period`, [id],
    );
    const [license] = await this.db.query<{ currency: string }>('SELECT currency FROM licenses WHERE id = $1', [id]);
    return rows
      .filter((r) => !new Big(r.royalty_reported as string).eq(r.royalty_assessed as string))
      .map((r) => ({
        reportId: r.report_id, period: r.period, royaltyReported: r.royalty_reported, royaltyAssessed: r.royalty_assessed,
        difference: formatAmount(new Big(r.royalty_reported as string).minus(r.royalty_assessed as string), license.currency),
      }));
  }

  /** Licenses sharing a patent, territory and field of use with `request` over an overlapping term. */
  async overlapping(request: GrantRequest): Promise<OverlappingLicense[]> {
    if (request.patentIds.length === 0 || request.territories.length === 0) return [];
    const params: unknown[] = [normalizedField(request.fieldOfUse ?? ''), request.effectiveOn, request.expiresOn];
    const list = (values: string[]) => values.map((v) => `$${params.push(v)}`).join(', ');
    const rows = await this.db.query<{ license_id: string; exclusive: number | boolean; patent_id: string; territory: string; effective_on: string; ends_on: string }>(
      `SELECT license_id, exclusive, patent_id, territory, effective_on, ends_on FROM license_scopes
       WHERE field_of_use = $1 AND effective_on <= $3 AND ends_on >= $2
         AND patent_id IN (${list(request.patentIds)}) AND territory IN (${list(request.territories)})
       ORDER BY license_id, patent_id, territory`,
      params,
    );
    // A row per patent and territory both cover: gathered per license, for the refusal to name them.
    const byLicense = new Map<string, Required<OverlappingLicense>>();
    for (const r of rows) {
      const found = byLicense.get(r.license_id) ?? { licenseId: r.license_id, exclusive: Boolean(Number(r.exclusive)), patentIds: [], territories: [], term: { effectiveOn: r.effective_on, endsOn: r.ends_on } };
      if (!found.patentIds.includes(r.patent_id)) found.patentIds.push(r.patent_id);
      if (!found.territories.includes(r.territory)) found.territories.push(r.territory);
      byLicense.set(r.license_id, found);
    }
    return [...byLicense.values()];
  }
}
