import type { Position } from '@eventstore/db-client';

/**
 * EventStoreDB orders $all by {commit, prepare} (commit first). Both are unsigned 64-bit log positions,
 * so `(commit << 64n) | prepare` is one bigint with exactly that order. Events of one explicit
 * transaction share a commit position and differ by prepare, which is why prepare is kept.
 */
const BITS = 64n;
const MASK = (1n << BITS) - 1n;
const LIMIT = 1n << BITS;

/** The server's "no position" (a stream read from a server before 22.6): ulong.MaxValue twice. */
export const UNKNOWN_POSITION: Position = { commit: MASK, prepare: MASK };

export function encodePosition({ commit, prepare }: Position): bigint {
  if (commit < 0n || commit >= LIMIT || prepare < 0n || prepare >= LIMIT) {
    throw new RangeError(`not an EventStoreDB position: ${commit}/${prepare}`);
  }
  return (commit << BITS) | prepare;
}

export function decodePosition(position: bigint): Position {
  if (position < 0n || position >= LIMIT << BITS) {
    throw new RangeError(`not an encoded EventStoreDB position: ${position}`);
  }
  return { commit: position >> BITS, prepare: position & MASK };
}

/**
 * The position to hand the server for "everything at or after `position`". A real record never has
 * prepare > commit and clients refuse such pairs, but `lastPosition + 1n` produces one: it is
 * lowered to {commit, commit}, which is inclusive of at most one event the caller must then filter
 * out by comparing encoded positions.
 */
export function toServerPosition(position: bigint): Position {
  const { commit, prepare } = decodePosition(position);
  return { commit, prepare: prepare > commit ? commit : prepare };
}

/** Encodes a position the server returned, or -1n when it sent none. */
export function positionOrUnknown(position: Position | undefined): bigint {
  if (!position) return -1n;
  if (position.commit === UNKNOWN_POSITION.commit && position.prepare === UNKNOWN_POSITION.prepare) return -1n;
  return encodePosition(position);
}
