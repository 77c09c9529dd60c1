/** Callers waiting for a position (`?minPosition=`, operator tools), woken each time it advances. */
export class PositionWaiters {
  private readonly waiters = new Set<() => void>();

  /** `position` is the lowest position every consumer has reached. */
  constructor(private readonly position: () => bigint) {}

  /** Resolves true once `position` is reached, false after `timeoutMs`. */
  async reach(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.position() >= position) return true;
    return new Promise((resolve) => {
      const check = () => {
        if (this.position() < position) return;
        finish(true);
      };
      const finish = (reached: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(reached);
      };
      const timer = setTimeout(() => finish(this.position() >= position), timeoutMs);
      this.waiters.add(check);
    });
  }

  advanced(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
