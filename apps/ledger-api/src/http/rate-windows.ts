import { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Buckets per window: hits are counted to 1/60 of the window (a second of a minute). */
const BUCKETS = 60;
/**
 * Slots of the ring: the bucket being filled and the sixty before it. A hit is forgotten when the 61st
 * bucket after its own begins, 60 to 61 sixtieths of the window after it: never before `ttl` has passed.
 */
const SLOTS = BUCKETS + 1;
/** How often trackers with nothing left in their window are forgotten. */
const SWEEP_EVERY_MS = 60_000;

interface Window {
  /** Hits per bucket, a ring indexed by bucket number modulo SLOTS. */
  hits: Uint32Array;
  /** Bucket length in ms: its throttler's ttl / BUCKETS. */
  size: number;
  /** Bucket number of the latest hit: time / size. */
  latest: number;
  total: number;
  blockedUntil: number;
}

const slot = (bucket: number) => ((bucket % SLOTS) + SLOTS) % SLOTS;

/**
 * Hits per tracker in the last `ttl`, in buckets of a sixtieth of it: the same cost per request
 * whatever the limit. The library's default storage keeps a timestamp per hit and filters them all on
 * every request, so a client allowed many requests pays for all of them each time (5.3 % of the API's
 * CPU during the bench's HTTP ingest from one token). Blocking is the library's: past the limit,
 * refused for `blockDuration`, then counted afresh; without a block duration, refused while the window
 * holds `limit` hits.
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
    this.sweep(now);
    const size = Math.max(1, ttl / BUCKETS);
    const id = `${throttlerName}\u0000${ttl}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window) this.windows.set(id, (window = { hits: new Uint32Array(SLOTS), size, latest: Math.floor(now / size), total: 0, blockedUntil: 0 }));
    const seconds = (at: number) => Math.max(0, Math.ceil((at - now) / 1000));
    const record = (totalHits: number, blockedUntil?: number): ThrottlerStorageRecord => ({
      totalHits,
      // When the oldest counted hit leaves the window, and with it some of the allowance used.
      timeToExpire: seconds(oldestLeaves(window)),
      isBlocked: blockedUntil !== undefined,
      timeToBlockExpire: blockedUntil === undefined ? 0 : seconds(blockedUntil),
    });
    advance(window, Math.floor(now / size));
    if (window.blockedUntil > now) return record(window.total, window.blockedUntil);
    if (window.blockedUntil > 0) Object.assign(window, { hits: new Uint32Array(SLOTS), total: 0, blockedUntil: 0 });
    // Refused without a block: the hit is not counted, and waits for the oldest to leave the window.
    if (blockDuration <= 0 && window.total >= limit) return record(window.total + 1, oldestLeaves(window));
    window.hits[slot(window.latest)]++;
    window.total++;
    if (window.total > limit && blockDuration > 0) {
      window.blockedUntil = now + blockDuration;
      return record(window.total, window.blockedUntil);
    }
    return record(window.total);
  }

  /** Now and then (or after the clock stepped back), forgets trackers with no hits left and no block. */
  private sweep(now: number): void {
    if (now - this.swept < SWEEP_EVERY_MS && now >= this.swept) return;
    this.swept = now;
    for (const [id, window] of this.windows) {
      if (window.blockedUntil > now) continue;
      advance(window, Math.floor(now / window.size));
      if (window.total === 0) this.windows.delete(id);
    }
  }
}

/**
 * Moves the window to `bucket`, emptying the buckets it passed (at most SLOTS steps). A clock that
 * stepped back by more than a window starts it afresh; a smaller step counts on in the latest bucket.
 */
function advance(window: Window, bucket: number): void {
  if (bucket <= window.latest && bucket >= window.latest - SLOTS) return;
  if (bucket - window.latest >= SLOTS || bucket < window.latest) {
    window.hits.fill(0);
    window.total = 0;
  } else {
    for (let b = window.latest + 1; b <= bucket; b++) {
      window.total -= window.hits[slot(b)];
      window.hits[slot(b)] = 0;
    }
  }
  window.latest = bucket;
}

/** When the oldest bucket with hits leaves the window. */
function oldestLeaves(window: Window): number {
  for (let b = window.latest - BUCKETS; b <= window.latest; b++) {
    if (window.hits[slot(b)] > 0) return (b + SLOTS) * window.size;
  }
  return (window.latest + 1) * window.size;
}
