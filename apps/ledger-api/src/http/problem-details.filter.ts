import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { OpenAPIObject } from '@nestjs/swagger';
import { DomainError, InvalidDecimal } from '@ledger/domain';
import { IdempotencyViolation, WrongExpectedRevision, failureInOneLine, isStoreUnavailable } from '@ledger/event-store';
import { ReadModelLeaseLost } from '@ledger/ledger';
import { Request, Response } from 'express';
import { FieldProblem, RequestValidationFailed } from './validation';
import { MethodNotAllowed, RouteLayer, asMethodNotAllowed } from './method-not-allowed';
import { BODY_REFUSED } from './body-shape';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: FieldProblem[];
  /** Extension members (RFC 9457 §3.2), such as a failed health check's results. */
  [extension: string]: unknown;
}

const DOMAIN_STATUS = { rule: 422, conflict: 409, 'not-found': 404 } as const;
/**
 * A refusal with no type of its own is `about:blank`, titled with its status's reason phrase as HTTP
 * gives it (RFC 9457 §4.2.1): 413 → "Payload Too Large" (it was lower-cased, "payload too large").
 */
export const statusTitle = (status: number) => STATUS_CODES[status] ?? 'Error';
/** A database out of reach: its restart or failover takes seconds, so clients are asked to wait a few. */
export const STORE_UNAVAILABLE = 'urn:problem:store-unavailable';
const LEASE_LOST = 'urn:problem:read-models-lease-lost';
const STORE_RETRY_AFTER_S = '5';

/** The one place that turns failures into RFC 9457 problem details. */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof RequestValidationFailed) {
    return { type: 'urn:problem:validation', title: 'Invalid request', status: 400, detail: error.message, errors: error.problems };
  }
  if (error instanceof InvalidDecimal) {
    return { type: 'urn:problem:validation', title: 'Invalid request', status: 400, detail: error.message,
      errors: [{ field: error.field, message: error.message }] };
  }
  if (error instanceof DomainError) {
    const errors = error.problems ? [...error.problems] : error.field ? [{ field: error.field, message: error.message }] : undefined;
    // A missing thing or a conflict is titled as HTTP names it, as the same status is elsewhere ("Refused
    // by a domain rule" titled a POST's unknown license, where a GET's was "Not Found").
    const status = DOMAIN_STATUS[error.kind];
    return { type: `urn:problem:${error.code}`, title: error.kind === 'rule' ? 'Refused by a domain rule' : statusTitle(status), status,
      code: error.code, detail: error.message, ...(errors ? { errors } : {}) };
  }
  if (error instanceof MethodNotAllowed) {
    return { type: 'about:blank', title: statusTitle(405), status: 405, detail: error.message };
  }
  if (error instanceof WrongExpectedRevision || error instanceof IdempotencyViolation) {
    return { type: 'urn:problem:concurrency-conflict', title: 'Concurrent change', status: 409,
      detail: `${error.message}; read the resource again and retry` };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const detail = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? error.message);
    // The router's, which Nest hands on as a BadRequestException with its words: a path whose % begins
    // no percent-encoded byte (`/parties/%ZZ`), named as the field at fault.
    if (status === 400 && detail.startsWith('Failed to decode param')) {
      const message = `${detail}: a % in a path must begin a percent-encoded byte such as %20`;
      return { type: 'urn:problem:validation', title: 'Invalid request', status: 400, detail: message, errors: [{ field: 'path', message }] };
    }
    // An object's members that are objects themselves (terminus' health results: info, error, details)
    // travel as extension members (RFC 9457 §3.2): a 503 from /health must say which check is down.
    // Not `message`, which is `detail` already (Nest's pipes give a list there).
    const extensions = typeof body === 'object'
      ? Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== 'message' && typeof v === 'object' && v !== null))
      : {};
    // terminus' 503 says only "Service Unavailable Exception": the checks that are down say more.
    const down = typeof body === 'object' && (body as { status?: unknown }).status === 'error' ? Object.keys((body as { error?: object }).error ?? {}) : [];
    return { ...extensions, type: 'about:blank', title: statusTitle(status), status, detail: down.length ? `down: ${down.join(', ')}` : detail };
  }
  // body-parser failures (malformed JSON, body too large) carry the client's status.
  const status = (error as { status?: unknown; type?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if ((error as { type?: string }).type === BODY_REFUSED) {
      // A field problem like any other, the field being the whole body: it had its own "Malformed JSON" title under about:blank.
      const { message } = error as Error;
      return { type: 'urn:problem:validation', title: 'Invalid request', status: 400, detail: message, errors: [{ field: 'body', message }] };
    }
    return { type: 'about:blank', title: statusTitle(status), status, detail: (error as Error).message };
  }
  if (error instanceof ReadModelLeaseLost) {
    // This process may no longer write the read models (another took them over): no request it takes
    // can finish its bookkeeping. Its message names no host; another instance can take the request.
    return { type: LEASE_LOST, title: 'Service unavailable', status: 503, detail: error.message };
  }
  if (isStoreUnavailable(error)) {
    // The driver's message can name hosts and roles: it goes to the service log only.
    return { type: STORE_UNAVAILABLE, title: 'Database unavailable', status: 503,
      detail: 'the event store or the read models\' database is not answering; send the request again shortly (a POST with the same Idempotency-Key runs at most once)' };
  }
  return { type: 'about:blank', title: statusTitle(500), status: 500, detail: 'an unexpected error occurred' };
}

