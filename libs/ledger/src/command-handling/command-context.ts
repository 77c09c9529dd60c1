import { Actor, EventMetadata } from '@ledger/event-store';

/** Who asks, on behalf of which request, and when: the data every appended event records. */
export interface CommandContext {
  actor: Actor;
  correlationId: string;
  causationId: string;
  /** ISO instant of the request; the domain gets time only as data. */
  now: string;
}

export function metadataFor(ctx: CommandContext): EventMetadata {
  return { actor: ctx.actor, correlationId: ctx.correlationId, causationId: ctx.causationId, recordedAt: ctx.now };
}
