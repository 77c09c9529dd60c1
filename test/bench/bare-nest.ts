/**
 * NestJS with nothing of the ledger's: the bench's POST answered by an empty controller on the same
 * platform (Express), with no middleware, guard, pipe, interceptor or filter. What the framework alone
 * costs a request on this machine, beside what the ledger's HTTP stack and its work cost.
 * Run as `node -r @swc-node/register test/bench/bare-nest.ts serve`: prints "listening <port>".
 */
import 'reflect-metadata';
import { Body, Controller, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { spawnListening } from './child-server';

@Controller('licenses')
class EmptyReportsController {
  @Post(':id/sales-reports')
  submit(@Param('id') licenseId: string, @Body() body: { period?: unknown }) {
    return { id: randomUUID(), licenseId, period: body.period };
  }
}

@Module({ controllers: [EmptyReportsController] })
class BareModule {}

async function serve() {
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`listening ${(app.getHttpServer().address() as { port: number }).port}\n`);
}

/** Requests/s of `requests` such POSTs over `connections`, the server in its own process as the API is. */
export async function bareNestRate(requests: number, connections: number, body: object, sampleInt: number): Promise<number> {
  const server = await spawnListening(['-r', '@swc-node/register', __filename, 'serve'], process.env, 'bare NestJS server');
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
  serve().catch((error) => {
    process.stderr.write(`bare NestJS server failed: ${(error as Error).stack}\n`);
    process.exit(1);
  });
}
