/**
 * A party's allocations folded from the log with no snapshot, as the first allocation to that party
 * after a restart folds them: the whole fold runs on the event loop, so its length is how long the
 * API stands still.
 */
import { distributionDecider, partyStream } from '../../libs/domain/src';
import { EventStore } from '../../libs/event-store/src/port';
import { StreamStates, deciderFold } from '../../libs/ledger/src';
import { rate } from './raw-store';

export async function partyFoldRate(store: EventStore, partyId: string): Promise<{ events: number; rate: number; seconds: number }> {
  const t = performance.now();
  const { revision } = await new StreamStates(store).load(partyStream(partyId), deciderFold(distributionDecider));
  const ms = performance.now() - t;
  const events = Number(revision ?? -1n) + 1;
  return { events, rate: rate(events, ms), seconds: ms / 1000 };
}
