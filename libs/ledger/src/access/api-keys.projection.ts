import { ApiKeyIssued } from '@ledger/domain';
import { Projection } from '../projections/projection';

export const apiKeysProjection: Projection = {
  name: 'api-keys',
  schema: [
    `CREATE TABLE IF NOT EXISTS api_keys (
       key_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, party_id TEXT NOT NULL, role TEXT NOT NULL,
       revoked INTEGER NOT NULL DEFAULT 0)`,
  ],
  tables: ['api_keys'],
  handles: new Set(['ApiKeyIssued', 'ApiKeyRevoked']),
  async apply(event, tx) {
    if (event.type === 'ApiKeyIssued') {
      const k = (event as unknown as ApiKeyIssued).data;
      tx.defer(
        'INSERT INTO api_keys (key_id, token_hash, party_id, role) VALUES ($1, $2, $3, $4) ON CONFLICT (key_id) DO NOTHING',
        [k.keyId, k.tokenHash, k.partyId, k.role],
      );
    } else {
      tx.defer('UPDATE api_keys SET revoked = 1 WHERE key_id = $1', [(event.data as { keyId: string }).keyId]);
    }
  },
};
