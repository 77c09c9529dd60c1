import { EventEmitter } from 'node:events';
import { EventHandler, ReadAllOptions, RecordedEvent, SubscribeAllOptions, Subscription } from './port';

export interface PollingSource {
  /** Reads user events with position >= fromPosition, in position order. */
  readAll(fromPosition: bigint, maxCount: number): Promise<RecordedEvent[]>;
  /** Registers a wake-up for new appends; returns the unregister function. */
  onAppend(listener: () => void): () => void;
}

export interface PollingSettings {
  batchSize: number;
  /** Poll even without a wake-up: other processes may append to the same store. */
  idlePollMs: number;
}

/**
 * Catch-up then live delivery for SQL stores: read batches from the checkpoint until the log is
 * exhausted, then sleep until an append wakes us or the idle poll interval passes. Only gap-safe
 * readAll implementations may sit behind it (a position once delivered is never preceded later).
 */
export function pollingSubscription(
  source: PollingSource,
  settings: PollingSettings,
  options: SubscribeAllOptions,
  handler: EventHandler,
): Subscription {
  let stopped = false;
  let wake: (() => void) | undefined;
  let woken = false;
  const unregister = source.onAppend(() => {
    woken = true;
    wake?.();
  });
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(done, settings.idlePollMs);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const from = options.fromPosition;
  let next = from === undefined || from === 'start' ? 0n : from + 1n;

  const loop = async () => {
    try {
      while (!stopped) {
        woken = false;
        const batch = await source.readAll(next, settings.batchSize);
        for (const event of batch) {
          if (stopped) return;
          await handler(event);
          next = event.position + 1n;
        }
        if (batch.length < settings.batchSize) await sleep();
      }
    } finally {
      unregister();
    }
  };
  const done = loop();
  return {
    done,
    async stop() {
      stopped = true;
      wake?.();
      await done.catch(() => undefined);
    },
  };
}

/** subscribeAll of a SQL store: its own readAll in batches of 500, woken by 'append' on `appended`. */
export function sqlStoreSubscription(
  store: { readAll(options: ReadAllOptions): Promise<RecordedEvent[]> },
  appended: EventEmitter,
  idlePollMs: number,
  options: SubscribeAllOptions,
  handler: EventHandler,
): Subscription {
  return pollingSubscription(
    {
      readAll: (fromPosition, maxCount) => store.readAll({ fromPosition, maxCount }),
      onAppend: (listener) => {
        appended.on('append', listener);
        return () => appended.off('append', listener);
      },
    },
    { batchSize: 500, idlePollMs },
    options,
    handler,
  );
}
