import { within } from './deadline';

describe('within', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("answers the work's answer in time, and leaves no timer behind", async () => {
    await expect(within(1000, Promise.resolve('done'), () => 'late')).resolves.toBe('done');
    expect(jest.getTimerCount()).toBe(0);
  });

  it("answers late()'s once the time has passed, or fails with what it throws", async () => {
    const never = new Promise<string>(() => undefined);
    const late = within(1000, never, () => 'late');
    jest.advanceTimersByTime(1000);
    await expect(late).resolves.toBe('late');
    const refused = within(1000, never, () => { throw new Error('stopped answering'); });
    jest.advanceTimersByTime(1000);
    await expect(refused).rejects.toThrow('stopped answering');
  });

  it('fails with the work when it fails in time', async () => {
    await expect(within(1000, Promise.reject(new Error('refused')), () => 'late')).rejects.toThrow('refused');
    expect(jest.getTimerCount()).toBe(0);
  });
});
