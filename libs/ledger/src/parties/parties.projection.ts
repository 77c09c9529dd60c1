import { PartyRegistered } from '@ledger/domain';
import { RecordedEvent } from '@ledger/event-store';
import { Projection } from '../projections/projection';
import { TransactionExecutor } from '../read-model/read-model-db';

export const partiesProjection: Projection = {
  name: 'parties',
  schema: [
    `CREATE TABLE IF NOT EXISTS parties (
       id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
       registered_at TEXT NOT NULL, position TEXT NOT NULL)`,
  ],
  tables: ['parties'],
  handles: new Set(['PartyRegistered']),
  async apply(event: RecordedEvent, tx: TransactionExecutor) {
    const { partyId, name, kind } = (event as unknown as PartyRegistered).data;
    tx.defer(
      `INSERT INTO parties (id, name, kind, registered_at, position) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING`,
      [partyId, name, kind, event.metadata.recordedAt, event.position.toString()],
    );
  },
};
