import { catchUp } from './catch-up';

/** A runner as catchUp sees it: `at` is where the rebuilt projection is; `parties` sits at the head. */
function runner(failing: string[], failed: string[], at: () => bigint) {
  return { failing: () => failing, failed: () => failed, positions: () => ({ parties: 10n, journal: at() }) };
}

describe('catchUp', () => {
  it('waits for the projection to reach the head', async () => {
    let at = -1n;
    const seen: bigint[] = [];
    setTimeout(() => (at = 4n), 150);
    setTimeout(() => (at = 10n), 300);
    await catchUp(runner([], [], () => at), () => at, 10n, 1000, (p) => seen.push(p));
    expect(seen).toContain(-1n);
    expect(seen).toContain(4n);
  });

  it('gives up on work that keeps failing, saying what fails', async () => {
    const failing = ['projection journal failed on RoyaltyAssessed@7 (attempt 3): disk full'];
    await expect(catchUp(runner(failing, [], () => 3n), () => 3n, 10n, 300))
      .rejects.toThrow('gave up after 0.3 s of failures (CATCH_UP_GIVE_UP_MS): projection journal failed on RoyaltyAssessed@7 (attempt 3): disk full');
  });

  it('gives up on a consumer behind the head whose subscription stays broken', async () => {
    await expect(catchUp(runner([], ['journal'], () => 3n), () => 3n, 10n, 300))
      .rejects.toThrow('journal lost its subscription to the store');
  });

  it('ignores a broken subscription of a consumer already at the head: nothing may ever clear it', async () => {
    let at = 3n;
    setTimeout(() => (at = 10n), 600);
    await catchUp(runner([], ['parties'], () => at), () => at, 10n, 300);
    expect(at).toBe(10n);
  });
});
