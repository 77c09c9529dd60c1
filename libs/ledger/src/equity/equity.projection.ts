import { RecordedEvent } from '@ledger/event-store';
import { Projection } from '../projections/projection';

/** Which parties take part in which equity deals: the index behind the statements' equity section. */
export const equityHoldingsProjection: Projection = {
  name: 'equity-holdings',
  schema: ['CREATE TABLE IF NOT EXISTS equity_holdings (deal_id TEXT NOT NULL, party_id TEXT NOT NULL, PRIMARY KEY (deal_id, party_id))'],
  tables: ['equity_holdings'],
  handles: new Set(['EquityStakeGranted', 'EquityAwarded']),
  async apply(event: RecordedEvent, tx) {
    const data = event.data as { dealId: string; holderId?: string; awards?: { partyId: string }[] };
    const parties = event.type === 'EquityStakeGranted' ? [data.holderId as string] : (data.awards ?? []).map((a) => a.partyId);
    for (const partyId of parties) {
      tx.defer('INSERT INTO equity_holdings (deal_id, party_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [data.dealId, partyId]);
    }
  },
};
