import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { OpenAPIObject } from '@nestjs/swagger';
import { CommandContext } from '@ledger/ledger';
import { randomUUID } from 'node:crypto';
import { Request } from 'express';

/** What a client's X-Correlation-Id or X-Request-Id may be: safe to log and to record in events. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const clientId = (value: unknown): string | undefined => (typeof value === 'string' && CLIENT_ID.test(value) ? value : undefined);

/**
 * A request's correlation id: the client's X-Correlation-Id, else its X-Request-Id (its own name for
 * the request), else the server's request id. The client's request id is never the server's: that is
 * every event's causation id, which must name one request (two requests sent with one X-Request-Id
 * shared a causation, and settling an abandoned Idempotency-Key looks its request's events up by it).
 */
export function correlationIdOf(headers: Record<string, string | string[] | undefined>, requestId: string): string {
  return clientId(headers['x-correlation-id']) ?? clientId(headers['x-request-id']) ?? requestId;
}

/**
 * The command context of a request: its correlation id (correlationIdOf), the server's request id as
 * causation, the actor resolved by authentication, and the time the request arrived.
 */
export const RequestContext = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const req = ctx.switchToHttp().getRequest<Request & { id?: unknown; actor?: CommandContext['actor'] }>();
  const requestId = typeof req.id === 'string' ? req.id : randomUUID();
  return {
    actor: req.actor ?? { id: 'anonymous', role: 'anonymous' },
    correlationId: correlationIdOf(req.headers, requestId),
    causationId: requestId,
    now: new Date().toISOString(),
  };
});

type Answer = { headers?: Record<string, unknown> };

/**
 * The ids every operation takes and answers, which the document named nowhere: what a client may send
 * (X-Request-Id, X-Correlation-Id) and what every answer carries.
 */
export function documentRequestIds(document: OpenAPIObject): OpenAPIObject {
  const id = { type: 'string', pattern: CLIENT_ID.source };
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as { parameters?: object[]; responses?: Record<string, Answer> }[]) {
      if (!operation?.responses) continue;
      (operation.parameters ??= []).push(
        { name: 'X-Request-Id', in: 'header', required: false, schema: id, description: "the client's name for the request; the correlation id when no X-Correlation-Id is sent" },
        { name: 'X-Correlation-Id', in: 'header', required: false, schema: id, description: 'recorded as the correlation id of every event the request appends' },
      );
      for (const answer of Object.values(operation.responses)) {
        answer.headers = {
          ...answer.headers,
          'X-Request-Id': { schema: { type: 'string' }, description: "the server's id for the request: the causation id of the events it appends" },
          'X-Correlation-Id': { schema: { type: 'string' }, description: 'the correlation id the request ran under' },
        };
      }
    }
  }
  return document;
}
