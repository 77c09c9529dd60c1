import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyRole, LicenseTerms } from '@ledger/domain';
import { READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';

export interface KeyPrincipal {
  keyId: string;
  partyId: string;
  role: ApiKeyRole;
}

/** Facts the access guard decides on: who holds a token, and who is party to a license. */
@Injectable()
export class AccessQuery {
  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  async activeKey(hash: string): Promise<KeyPrincipal | undefined> {
    const [row] = await this.db.query<{ key_id: string; party_id: string; role: ApiKeyRole }>(
      'SELECT key_id, party_id, role FROM api_keys WHERE token_hash = $1 AND revoked = 0', [hash],
    );
    return row && { keyId: row.key_id, partyId: row.party_id, role: row.role };
  }

  /** The licensee, and every party that earns from the license (its licensors and their beneficiaries). */
  async licenseParties(licenseId: string): Promise<{ licenseeId: string; earners: Set<string> } | undefined> {
    const [license] = await this.db.query<{ terms: string }>('SELECT terms FROM licenses WHERE id = $1', [licenseId]);
    if (!license) return undefined;
    const terms = JSON.parse(license.terms) as LicenseTerms;
    const beneficiaries = await this.db.query<{ party_id: string }>('SELECT party_id FROM license_earners WHERE license_id = $1', [licenseId]);
    const earners = new Set([...terms.revenueShares.map((s) => s.partyId), ...beneficiaries.map((b) => b.party_id)]);
    return { licenseeId: terms.licenseeId, earners };
  }
}
