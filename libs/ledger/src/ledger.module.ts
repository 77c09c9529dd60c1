import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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
import { ProjectionRunner } from './projections/projection-runner';
import { ReadModelDb } from './read-model/read-model-db';

export const PROJECTIONS = [partiesProjection, patentsProjection, licensesProjection];

const config = (c: ConfigService<LedgerConfig, true>) => ({
  EVENT_STORE: c.get('EVENT_STORE', { infer: true }),
  SQLITE_PATH: c.get('SQLITE_PATH', { infer: true }),
  DATABASE_URL: c.get('DATABASE_URL', { infer: true }),
  ESDB_CONNECTION_STRING: c.get('ESDB_CONNECTION_STRING', { infer: true }),
});

/**
 * The application layer as one Nest module: the store chosen by configuration, read models, the
 * projection runner, and the command handlers and queries of every bounded context.
 */
@Module({
  imports: [CqrsModule],
  providers: [
    { provide: EVENT_STORE, inject: [ConfigService], useFactory: (c: ConfigService<LedgerConfig, true>) => openEventStore(config(c)) },
    { provide: READ_MODEL_DB, inject: [ConfigService], useFactory: (c: ConfigService<LedgerConfig, true>) => openReadModelDb(config(c)) },
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, READ_MODEL_DB],
      useFactory: (store: EventStore, db: ReadModelDb) => {
        const logger = new Logger('Projections');
        return new ProjectionRunner(store, db, PROJECTIONS, { warn: (m, ctx) => logger.warn({ ...ctx, msg: m }) });
      },
    },
    RegisterPartyHandler,
    RegisterPatentHandler,
    RecordPatentCostHandler,
    GrantLicenseHandler,
    LicenseCommandHandler,
    PartiesQuery,
    PatentsQuery,
    LicensesQuery,
  ],
  exports: [CqrsModule, EVENT_STORE, READ_MODEL_DB, ProjectionRunner, PartiesQuery, PatentsQuery, LicensesQuery],
})
export class LedgerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly runner: ProjectionRunner,
  ) {}

  async onApplicationBootstrap() {
    await this.runner.start();
  }

  async onApplicationShutdown() {
    await this.runner.stop();
    await this.store.close();
    await this.db.close();
  }
}
