import {
  AppendOptions, AppendResult, EventHandler, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent,
  IdempotencyViolation, SubscribeAllOptions, Subscription, WrongExpectedRevision,
} from '@ledger/event-store';
import { LedgerMetrics } from './metrics';

/** The configured store with its append latency observed; every other call is passed through. */
export class TimedEventStore implements EventStore {
  readonly kind: EventStore['kind'];

  constructor(private readonly inner: EventStore, private readonly metrics: LedgerMetrics) {
    this.kind = inner.kind;
  }

  /** Labelled by outcome: a conflict is refused fast, and mixed in it would hide what a committed append takes. */
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const end = this.metrics.appendDuration.startTimer({ store: this.kind });
    let outcome = 'error';
    try {
      const result = await this.inner.append(streamId, events, options);
      outcome = 'appended';
      return result;
    } catch (error) {
      if (error instanceof WrongExpectedRevision || error instanceof IdempotencyViolation) outcome = 'conflict';
      throw error;
    } finally {
      end({ outcome });
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
