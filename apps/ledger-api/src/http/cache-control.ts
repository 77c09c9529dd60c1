import { OpenAPIObject } from '@nestjs/swagger';
import { NextFunction, Request, Response } from 'express';

/**
 * What a cache may keep of an answer to a bearer token: a read only for that client, checked again each
 * time (statements answer If-None-Match with 304), and nothing of a write (POST /api-keys answers the
 * token, once). Before, no answer said, and a cache between partner and ledger decided by its own rules.
 */
export function privateAnswers(req: Request, res: Response, next: NextFunction) {
  if (req.headers.authorization !== undefined) {
    res.setHeader('Cache-Control', req.method === 'GET' || req.method === 'HEAD' ? 'private, no-cache' : 'no-store');
  }
  next();
}

type Operation = { parameters?: object[]; responses?: Record<string, { description?: string; headers?: Record<string, unknown> }> };

/**
 * What the document said nowhere of caching: Cache-Control on every success (privateAnswers), and on a
 * read's 200 the ETag to send back as If-None-Match, answered 304 while nothing changed.
 */
export function documentCaching(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(path) as [string, Operation][]) {
      if (!operation?.responses) continue;
      const read = method === 'get';
      if (read && operation.responses['200']) {
        (operation.parameters ??= []).push({ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'an ETag this read answered: 304 if the answer is the same' });
        operation.responses['304'] = { description: 'Not Modified: the ETag sent in If-None-Match is still the answer' };
      }
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (!status.startsWith('2')) continue;
        answer.headers = {
          ...answer.headers,
          'Cache-Control': { schema: { type: 'string' }, description: read ? 'private, no-cache (with a bearer token)' : 'no-store (with a bearer token)' },
          ...(read && status === '200' ? { ETag: { schema: { type: 'string' }, description: 'send as If-None-Match: 304 while the answer is unchanged' } } : {}),
        };
      }
    }
  }
  return document;
}
