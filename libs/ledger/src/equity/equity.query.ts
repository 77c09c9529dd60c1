import { Inject, Injectable } from '@nestjs/common';
import { capTable, equityStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { toDomainEvent } from '../command-handling/handle-command';
import { EVENT_STORE, READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';

/** Cap positions are folded from the deal's stream, so any business date can be asked for (asOf). */
@Injectable()
export class EquityQuery {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  /** `recordedBy`: an ISO instant (UTC); only what the ledger had recorded by then. */
  async capTable(dealId: string, asOf?: string, recordedBy?: string) {
    const events = (await this.store.readStream(equityStream(dealId))).filter((e) => recordedBy === undefined || e.metadata.recordedAt <= recordedBy);
    return events.length ? capTable(events.map((e) => toDomainEvent(e)), asOf) : undefined;
  }

  /** The party's position in every deal it takes part in, as of a business date (and recorded by an instant). */
  async holdingsOf(partyId: string, asOf?: string, recordedBy?: string) {
    const deals = await this.db.query<{ deal_id: string }>('SELECT deal_id FROM equity_holdings WHERE party_id = $1 ORDER BY deal_id', [partyId]);
    const positions = [];
    for (const { deal_id } of deals) {
      const table = await this.capTable(deal_id, asOf, recordedBy);
      const holder = table?.holders.find((h) => h.partyId === partyId);
      // The deal's currency beside its amounts: a statement spans currencies, and its equity section has no other.
      if (table && holder) {
        positions.push({ dealId: deal_id, issuerId: table.issuerId, shareClass: table.shareClass, currency: table.currency, fullyDilutedShares: table.fullyDilutedShares, ...holder });
      }
    }
    return positions;
  }
}