/** What toProblem answers, as an OpenAPI schema: every route's `default` response (4xx and 5xx alike). */
const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string', example: 'urn:problem:period-already-reported' },
    title: { type: 'string' },
    status: { type: 'integer', example: 409 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'the request path' },
    code: { type: 'string', description: 'the domain rule that refused the request' },
    errors: {
      type: 'array', description: 'the fields at fault',
      items: { type: 'object', properties: { field: { type: 'string', example: 'lines[0].grossSales' }, message: { type: 'string' } } },
    },
  },
  required: ['type', 'title', 'status'],
};

/** Each refusal a route can answer, with when it comes; `default` covers what no client can act on (a 500). */
const REFUSALS = {
  400: 'the request is malformed: errors[] names each field at fault (body, path or query parameter)',
  401: 'no bearer token, or one that is unknown or revoked',
  403: "the token's role, or its party, may not do this",
  404: 'no such resource (the path names one the ledger does not hold)',
  409: 'a concurrent change to the same stream, or the thing exists already (code says which): read again, then decide',
  413: 'the body is larger than 1 MB',
  415: 'the body is not application/json',
  422: 'refused by a domain rule (code names it, errors[] the fields), or the Idempotency-Key was used with another body',
  429: 'too many requests for this token in the last minute: Retry-After says when to send again',
  503: 'the event store or the read models are not answering: Retry-After says when to send again',
} as const;
type Refusal = keyof typeof REFUSALS;

/** Which refusals an operation can answer, from what it is: its method, its path's parameters, its body, its token. */
function refusalsOf(method: string, path: string, operation: { security?: unknown[]; requestBody?: unknown }): Refusal[] {
  const secured = (operation.security?.length ?? 0) > 0;
  const write = method !== 'get';
  return [
    400,
    ...(secured ? [401, 403] as const : []),
    ...(path.includes('{') ? [404] as const : []),
    ...(write ? [409] as const : []),
    ...(operation.requestBody ? [413, 415] as const : []),
    ...(method === 'post' || method === 'put' ? [422] as const : []),
    ...(secured ? [429] as const : []),
    503,
  ];
}

/**
 * Every operation of the OpenAPI document answers its errors as problem+json: said once here, where
 * they are made (routes declared only their success, so nothing told a client what a refusal holds),
 * each status it can answer by name, so a generated client has a case for each.
 */
export function documentProblems(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ProblemDetails: PROBLEM_SCHEMA } };
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      // Public routes (health, metrics) refuse nothing a client sends; /health's 503 is its own, declared on it.
      if (operation.security?.length) {
        for (const status of refusalsOf(method, path, operation)) {
          operation.responses[status] ??= { description: REFUSALS[status], content: problem };
        }
      }
      // A refusal a route declares itself (a statement's 406) is problem+json as well.
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^[45]\d\d$/.test(status) && !(response as { content?: unknown }).content) (response as { content?: unknown }).content = problem;
      }
      operation.responses.default = { description: 'refused, or failed: problem details', content: problem };
    }
  }
  return document;
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  /** `layers`: the app's router (routerLayers), to tell a method the path does not take from an unknown path. */
  constructor(private readonly layers: () => readonly RouteLayer[] = () => []) {}

  catch(thrown: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const error = asMethodNotAllowed(thrown, req, this.layers()) ?? thrown;
    const problem = { ...toProblem(error), instance: req.originalUrl };
    if (problem.status === 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    // One line per request, no stack: every request fails the same way while the database is down.
    if (problem.type === STORE_UNAVAILABLE) this.logger.warn(`${req.method} ${req.originalUrl}: the database is unavailable: ${failureInOneLine(error)}`);
    // Not for a lost lease: this process cannot recover (restart it), so asking again here is no use.
    if (problem.status === 503 && problem.type !== LEASE_LOST) res.setHeader('Retry-After', problem.type === STORE_UNAVAILABLE ? STORE_RETRY_AFTER_S : '1');
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (error instanceof MethodNotAllowed) res.setHeader('Allow', error.allow.join(', '));
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
