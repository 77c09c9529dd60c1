import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { LedgerConfig, LedgerModule, validateLedgerConfig } from '@ledger/ledger';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { HealthController } from './health/health.controller';
import { ProjectionFreshness } from './http/min-position';
import { LicensesController } from './licensing/licenses.controller';
import { SalesReportsController } from './licensing/sales-reports.controller';
import { PartiesController } from './parties/parties.controller';
import { PatentsController } from './patents/patents.controller';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

@Module({})
export class AppModule {
  /** `env` overrides process.env (tests pass their own temp paths and databases). */
  static register(env: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: (processEnv) => validateLedgerConfig({ ...processEnv, ...env }),
        }),
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<LedgerConfig, true>) => ({
            pinoHttp: {
              level: config.get('LOG_LEVEL', { infer: true }),
              genReqId: (req, res) => {
                const given = req.headers['x-request-id'];
                const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
                res.setHeader('X-Request-Id', id);
                return id;
              },
              redact: ['req.headers.authorization'],
            },
          }),
        }),
        TerminusModule,
        LedgerModule,
      ],
      controllers: [PartiesController, PatentsController, LicensesController, SalesReportsController, HealthController],
      providers: [ProjectionFreshness],
    };
  }
}
