import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { BEARER_SCHEME } from './auth/access-policy';
import { ProblemDetailsFilter, documentProblems } from './http/problem-details.filter';
import { ShutdownDrain } from './http/shutdown-drain';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { NextFunction, Request, Response } from 'express';
import { documentUnknownFieldsRefused, ledgerValidationPipe } from './http/validation';
import { documentIdempotencyKey } from './http/idempotency.interceptor';
import { documentValidationLimits } from './http/validation-limits';
import { documentRequestIds } from './http/request-context';
import { routerLayers } from './http/method-not-allowed';
import { answerClientError } from './http/client-error';
import { Socket } from 'node:net';
import { documentCaching, privateAnswers } from './http/cache-control';
import { documentPolicyTableChoice } from './revenue-sharing/revenue-sharing.dto';

/** Builds the HTTP app exactly as production runs it; e2e tests use the same function. */
export async function createApp(env: Record<string, string | undefined> = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(env), {
    bufferLogs: true,
    // Flushed below, once the structured logger is in place: a module that failed to start (a database
    // refusing connections) had Nest flush the buffer to its own console logger, a coloured stack dump
    // ahead of main's one line.
    autoFlushLogs: false,
    abortOnError: false,
    bodyParser: false, // JSON only, and read by JsonBodyGuard once the caller is admitted
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  // First of all, the latency histogram: every answer counts, a 503 of the drain, a 413 of the body parser or /docs alike.
  const httpMetrics = app.get(HttpMetricsMiddleware);
  // Requests Node's parser refuses never reach Express: counted apart, with no latency to time.
  app.getHttpServer().on('clientError', (error: Error, socket: Socket) => answerClientError(error, socket, (status) => httpMetrics.unparsed(status)));
  app.use((req: Request, res: Response, next: NextFunction) => httpMetrics.use(req, res, next));
  // Then, once shutdown begins, a request on a kept-alive connection is refused before any work.
  app.use(app.get(ShutdownDrain).middleware);
  // Security headers; CORS stays off (Nest enables none unless asked). Swagger UI needs inline styles.
  app.use(helmet({ contentSecurityPolicy: { directives: { 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] } } }));
  app.use(privateAnswers);
  app.useGlobalPipes(ledgerValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(routerLayers(app)));
  // No enableShutdownHooks: it re-raises the signal after closing (exit 143); stopOnSignals closes and exits 0.
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Royalty ledger')
      .setDescription('Event-sourced ledger for IP licensing and revenue sharing')
      .setVersion('0.1.0')
      // Opaque API keys, not JWTs (the builder's default format); the access policies mark the routes that need one.
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: undefined, description: 'LEDGER_ADMIN_TOKEN, or a token from POST /api-keys' }, BEARER_SCHEME)
      .build(),
  );
  // What the decorators cannot say, each written in by the part of the API that does it.
  const completions = [documentPolicyTableChoice, documentUnknownFieldsRefused, documentValidationLimits, documentIdempotencyKey, documentProblems, documentRequestIds, documentCaching];
  SwaggerModule.setup('docs', app, completions.reduce((doc, complete) => complete(doc), document), { jsonDocumentUrl: 'docs-json' });
  return app;
}
