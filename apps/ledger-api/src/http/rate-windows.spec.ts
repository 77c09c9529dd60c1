import { RateWindows } from './rate-windows';

const MINUTE = 60_000;

/** A storage on a clock the test moves; starts at an arbitrary instant, not at a bucket's edge. */
function clocked() {
  const clock = { now: 1_764_000_000_250 };
  return { clock, windows: new RateWindows(() => clock.now) };
}

describe('RateWindows (rate-limit storage)', () => {
  it('allows the limit, then refuses for the block duration and counts afresh after it', async () => {
    const { clock, windows } = clocked();
    for (let i = 1; i <= 5; i++) {
      expect(await windows.increment('token:a', MINUTE, 5, MINUTE, 'default')).toMatchObject({ totalHits: i, isBlocked: false, timeToBlockExpire: 0 });
    }
    expect(await windows.increment('token:a', MINUTE, 5, MINUTE, 'default')).toMatchObject({ totalHits: 6, isBlocked: true, timeToBlockExpire: 60 });
    clock.now += 45_000;
    expect(await windows.increment('token:a', MINUTE, 5, MINUTE, 'default')).toMatchObject({ isBlocked: true, timeToBlockExpire: 15 });
    clock.now += 15_000;
    expect(await windows.increment('token:a', MINUTE, 5, MINUTE, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('counts each tracker and each named limit apart', async () => {
    const { windows } = clocked();
    for (let i = 0; i < 3; i++) await windows.increment('token:a', MINUTE, 3, MINUTE, 'default');
    expect((await windows.increment('token:a', MINUTE, 3, MINUTE, 'default')).isBlocked).toBe(true);
    expect(await windows.increment('token:b', MINUTE, 3, MINUTE, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await windows.increment('token:a', MINUTE, 3, MINUTE, 'burst')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('lets hits leave the window a second at a time (no block duration: refused only while the window is full)', async () => {
    const { clock, windows } = clocked();
    await windows.increment('ip:1', MINUTE, 3, 0, 'default');
    await windows.increment('ip:1', MINUTE, 3, 0, 'default');
    clock.now += 30_000;
    // The first two hits leave 60.75 s after them: at the start of the 61st second after theirs.
    expect(await windows.increment('ip:1', MINUTE, 3, 0, 'default')).toMatchObject({ totalHits: 3, isBlocked: false, timeToExpire: 31 });
    clock.now += 10_000;
    // Full: refused, not counted, until the two oldest hits leave the window.
    expect(await windows.increment('ip:1', MINUTE, 3, 0, 'default')).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 21 });
    clock.now += 20_000;
    expect((await windows.increment('ip:1', MINUTE, 3, 0, 'default')).isBlocked).toBe(true);
    clock.now += 1_000;
    expect(await windows.increment('ip:1', MINUTE, 3, 0, 'default')).toMatchObject({ totalHits: 2, isBlocked: false });
  });

  it('never forgets a hit before the window has passed, wherever in its second it came', async () => {
    const { clock, windows } = clocked();
    clock.now += 749; // the last millisecond of a second
    await windows.increment('ip:1', MINUTE, 1, 0, 'default');
    clock.now += 59_500;
    expect(await windows.increment('ip:1', MINUTE, 1, 0, 'default')).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    clock.now += 501;
    expect(await windows.increment('ip:1', MINUTE, 1, 0, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps windows of different lengths apart: requests under one throttler never empty the window of another', async () => {
    const { clock, windows } = clocked();
    for (let i = 0; i < 3; i++) await windows.increment('token:a', MINUTE, 3, MINUTE, 'default');
    clock.now += 60_000; // a sweep is due, and the minute's hits are still in their window
    await windows.increment('token:a', 1000, 100, 1000, 'burst');
    expect(await windows.increment('token:a', MINUTE, 3, MINUTE, 'default')).toMatchObject({ totalHits: 4, isBlocked: true });
  });

  it('starts a window afresh when the clock steps back by more than the window', async () => {
    const { clock, windows } = clocked();
    for (let i = 0; i < 3; i++) await windows.increment('token:a', MINUTE, 3, 0, 'default');
    clock.now -= 5 * MINUTE;
    expect(await windows.increment('token:a', MINUTE, 3, 0, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps counting exactly at a limit of millions, in the memory of sixty buckets', async () => {
    const { clock, windows } = clocked();
    let last;
    for (let i = 0; i < 200_000; i++) {
      if (i % 4000 === 0) clock.now += 1000; // 4,000 requests a second for 50 s
      last = await windows.increment('token:bulk', MINUTE, 100_000_000, MINUTE, 'default');
    }
    expect(last).toMatchObject({ totalHits: 200_000, isBlocked: false });
    clock.now += 30_000; // the first 19 s of hits have left the window
    expect(await windows.increment('token:bulk', MINUTE, 100_000_000, MINUTE, 'default')).toMatchObject({ totalHits: 124_001 });
    expect(windows.trackers).toBe(1);
  });

  it('forgets trackers with nothing left in their window', async () => {
    const { clock, windows } = clocked();
    await windows.increment('token:a', MINUTE, 5, MINUTE, 'default');
    for (let i = 0; i < 6; i++) await windows.increment('token:blocked', MINUTE, 5, 2 * MINUTE, 'default');
    expect(windows.trackers).toBe(2);
    clock.now += 61_000;
    await windows.increment('token:c', MINUTE, 5, MINUTE, 'default');
    // token:a's hit has left its window; token:blocked is still refused for another minute.
    expect(windows.trackers).toBe(2);
    expect((await windows.increment('token:blocked', MINUTE, 5, 2 * MINUTE, 'default')).isBlocked).toBe(true);
  });
});
