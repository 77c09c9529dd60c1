import { ExpectedRevision, IdempotencyViolation, RecordedEvent, AppendResult, NewEvent } from './port';

/**
 * Decides whether an append is a retry of an earlier one, as EventStoreDB does: the same event ids, in
 * the same order, already stand in the stream right where the expected revision would have put them.
 * `existing` are the stream's events carrying any of the new ids, in revision order.
 *
 * Returns the earlier append's result for a retry, undefined when none of the ids is known (a fresh
 * append), and throws when the ids are only partly known or sit elsewhere.
 */
export function retriedAppend(
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  existing: readonly RecordedEvent[],
): AppendResult | undefined {
  if (existing.length === 0) return undefined;
  const sameIds =
    existing.length === events.length && existing.every((e, i) => e.id === events[i].id);
  const contiguous = existing.every((e, i) => e.revision === existing[0].revision + BigInt(i));
  if (!sameIds || !contiguous) {
    throw new IdempotencyViolation(streamId, 'event ids were appended before in another batch');
  }
  const first = existing[0].revision;
  const placeMatches =
    expected === 'any' ||
    expected === 'exists' ||
    (expected === 'no_stream' && first === 0n) ||
    (typeof expected === 'bigint' && expected === first - 1n);
  if (!placeMatches) return undefined; // not a retry of that append: let the revision check refuse it
  const last = existing[existing.length - 1];
  return { nextRevision: last.revision, position: last.position };
}
