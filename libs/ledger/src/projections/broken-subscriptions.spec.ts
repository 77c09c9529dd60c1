import { BrokenSubscriptions } from './broken-subscriptions';
import { MAX_BACKOFF_MS } from './retries';

describe('BrokenSubscriptions', () => {
  it('waits longer with each break in a row: from the retry base, doubling, up to the longest backoff', () => {
    const broken = new BrokenSubscriptions({ headPosition: async () => 0n }, { warn: () => undefined }, 100, () => false);
    const delays = Array.from({ length: 8 }, () => broken.broke(['journal', 'parties'], 'connection terminated').delayMs);
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, MAX_BACKOFF_MS, MAX_BACKOFF_MS]); // it was 5 s from the first
    expect(broken.breaks()).toEqual(new Map([['journal', 8], ['parties', 8]]));
  });

  it('is over once the store answers after the resubscription, unless the subscription broke again meanwhile', () => {
    const broken = new BrokenSubscriptions({ headPosition: async () => 0n }, { warn: () => undefined }, 100, () => false);
    const first = broken.broke(['journal'], 'connection terminated');
    const second = broken.broke(['journal'], 'connection terminated');
    broken.recovered(first.marks); // the answer to the first resubscription came after the second break
    expect(broken.names()).toEqual(['journal']);
    broken.recovered(second.marks);
    expect(broken.names()).toEqual([]);
    expect(broken.broke(['journal'], 'connection terminated').delayMs).toBe(100); // a new outage starts short again
  });

  it('is over for a consumer a page reached', () => {
    const broken = new BrokenSubscriptions({ headPosition: async () => 0n }, { warn: () => undefined }, 100, () => false);
    broken.broke(['journal', 'distribution'], 'connection terminated');
    broken.cleared('journal');
    expect(broken.names()).toEqual(['distribution']);
  });
});
