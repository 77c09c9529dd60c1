import { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Buckets per window: hits are counted to 1/60 of the window (a second of a minute). */
const BUCKETS = 60;

interface Window {
  /** Hits per bucket, a ring indexed by bucket number modulo BUCKETS. */
  hits: Uint32Array;
  /** Bucket number of the latest hit: time / bucket length. */
  latest: number;
  total: number;
  blockedUntil: number;
}

/**
 * Hits per tracker in the last `ttl`, in sixty buckets: the same cost per request whatever the limit.
 * The library's default storage keeps a timestamp per hit and filters them all on every request, so a
 * client allowed many requests pays for all of them each time (5 % of the API's CPU at 460 reports/s
 * from one token in the bench). Blocking is the library's: past the limit, refused for `blockDuration`,
 * then counted afresh; without a block duration, refused while the window holds `limit` hits.
 */
export class RateWindows implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private swept = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Trackers with hits in their window or a block: what this storage holds in memory. */
  get trackers(): number {
    return this.windows.size;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const size = Math.max(1, ttl / BUCKETS);
    const bucket = Math.floor(now / size);
    this.sweep(now, ttl, size);
    const id = `${throttlerName}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window) this.windows.set(id, (window = { hits: new Uint32Array(BUCKETS), latest: bucket, total: 0, blockedUntil: 0 }));
    const seconds = (at: number) => Math.max(0, Math.ceil((at - now) / 1000));
    const record = (totalHits: number, blockedUntil?: number): ThrottlerStorageRecord => ({
      totalHits,
      // When the oldest counted hit leaves the window, and with it some of the allowance used.
      timeToExpire: seconds(this.oldestLeaves(window, size)),
      isBlocked: blockedUntil !== undefined,
      timeToBlockExpire: blockedUntil === undefined ? 0 : seconds(blockedUntil),
    });
    if (window.blockedUntil > now) return record(window.total, window.blockedUntil);
    if (window.blockedUntil > 0) Object.assign(window, { hits: new Uint32Array(BUCKETS), total: 0, blockedUntil: 0 });
    advance(window, bucket);
    // Refused without a block: the hit is not counted, and waits for the oldest to leave the window.
    if (blockDuration <= 0 && window.total >= limit) return record(window.total + 1, this.oldestLeaves(window, size));
    // Counted in the latest bucket: a clock that stepped back never counts a hit in a bucket gone by.
    window.hits[window.latest % BUCKETS]++;
    window.total++;
    if (window.total > limit && blockDuration > 0) {
      window.blockedUntil = now + blockDuration;
      return record(window.total, window.blockedUntil);
    }
    return record(window.total);
  }

  /** The time the oldest bucket with hits leaves the window. */
  private oldestLeaves(window: Window, size: number): number {
    for (let b = window.latest - BUCKETS + 1; b <= window.latest; b++) {
      if (window.hits[((b % BUCKETS) + BUCKETS) % BUCKETS] > 0) return (b + BUCKETS) * size;
    }
    return (window.latest + 1) * size;
  }

  /** Once per window length, forgets trackers with no hits left in theirs and no block. */
  private sweep(now: number, ttl: number, size: number): void {
    if (now - this.swept < ttl) return;
    this.swept = now;
    const bucket = Math.floor(now / size);
    for (const [id, window] of this.windows) {
      if (window.blockedUntil > now) continue;
      advance(window, bucket);
      if (window.total === 0) this.windows.delete(id);
    }
  }
}

/** Moves the window to `bucket`, emptying the buckets it passed: at most BUCKETS steps. */
function advance(window: Window, bucket: number): void {
  if (bucket <= window.latest) return;
  if (bucket - window.latest >= BUCKETS) {
    window.hits.fill(0);
    window.total = 0;
  } else {
    for (let b = window.latest + 1; b <= bucket; b++) {
      window.total -= window.hits[b % BUCKETS];
      window.hits[b % BUCKETS] = 0;
    }
  }
  window.latest = bucket;
}
