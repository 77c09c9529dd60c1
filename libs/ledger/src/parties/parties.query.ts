import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL_DB } from '../event-store/tokens';
import { ReadModelDb } from '../read-model/read-model-db';

export interface PartyView {
  id: string;
  name: string;
  kind: string;
  registeredAt: string;
}

@Injectable()
export class PartiesQuery {
  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  async findById(id: string): Promise<PartyView | undefined> {
    const [row] = await this.db.query<{ id: string; name: string; kind: string; registered_at: string }>(
      'SELECT id, name, kind, registered_at FROM parties WHERE id = $1', [id],
    );
    return row && { id: row.id, name: row.name, kind: row.kind, registeredAt: row.registered_at };
  }
}
