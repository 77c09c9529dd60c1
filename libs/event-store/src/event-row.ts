import { RecordedEvent } from './port';

/** An event as both SQL stores keep it: JSON text for data and metadata, integers for the numbering. */
export interface EventRow {
  /** int8 arrives from pg as a string, from SQLite as a bigint: always BigInt() it, never Number(). */
  position: string | bigint;
  stream_id: string;
  revision: string | bigint;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}
