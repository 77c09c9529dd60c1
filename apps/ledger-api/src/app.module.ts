import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { LedgerConfig, LedgerModule, validateLedgerConfig } from '@ledger/ledger';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { AccessGuard } from './auth/access.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { Authenticator } from './auth/authenticator';
import { EquityController } from './equity/equity.controller';
import { DatabaseProbes } from './health/database-probes';
import { HealthController } from './health/health.controller';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { ProjectionFreshness } from './http/min-position';
import { BusinessCalendar } from './http/business-calendar';
import { ShutdownDrain } from './http/shutdown-drain';
import { PerTokenThrottlerGuard, rateLimitModule } from './http/rate-limit';
import { LicensesController } from './licensing/licenses.controller';
import { SalesReportsController } from './licensing/sales-reports.controller';
import { PartiesController } from './parties/parties.controller';
import { PatentsController } from './patents/patents.controller';
import { RevenueSharingController } from './revenue-sharing/revenue-sharing.controller';
import { JsonBodyGuard } from './http/body-shape';
import { KnownQueryGuard } from './http/known-query';
import { correlationIdOf } from './http/request-context';

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
              // The request id is the server's own (every event's causation); the client's ids are
              // its correlation, logged with each line and echoed.
              genReqId: (req, res) => {
                const id = randomUUID();
                res.setHeader('X-Request-Id', id);
                res.setHeader('X-Correlation-Id', correlationIdOf(req.headers, id));
                return id;
              },
              customProps: (req) => ({ correlationId: correlationIdOf(req.headers, String(req.id)) }),
              redact: ['req.headers.authorization'],
            },
          }),
        }),
        TerminusModule,
        DiscoveryModule,
        rateLimitModule(),
        LedgerModule,
      ],
      controllers: [ApiKeysController, PartiesController, PatentsController, LicensesController, SalesReportsController, RevenueSharingController, EquityController, HealthController, MetricsController],
      providers: [
        DatabaseProbes,
        HttpMetricsMiddleware,
        ShutdownDrain,
        BusinessCalendar,
        ProjectionFreshness,
        Authenticator,
        { provide: APP_GUARD, useClass: PerTokenThrottlerGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: JsonBodyGuard }, // after both: see JsonBodyGuard
        { provide: APP_GUARD, useClass: KnownQueryGuard }, // after both too: a client refused 401 learns nothing of the route
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
