import { ProbeTimedOut, SingleFlightProbe } from './database-probes';

const PROBE_MS = 100;

describe('SingleFlightProbe', () => {
  it('gives the answer, and asks again once the last question was answered', async () => {
    let n = 0;
    const probe = new SingleFlightProbe(async () => ++n);
    expect(await probe.run(PROBE_MS)).toBe(1);
    expect(await probe.run(PROBE_MS)).toBe(2);
  });

  it("passes a failure on, and the next call asks again", async () => {
    const ask = jest.fn().mockRejectedValueOnce(new Error('ECONNREFUSED')).mockResolvedValueOnce('up');
    const probe = new SingleFlightProbe(ask);
    await expect(probe.run(PROBE_MS)).rejects.toThrow('ECONNREFUSED');
    expect(await probe.run(PROBE_MS)).toBe('up');
  });

  it('gives up after the bound while the question hangs, and never asks a second one meanwhile', async () => {
    const ask = jest.fn(() => new Promise<void>(() => undefined)); // a blackholed connection
    const probe = new SingleFlightProbe(ask);
    const started = Date.now();
    const results = await Promise.allSettled([probe.run(PROBE_MS), probe.run(PROBE_MS)]);
    // The question never ends: any answer came from the bound; the margin is for a slow machine, not for TCP's minutes.
    expect(Date.now() - started).toBeLessThan(PROBE_MS + 5000);
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof ProbeTimedOut)).toBe(true);
    await expect(probe.run(PROBE_MS)).rejects.toBeInstanceOf(ProbeTimedOut);
    expect(ask).toHaveBeenCalledTimes(1);
  });
});
