import { EventStore, NewEvent } from '@ledger/event-store';
import { EVENT_STORE } from '@ledger/ledger';
import { LedgerUnderTest } from './ledger-app';

/**
 * Runs `meanwhile` once, just before the first append of an event of `type` to `stream`, as a race
 * would have it land; counts those appends (a write that lost the race and was decided again makes two).
 * Undone by jest.restoreAllMocks().
 */
export function landingBefore(ledger: LedgerUnderTest, stream: string, type: string, meanwhile: () => Promise<unknown>): { appends: number } {
  const store = ledger.app.get<EventStore>(EVENT_STORE);
  const append = store.append.bind(store);
  const tries = { appends: 0 };
  jest.spyOn(store, 'append').mockImplementation(async (appendedTo: string, events: readonly NewEvent[], options) => {
    if (appendedTo === stream && events.some((e) => e.type === type) && tries.appends++ === 0) await meanwhile();
    return append(appendedTo, events, options);
  });
  return tries;
}
