import {
  AppendOptions, AppendResult, EventHandler, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent,
  SubscribeAllOptions, Subscription,
} from '@ledger/event-store';
import { LedgerMetrics } from './metrics';

/** The configured store with its append latency observed; every other call is passed through. */
export class TimedEventStore implements EventStore {
  readonly kind: EventStore['kind'];

  constructor(private readonly inner: EventStore, private readonly metrics: LedgerMetrics) {
    this.kind = inner.kind;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const end = this.metrics.appendDuration.startTimer({ store: this.kind });
    try {
      return await this.inner.append(streamId, events, options);
    } finally {
      end();
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeAll(options: SubscribeAllOptions, handler: EventHandler): Subscription {
    return this.inner.subscribeAll(options, handler);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
