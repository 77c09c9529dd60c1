import { DynamicModule, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStore } from '@ledger/event-store';
import { LedgerConfig } from './config/ledger-config';
import { openEventStore, openReadModelDb } from './event-store/open-stores';
import { EVENT_STORE, READ_MODEL_DB } from './event-store/tokens';
import { PartiesQuery } from './parties/parties.query';
import { partiesProjection } from './parties/parties.projection';
import { RegisterPartyHandler } from './parties/register-party';
import { GrantLicenseHandler, LicenseCommandHandler } from './licensing/license-commands';
import { LicensesQuery } from './licensing/licenses.query';
import { licensesProjection } from './licensing/licenses.projection';
import { RecordPatentCostHandler, RegisterPatentHandler } from './patents/patent-commands';
import { PatentsQuery } from './patents/patents.query';
import { patentsProjection } from './patents/patents.projection';
import { checkpointsBeyond } from './projections/checkpoints';
import { unfinishedImport } from './operations/unfinished-import';
import { ProjectionRunner } from './projections/projection-runner';
import { journalProjection } from './journal/journal.projection';
import { AllocationExplanation } from './revenue-sharing/allocation-explanation';
import { DistributionProcessManager } from './revenue-sharing/distribution.process-manager';
import { RecordPayoutHandler, SetDistributionPolicyHandler } from './revenue-sharing/revenue-sharing-commands';
import { StatementsQuery } from './statements/statements.query';
import { AccessQuery } from './access/access.query';
import { CreateEquityDealHandler, EquityCommandHandler } from './equity/equity-commands';
import { equityHoldingsProjection } from './equity/equity.projection';
import { EquityQuery } from './equity/equity.query';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { LedgerMetrics } from './observability/metrics';
import { TimedEventStore } from './observability/timed-event-store';
import { IssueApiKeyHandler, RevokeApiKeyHandler } from './access/api-keys';
import { apiKeysProjection } from './access/api-keys.projection';
import { ReadModelDb } from './read-model/read-model-db';
import { leaseHolder } from './read-model/read-model-lease';
import { PersistedSnapshots } from './command-handling/persisted-snapshots';
import { streamStatesOf } from './command-handling/stream-states';

const CONSUMERS = Symbol('LEDGER_CONSUMERS');

export const PROJECTIONS = [partiesProjection, patentsProjection, licensesProjection, journalProjection, apiKeysProjection, equityHoldingsProjection];

/** Which store and read models the configuration names. */
export const storeConfig = (c: ConfigService<LedgerConfig, true>) => ({
  EVENT_STORE: c.get('EVENT_STORE', { infer: true }),
  SQLITE_PATH: c.get('SQLITE_PATH', { infer: true }),
  DATABASE_URL: c.get('DATABASE_URL', { infer: true }),
  ESDB_CONNECTION_STRING: c.get('ESDB_CONNECTION_STRING', { infer: true }),
  ESDB_ANSWER_WITHIN_MS: c.get('ESDB_ANSWER_WITHIN_MS', { infer: true }),
});

/**
 * The application layer as one Nest module: the store chosen by configuration, read models, the
 * projection runner, and the command handlers and queries of every bounded context.
 */
@Module({
  imports: [CqrsModule],
  providers: [
    LedgerMetrics,
    {
      provide: EVENT_STORE,
      inject: [ConfigService, LedgerMetrics],
      useFactory: async (c: ConfigService<LedgerConfig, true>, metrics: LedgerMetrics) => new TimedEventStore(await openEventStore(storeConfig(c)), metrics),
    },
    { provide: READ_MODEL_DB, inject: [ConfigService], useFactory: (c: ConfigService<LedgerConfig, true>) => openReadModelDb(storeConfig(c)) },
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, READ_MODEL_DB, DistributionProcessManager],
      useFactory: (store: EventStore, db: ReadModelDb, distribution: DistributionProcessManager) => {
        const logger = new Logger('Projections');
        return new ProjectionRunner(store, db, [...PROJECTIONS, distribution], { warn: (m, ctx) => logger.warn({ ...ctx, msg: m }) });
      },
    },
    {
      provide: PersistedSnapshots,
      inject: [READ_MODEL_DB, EVENT_STORE, ConfigService, LedgerMetrics],
      useFactory: (db: ReadModelDb, store: EventStore, c: ConfigService<LedgerConfig, true>, metrics: LedgerMetrics) => {
        const logger = new Logger('Snapshots');
        return new PersistedSnapshots(db, store, {
          every: c.get('STREAM_SNAPSHOT_EVERY', { infer: true }),
          warn: (m, ctx) => logger.warn({ ...ctx, msg: m }),
          measured: ({ operation, outcome, streamId, fold, revision, pieces, seconds }) => {
            metrics.snapshotDuration.labels(fold, operation, outcome).observe(seconds);
            // A failure is logged as a warning with its reason already.
            if (outcome === 'done') logger.log({ streamId, fold, revision: String(revision), pieces, ms: Math.round(seconds * 1000), msg: `snapshot ${operation === 'save' ? 'saved' : 'restored'}` });
          },
        });
      },
    },
    DistributionProcessManager,
    SetDistributionPolicyHandler,
    RecordPayoutHandler,
    StatementsQuery,
    AllocationExplanation,
    AccessQuery,
    IdempotencyStore,
    CreateEquityDealHandler,
    EquityCommandHandler,
    EquityQuery,
    IssueApiKeyHandler,
    RevokeApiKeyHandler,
    RegisterPartyHandler,
    RegisterPatentHandler,
    RecordPatentCostHandler,
    GrantLicenseHandler,
    LicenseCommandHandler,
    PartiesQuery,
    PatentsQuery,
    LicensesQuery,
  ],
  exports: [CqrsModule, EVENT_STORE, READ_MODEL_DB, ProjectionRunner, PersistedSnapshots, PartiesQuery, PatentsQuery, LicensesQuery, StatementsQuery, AllocationExplanation, AccessQuery, IdempotencyStore, LedgerMetrics, EquityQuery],
})
export class LedgerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadModels');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly runner: ProjectionRunner,
    private readonly snapshots: PersistedSnapshots,
    @Optional() @Inject(CONSUMERS) private readonly consumers: 'start' | 'manual' = 'start',
  ) {}

  /** For operator tools: projections and process managers start only when a command starts them. */
  static forOperators(): DynamicModule {
    return { module: LedgerModule, providers: [{ provide: CONSUMERS, useValue: 'manual' }] };
  }

  async onApplicationBootstrap() {
    if (this.consumers !== 'start') return;
    // Losing the lease, this process stops projecting: another may have taken the read models over
    // (and its transactions are fenced off: postgres-lease.ts). Lost while starting, it stops once started.
    let lost = false;
    await this.db.claim(leaseHolder('ledger-api'), (reason) => {
      lost = true;
      this.logger.error(`${reason}; projections and process managers stopped`);
      void this.runner.stop();
    });
    const refusal = (await unfinishedImport(this.db)) ?? (await checkpointsBeyond(this.db, await this.store.headPosition()));
    if (refusal) throw new Error(refusal);
    await this.snapshots.createTable();
    streamStatesOf(this.store).keepSnapshotsIn(this.snapshots);
    await this.runner.start();
    if (lost) await this.runner.stop();
  }

  async onApplicationShutdown() {
    await this.runner.stop();
    await this.snapshots.close();
    await this.store.close();
    await this.db.close();
  }
}
