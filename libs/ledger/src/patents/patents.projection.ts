import { PatentCostRecorded, PatentRegistered } from '@ledger/domain';
import { RecordedEvent } from '@ledger/event-store';
import { Projection } from '../projections/projection';
import { TransactionExecutor } from '../read-model/read-model-db';
import { sortablePosition } from '../journal/journal.projection';

export const patentsProjection: Projection = {
  name: 'patents',
  schema: [
    `CREATE TABLE IF NOT EXISTS patents (
       id TEXT PRIMARY KEY, title TEXT NOT NULL, number TEXT NOT NULL, jurisdiction TEXT NOT NULL,
       filed_on TEXT NOT NULL, expires_on TEXT NOT NULL, owners TEXT NOT NULL, inventors TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS patent_costs (
       cost_id TEXT PRIMARY KEY, patent_id TEXT NOT NULL, party_id TEXT NOT NULL, amount TEXT NOT NULL,
       currency TEXT NOT NULL, incurred_on TEXT NOT NULL, description TEXT NOT NULL, position TEXT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS patent_costs_by_patent ON patent_costs (patent_id, position)',
  ],
  tables: ['patents', 'patent_costs'],
  // 2: costs' positions padded (sortablePosition), as their text is what orders them: position 10 came before 9.
  version: 2,
  handles: new Set(['PatentRegistered', 'PatentCostRecorded']),
  async apply(event: RecordedEvent, tx: TransactionExecutor) {
    if (event.type === 'PatentRegistered') {
      const p = (event as unknown as PatentRegistered).data;
      tx.defer(
        `INSERT INTO patents (id, title, number, jurisdiction, filed_on, expires_on, owners, inventors)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [p.patentId, p.title, p.number, p.jurisdiction, p.filedOn, p.expiresOn, JSON.stringify(p.owners), JSON.stringify(p.inventors)],
      );
    } else {
      const c = (event as unknown as PatentCostRecorded).data;
      tx.defer(
        `INSERT INTO patent_costs (cost_id, patent_id, party_id, amount, currency, incurred_on, description, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (cost_id) DO NOTHING`,
        [c.costId, c.patentId, c.partyId, c.amount, c.currency, c.incurredOn, c.description, sortablePosition(event.position)],
      );
    }
  },
};
