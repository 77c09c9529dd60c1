import { ProjectionRunner } from '@ledger/ledger';

/**
 * Waits, however long the log takes, until `reached()` is at `head`. Projections retry a failing page
 * without end (right for the API, which must not skip an event); an operator watching a progress bar
 * gets the runner's own account of what fails, and a non-zero exit, once it has failed for
 * giveUpAfterMs (CATCH_UP_GIVE_UP_MS) without a break.
 */
export async function catchUp(
  runner: Pick<ProjectionRunner, 'failing' | 'failed' | 'positions'>, reached: () => bigint, head: bigint, giveUpAfterMs: number,
  progress?: (at: bigint) => void,
): Promise<void> {
  let failingSince: number | undefined;
  while (reached() < head) {
    progress?.(reached());
    // A broken subscription is cleared by a page applied or the store answering again; a consumer already at the head is not behind.
    const behind = runner.failed().filter((name) => (runner.positions()[name] ?? -1n) < head);
    const failing = [...runner.failing(), ...behind.map((name) => `${name} lost its subscription to the store`)];
    if (failing.length === 0) failingSince = undefined;
    else if (Date.now() - (failingSince ??= Date.now()) > giveUpAfterMs) {
      throw new Error(`gave up after ${giveUpAfterMs / 1000} s of failures (CATCH_UP_GIVE_UP_MS): ${failing.join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
