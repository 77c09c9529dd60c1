import { EventStore, WrongExpectedRevision } from '@ledger/event-store';
import { LedgerMetrics } from './metrics';
import { TimedEventStore } from './timed-event-store';

describe('TimedEventStore', () => {
  it('observes each append under its outcome: appended, conflict or error', async () => {
    const outcomes = [
      async () => ({ position: 1n, nextRevision: 0n }),
      async () => { throw new WrongExpectedRevision('party-1', 0n, 3n); },
      async () => { throw new Error('disk I/O error'); },
    ];
    const inner = { kind: 'sqlite', append: () => outcomes.shift()!() } as unknown as EventStore;
    const metrics = new LedgerMetrics();
    const store = new TimedEventStore(inner, metrics);
    await store.append('party-1', [], { expectedRevision: 'any' });
    await expect(store.append('party-1', [], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedRevision);
    await expect(store.append('party-1', [], { expectedRevision: 'any' })).rejects.toThrow('disk I/O error');
    const text = await metrics.registry.metrics();
    for (const outcome of ['appended', 'conflict', 'error']) {
      expect(text).toMatch(new RegExp(`ledger_event_append_duration_seconds_count\\{store="sqlite",outcome="${outcome}"\\} 1`));
    }
  });
});
