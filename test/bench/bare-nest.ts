/**
 * NestJS with nothing of the ledger's: the bench's POST answered by an empty controller on the same
 * platform (Express), with no middleware, guard, pipe, interceptor or filter. What the framework alone
 * costs a request on this machine, beside what the ledger's HTTP stack and its work cost.
 * With `append`, the controller also appends four events the size of a one-line report to the store
 * named by the environment, in one transaction, as a report's are: the most any ledger on this
 * framework and store could reach, before validating, deciding, allocating or projecting anything.
 * Run as `node -r @swc-node/register test/bench/bare-nest.ts serve [append]`: prints "listening <port>".
 */
import 'reflect-metadata';
import { Body, Controller, DynamicModule, Inject, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { EventStore } from '../../libs/event-store/src/port';
import { openEventStore } from '../../libs/ledger/src/event-store/open-stores';
import { spawnListening } from './child-server';
import { sampleEvent } from './raw-store';

const STORE = 'bench store';

@Controller('licenses')
class EmptyReportsController {
  @Post(':id/sales-reports')
  submit(@Param('id') licenseId: string, @Body() body: { period?: unknown }) {
    return { id: randomUUID(), licenseId, period: body.period };
  }
}

@Controller('licenses')
class AppendOnlyReportsController {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  /** A stream of its own per request, as the ingest's requests each take a license no other one in flight writes. */
  @Post(':id/sales-reports')
  async submit(@Param('id') licenseId: string, @Body() body: { period?: unknown }) {
    const events = [0, 1, 2, 3].map(sampleEvent);
    await this.store.append(`floor-${events[0].id}`, events, { expectedRevision: 'no_stream' });
    return { id: events[0].id, licenseId, period: body.period };
  }
}

@Module({})
class BareModule {
  static serving(mode: string | undefined): DynamicModule {
    if (mode !== 'append') return { module: BareModule, controllers: [EmptyReportsController] };
    const env = process.env as Record<string, string>;
    const store = {
      provide: STORE,
      useFactory: () => openEventStore({ EVENT_STORE: env.EVENT_STORE as 'sqlite' | 'postgres', SQLITE_PATH: env.SQLITE_PATH, DATABASE_URL: env.DATABASE_URL }),
    };
    return { module: BareModule, controllers: [AppendOnlyReportsController], providers: [store] };
  }
}

async function serve(mode: string | undefined) {
  const app = await NestFactory.create(BareModule.serving(mode), { logger: false });
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`listening ${(app.getHttpServer().address() as { port: number }).port}\n`);
}

/**
 * Requests/s of `requests` such POSTs over `connections`, the server in its own process as the API is;
 * with `appendTo`, each request appends to that store (see above).
 */
export async function bareNestRate(
  requests: number, connections: number, body: object, sampleInt: number, appendTo?: Record<string, string>,
): Promise<number> {
  const args = ['-r', '@swc-node/register', __filename, 'serve', ...(appendTo ? ['append'] : [])];
  const server = await spawnListening(args, { ...process.env, ...appendTo }, 'bare NestJS server');
  try {
    const options = {
      url: `${server.url}/licenses/${randomUUID()}/sales-reports`, connections, sampleInt, method: 'POST' as const,
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    };
    await autocannon({ ...options, amount: Math.min(requests, 2000) }); // as warm as the API is by then
    const result = await autocannon({ ...options, amount: requests });
    if (result['2xx'] !== requests) throw new Error(`bare NestJS: expected ${requests} answers, got ${JSON.stringify(result.statusCodeStats)}`);
    return Math.round(requests / result.duration);
  } finally {
    await server.stop();
  }
}

if (require.main === module && process.argv[2] === 'serve') {
  serve(process.argv[3]).catch((error) => {
    process.stderr.write(`bare NestJS server failed: ${(error as Error).stack}\n`);
    process.exit(1);
  });
}
