import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';

type Row = Record<string, string>;

@Injectable()
export class PatentsQuery {
  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  async findById(id: string) {
    const [p] = await this.db.query<Row>('SELECT * FROM patents WHERE id = $1', [id]);
    if (!p) return undefined;
    const costs = await this.db.query<Row>('SELECT * FROM patent_costs WHERE patent_id = $1 ORDER BY position', [id]);
    return {
      id: p.id, title: p.title, number: p.number, jurisdiction: p.jurisdiction, filedOn: p.filed_on, expiresOn: p.expires_on,
      owners: JSON.parse(p.owners), inventors: JSON.parse(p.inventors),
      costs: costs.map((c) => ({
        costId: c.cost_id, partyId: c.party_id, amount: c.amount, currency: c.currency, incurredOn: c.incurred_on, description: c.description,
      })),
    };
  }
}
