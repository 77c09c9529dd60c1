import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '@ledger/event-store';
import { EVENT_STORE, READ_MODEL_DB, ReadModelDb } from '@ledger/ledger';

/** Thrown to the callers of a probe that did not answer in time; the question itself stays asked. */
export class ProbeTimedOut extends Error {
  override readonly name = 'ProbeTimedOut';
}

/**
 * A question to a database (a ping, the head of the log) asked at most once at a time, whose callers
 * each wait at most the time they give. A query given up on keeps its pool connection (pg cannot cancel it) until
 * TCP gives up, which can take minutes on a blackholed link: asking again on every call would take the
 * whole pool from the ledger, one probe at a time. Callers meanwhile share the question in flight.
 */
export class SingleFlightProbe<T> {
  private pending?: Promise<T>;

  constructor(private readonly ask: () => Promise<T>) {}

  async run(timeoutMs: number): Promise<T> {
    this.pending ??= Promise.resolve().then(this.ask).finally(() => { this.pending = undefined; });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProbeTimedOut(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The probes /health and /metrics share: one question of each kind in flight for the whole process,
 * however many probes and scrapes arrive while a database hangs.
 */
@Injectable()
export class DatabaseProbes {
  readonly storePing: SingleFlightProbe<void>;
  readonly readModelsPing: SingleFlightProbe<void>;
  readonly head: SingleFlightProbe<bigint>;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(READ_MODEL_DB) db: ReadModelDb) {
    this.storePing = new SingleFlightProbe(() => store.ping());
    this.readModelsPing = new SingleFlightProbe(() => db.ping());
    this.head = new SingleFlightProbe(() => store.headPosition());
  }
}
