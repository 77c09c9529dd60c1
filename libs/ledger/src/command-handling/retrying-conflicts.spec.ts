import { WrongExpectedRevision } from '@ledger/event-store';
import { retryingConflicts } from './handle-command';

const conflict = () => new WrongExpectedRevision('party-1', 3n, 4n);

describe('retryingConflicts', () => {
  it('decides again after a lost race and answers with the attempt that won', async () => {
    let calls = 0;
    const outcome = await retryingConflicts(async () => {
      calls += 1;
      if (calls < 3) throw conflict();
      return calls;
    });
    expect(outcome).toBe(3);
  });

  it('lets the conflict stand past the last attempt', async () => {
    let calls = 0;
    await expect(retryingConflicts(async () => { calls += 1; throw conflict(); }, 4)).rejects.toBeInstanceOf(WrongExpectedRevision);
    expect(calls).toBe(4);
  });

  it('never repeats a command refused for anything else', async () => {
    let calls = 0;
    await expect(retryingConflicts(async () => { calls += 1; throw new Error('payout-exceeds-balance'); })).rejects.toThrow('payout-exceeds-balance');
    expect(calls).toBe(1);
  });
});
