/** What the ledger writes: events in the log and rows in the read models, to put ingest and rebuild rates in proportion. */
import { PROJECTIONS } from '../../libs/ledger/src';
import { EventStore } from '../../libs/event-store/src/port';
import { ReadModelDb } from '../../libs/ledger/src/read-model/read-model-db';
import { readAllRate } from './raw-store';

export interface WriteVolume { events: number; rows: number }

/** Rows in every projection's tables, now. */
export async function readModelRows(readModels: ReadModelDb): Promise<number> {
  let rows = 0;
  for (const table of PROJECTIONS.flatMap((p) => p.tables)) {
    const [row] = await readModels.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`);
    rows += Number(row.n);
  }
  return rows;
}

/** Events in the log and rows in the read models, now. */
export async function writeVolume(events: EventStore, readModels: ReadModelDb): Promise<WriteVolume> {
  return { events: (await readAllRate(events)).events, rows: await readModelRows(readModels) };
}

/** Per unit of `per`, to one decimal. */
export const each = (amount: number, per: number) => Math.round((10 * amount) / per) / 10;
