import { CallHandler, ExecutionContext, HttpStatus, Inject, Injectable, Logger, NestInterceptor, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { DomainError } from '@ledger/domain';
import { EventStore, isStoreUnavailable } from '@ledger/event-store';
import { EVENT_STORE, IdempotencyStore } from '@ledger/ledger';
import { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { Observable, from, lastValueFrom } from 'rxjs';
import { AuthenticatedRequest } from '../auth/access.guard';
import { RequestValidationFailed, withoutNulls } from './validation';
import { ledgerId } from './ledger-id';

/** The path parameters that are ids (ledgerIdParam): the same id in either case. A milestone's code is not. */
const ID_PARAMS = new Set(['id', 'reportId', 'keyId', 'allocationId']);
const KEY = /^[\x21-\x7e]{1,200}$/;
const SHOWN_ONCE = 'ledger:shown-once';

/**
 * Response fields that are secrets shown once (an API key's token): never stored for a replay, which
 * answers without them. The ledger keeps only a token's hash; a stored response must not keep more.
 */
export const ShownOnce = (...fields: string[]) => SetMetadata(SHOWN_ONCE, fields);

/**
 * The writes a key makes safe to retry: every POST, and the policy PUT (a late retry of an old policy
 * put it back over a newer one, as a new version).
 */
const KEYED_METHODS = new Set(['POST', 'PUT']);

/**
 * The header on every POST and PUT of the OpenAPI document: the interceptor is global, so no route
 * declares it and the document named it nowhere (a generated client could not send it).
 */
export function documentIdempotencyKey(document: OpenAPIObject): OpenAPIObject {
  for (const { post, put } of Object.values(document.paths)) {
    for (const write of [post, put]) {
      if (!write) continue;
      (write.parameters ??= []).push({
        name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: KEY.source },
        description: 'same key and body: the stored response, no new events; same key, another body: 422 (keys expire after 24 h)',
      });
      for (const [status, answer] of Object.entries(write.responses ?? {}) as [string, { headers?: Record<string, unknown> }][]) {
        if (status.startsWith('2')) answer.headers = { ...answer.headers, 'Idempotent-Replayed': { schema: { type: 'string', enum: ['true'] }, description: 'the stored response of an earlier request with this Idempotency-Key: nothing ran again' } };
      }
    }
  }
  return document;
}

const IN_FLIGHT_POLL_MS = 20;
const IN_FLIGHT_WAIT_MS = 30000;

/** Canonical JSON (sorted keys) so the same body hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** How long after its claim an abandoned request can have appended: how far the log is searched for its events. */
const ABANDONED_SEARCH_MS = 15 * 60 * 1000;

/**
 * Where an abandoned request's events are in the log (the last of them), or null if it appended none:
 * events after the log's head at its claim, recorded by its caller's key, whose causation is its request id.
 */
async function requestInLog(
  events: EventStore, claim: { requestId: string; fromPosition: bigint; createdAt: string }, actorId: string,
): Promise<bigint | null> {
  const until = new Date(Date.parse(claim.createdAt) + ABANDONED_SEARCH_MS).toISOString();
  let found: bigint | null = null;
  for (let from = claim.fromPosition + 1n; ;) {
    const page = await events.readAll({ fromPosition: from, maxCount: 1000 });
    for (const e of page) {
      if (e.metadata.recordedAt > until) return found;
      if (e.metadata.causationId === claim.requestId && e.metadata.actor?.id === actorId) found = e.position;
    }
    if (page.length < 1000) return found;
    from = page[page.length - 1].position + 1n;
  }
}

/**
 * Idempotency-Key on every POST and PUT: the first successful response is stored with a hash of the request
 * and replayed for the same key and body (no new events); the same key with another body is refused
 * (422); a request arriving while the first is still running waits for its outcome. A replay leaves out
 * what the route marks @ShownOnce.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest & Request>();
    const header = req.header('idempotency-key');
    if (!KEYED_METHODS.has(req.method) || header === undefined) return next.handle();
    if (!KEY.test(header)) {
      throw new RequestValidationFailed([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-200 visible ASCII characters' }]);
    }
    const key = `${req.principal?.keyId ?? 'anonymous'} ${header}`; // header has no spaces: an unambiguous join
    // The request as the handler reads it: its route and ids (in lower case, as the pipes read them), and
    // its body. Not the URL as spelt: `/parties/` or `?minPosition=0`, the same request, was 422 "another request".
    const params = Object.fromEntries(Object.entries(req.params).map(([name, value]) =>
      [name, ID_PARAMS.has(name) && typeof value === 'string' ? ledgerId(value) ?? value : value]));
    const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
    const hashOf = (body: string) => ({
      hash: createHash('sha256').update(`${req.method} ${route} ${canonical(params)}\n${body}`).digest('hex'),
      // Keys claimed before the route-and-ids hash (2026-12-02) hashed the URL as spelt: a retry across
      // that deploy, the likeliest time for one, must still find its request, not 422. Keys expire after 24 h.
      spelt: createHash('sha256').update(`${req.method} ${req.originalUrl}\n${body}`).digest('hex'),
    });
    // No body is `{}`, as the routes read it (a close sent with no body, then with `{}`, was 422 "another
    // request"); a key claimed with no body before that hashed it as `null`, also taken.
    const { hash, spelt } = hashOf(canonical(withoutNulls(req.body ?? {})));
    const earlier = req.body === undefined ? Object.values(hashOf('null')) : [];
    return from(this.run(key, hash, [hash, spelt, ...earlier], context, next));
  }

  /** `same`: the hashes a request the key was claimed for may have had (this hash, and earlier ways of making it). */
  private async run(key: string, hash: string, same: readonly string[], context: ExecutionContext, next: CallHandler): Promise<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    const req = context.switchToHttp().getRequest<AuthenticatedRequest & Request & { id?: unknown }>();
    const claimant = { requestId: typeof req.id === 'string' ? req.id : '', head: await this.events.headPosition() };
    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    for (;;) {
      const claim = await this.store.claim(key, hash, new Date(), claimant);
      const claimedHash = claim.kind === 'claimed' ? hash : claim.kind === 'replay' ? claim.response.requestHash : claim.requestHash;
      if (!same.includes(claimedHash)) {
        throw new DomainError('idempotency-key-reused', 'this Idempotency-Key was used with a different request', 'rule', 'Idempotency-Key');
      }
      if (claim.kind === 'replay') {
        res.status(claim.response.status).setHeader('Idempotent-Replayed', 'true');
        return JSON.parse(claim.response.body);
      }
      if (claim.kind === 'claimed') break;
      if (claim.kind === 'carried-out') {
        throw new DomainError('idempotency-key-outcome-lost',
          `the request first sent with this Idempotency-Key was carried out (its events are in the log up to position ${claim.position}), ` +
          `but its response was not kept (the service stopped, or its database dropped the connection); read the result with ?minPosition=${claim.position}, and do not send it again under another key`,
          'conflict');
      }
      if (claim.kind === 'abandoned') {
        const position = await requestInLog(this.events, claim, req.principal?.keyId ?? 'anonymous');
        await this.store.settleAbandoned(key, claim, position);
        continue;
      }
      if (Date.now() > deadline) throw new DomainError('idempotency-key-in-flight', 'a request with this Idempotency-Key is still running', 'conflict');
      await new Promise((r) => setTimeout(r, IN_FLIGHT_POLL_MS));
    }
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      // The store out of reach: the append may have committed unseen (its answer lost with the
      // connection, or late past EventStoreDB's deadline). Released, the retry ran it again; left, the
      // retry settles it from the log, finding its events or running it.
      if (isStoreUnavailable(error)) {
        this.store.abandon(key);
        throw error;
      }
      // The request's own failure is the answer. A release that fails too (the database dropped) leaves
      // the placeholder to the next request with the key, which settles it from the log.
      await this.store.release(key).catch((released: Error) => this.logger.warn(`Idempotency-Key not released (${released.message}): its next request settles it from the log`));
      throw error;
    }
    // Nest applies @HttpCode after interceptors: take the status from the route, as it will.
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    const secrets = this.reflector.get<string[]>(SHOWN_ONCE, context.getHandler()) ?? [];
    const kept = secrets.length && body && typeof body === 'object'
      ? Object.fromEntries(Object.entries(body).filter(([field]) => !secrets.includes(field))) : body;
    // Not released if this fails: the request was carried out, and a retry must learn so from the log
    // (before, a release then succeeding let the retry run it a second time). Nor is the request failed:
    // its events are committed, so its answer is the one it earned (before: 503 "send the request again",
    // which a client without a key would follow, paying twice).
    await this.store.complete(key, status, JSON.stringify(kept ?? null)).catch((failed: Error) =>
      this.logger.warn(`Idempotency-Key response not stored (${failed.message}): a retry with it settles from the log`));
    return body;
  }
}

