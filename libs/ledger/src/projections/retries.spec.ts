import { RecordedEvent } from '@ledger/event-store';
import { Retries } from './retries';

const event = { type: 'RoyaltyAssessed', position: 9n } as unknown as RecordedEvent;

describe('Retries', () => {
  it('keeps what is failing now, and for how many attempts, until the work succeeds', async () => {
    const warnings: string[] = [];
    const retries = new Retries({ warn: (m) => warnings.push(m) }, 1, () => false);
    const seen: [string[], Map<string, number>][] = [];
    let calls = 0;
    await retries.run(() => ({ name: 'distribution', event }), async () => {
      seen.push([retries.failing(), retries.failedAttempts()]);
      if (++calls < 4) throw new Error('amount must have at most 20 digits before the decimal point');
    });
    expect(seen.map(([, attempts]) => attempts.get('distribution'))).toEqual([undefined, 1, 2, 3]);
    expect(seen[3][0]).toEqual(['projection distribution failed on RoyaltyAssessed@9 (attempt 3): amount must have at most 20 digits before the decimal point']);
    expect(warnings).toHaveLength(3);
    expect([retries.failing(), retries.failedAttempts()]).toEqual([[], new Map()]); // it succeeded: nothing is failing
  });

  it("reports a consumer's longest loop when several of its loops fail at once", async () => {
    const retries = new Retries({ warn: () => undefined }, 1, () => false);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const failTimes = (n: number) => { let left = n; return async () => { if (left-- > 0) throw new Error('no'); await held; }; };
    const loops = [retries.run(() => ({ name: 'journal', event }), failTimes(1)), retries.run(() => ({ name: 'journal', event }), failTimes(3))];
    while ((retries.failedAttempts().get('journal') ?? 0) < 3) await new Promise((r) => setTimeout(r, 1));
    expect(retries.failedAttempts()).toEqual(new Map([['journal', 3]]));
    release();
    await Promise.all(loops);
    expect(retries.failedAttempts()).toEqual(new Map());
  });

  it('charges a failure to every consumer it holds: a page failing at its commit holds each projection it writes', async () => {
    const retries = new Retries({ warn: () => undefined }, 1, () => false);
    let calls = 0;
    const seen: Map<string, number>[] = [];
    await retries.run(() => ({ name: 'journal, licenses (at commit)', event, holds: ['journal', 'licenses'] }), async () => {
      seen.push(retries.failedAttempts());
      if (++calls < 3) throw new Error('could not serialize access');
    });
    // Before, under the name "journal, licenses (at commit)", which no gauge or /health check looked up.
    expect(seen[2]).toEqual(new Map([['journal', 2], ['licenses', 2]]));
  });
});
