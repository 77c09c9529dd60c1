import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { CommandContext } from '@ledger/ledger';
import { randomUUID } from 'node:crypto';
import { Request } from 'express';

const CORRELATION = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The command context of a request: correlation id from X-Correlation-Id (or the request id), the
 * request id as causation, the actor resolved by authentication, and the time the request arrived.
 */
export const RequestContext = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const req = ctx.switchToHttp().getRequest<Request & { id?: unknown; actor?: CommandContext['actor'] }>();
  const requestId = typeof req.id === 'string' ? req.id : randomUUID();
  const header = req.header('x-correlation-id');
  return {
    actor: req.actor ?? { id: 'anonymous', role: 'anonymous' },
    correlationId: header && CORRELATION.test(header) ? header : requestId,
    causationId: requestId,
    now: new Date().toISOString(),
  };
});
