import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { NextFunction, Request, Response, json } from 'express';
import { FieldProblem, RequestValidationFailed } from './validation';

/** Deeper than any body the API takes (a policy's bands[i].shares[j] is four levels). */
export const MAX_BODY_DEPTH = 32;
/** Keys the validators never see (class-transformer skips them): refused like any unknown field, not dropped. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether the body is nested within MAX_BODY_DEPTH and has no unsafe key: one cheap pass, no paths built. */
function wellShaped(body: unknown): boolean {
  const values: unknown[] = [body];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return false;
    if (Array.isArray(value)) {
      for (const child of value) if (child !== null && typeof child === 'object') (values.push(child), depths.push(depth + 1));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (UNSAFE_KEYS.has(key)) return false;
      const child = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') (values.push(child), depths.push(depth + 1));
    }
  }
  return true;
}

/**
 * What no DTO can accept, found before any code walks the body recursively (the idempotency key's hash,
 * the NUL check, class-validator): nesting past MAX_BODY_DEPTH (3,000 levels overflowed the stack, a 500)
 * and keys that would slip past the validators. Walked with a stack of its own, never recursion; the
 * fields are named in a second walk, only for a body that has a problem.
 */
export function bodyShapeProblems(body: unknown): FieldProblem[] {
  // No route takes a list: `[1]` was answered field by field ("[0] should not exist", "name must be a string").
  if (Array.isArray(body)) return [{ field: 'body', message: NOT_AN_OBJECT }];
  if (wellShaped(body)) return [];
  const problems: FieldProblem[] = [];
  const pending: { value: unknown; field: string; depth: number }[] = [{ value: body, field: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, field, depth } = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      problems.push({ field, message: `${field} is nested deeper than ${MAX_BODY_DEPTH} levels` });
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      const path = Array.isArray(value) ? `${field}[${key}]` : field ? `${field}.${key}` : key;
      if (!Array.isArray(value) && UNSAFE_KEYS.has(key)) problems.push({ field: path, message: `${path} should not exist` });
      else pending.push({ value: child, field: path, depth: depth + 1 });
    }
  }
  return problems;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const NOT_AN_OBJECT = 'the request body must be a JSON object';

/**
 * Bodies are JSON, and only JSON: a form-encoded body was parsed and taken (`name=X&kind=company` made
 * a party), and `application/merge-patch+json` read as no body at all. Checked before the JSON is read.
 * Only the methods the API reads bodies of; and an empty body needs no type (`fetch` sends a bodyless
 * POST, a year's close, with `Content-Length: 0` and no Content-Type).
 */
function requireJsonBodies(req: Request, _res: Response, next: NextFunction) {
  if (!BODY_METHODS.has(req.method) || req.headers['content-length'] === '0') return next();
  // `is` answers null for a request without a body, false for one of another type.
  if (req.is('application/json') !== false) return next();
  const type = req.headers['content-type'] ?? 'none';
  next(Object.assign(new Error(`the request body must be application/json (Content-Type: ${type})`), { status: 415 }));
}


/** The type of a body the client sent wrong, which the one error mapper answers as a problem with the field `body`. */
export const BODY_REFUSED = 'body.refused';

/**
 * The JSON reader's errors: its JSON error is a SyntaxError, which Nest turns into a bare 400 "bad request"
 * with the parser's message; passed on as a plain error it reaches the one error mapper (toProblem) as
 * what it is: a validation problem naming the body, saying what is wrong with it. The parser takes
 * objects and arrays only, and JSON such as `null` or `42` was said to be "not valid JSON"; a plain body
 * sent as gzip was zlib's bare "incorrect header check".
 */
function nameMalformedJson(error: Error & { type?: string; body?: unknown; code?: unknown }, _req: Request, _res: Response, next: NextFunction) {
  let message: string;
  if (error.type === 'entity.parse.failed') message = parsesAsJson(error.body) ? NOT_AN_OBJECT : 'the request body is not valid JSON';
  else if (typeof error.code === 'string' && error.code.startsWith('Z_')) message = `the request body is not encoded as its Content-Encoding says (${error.message})`;
  else return next(error);
  next(Object.assign(new Error(message), { status: 400, type: BODY_REFUSED }));
}

function parsesAsJson(body: unknown): boolean {
  try {
    JSON.parse(String(body));
    return true;
  } catch {
    return false;
  }
}

const readJson = json({ limit: '1mb' });

/**
 * The body is read here, a guard after the rate limit and the access guard, not by middleware before
 * them: a caller refused 401 or 429 has none of it parsed (up to 1 MB of JSON for anyone, and a 400 or
 * 415 told how the API reads bodies before the 401), nor walked for its shape (a 680 KB body of 170,000
 * nodes took ~140 ms of the event loop when every request paid for it), and that refusal is counted,
 * logged and named like any other. A path no route takes never has its body read at all (404, 405).
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    await new Promise<void>((resolve, reject) => requireJsonBodies(req, res, (refused?: unknown) => {
      if (refused) return reject(refused);
      readJson(req, res, (failed?: unknown) => (failed ? nameMalformedJson(failed as Error, req, res, reject) : resolve()));
    }));
    const problems = bodyShapeProblems(req.body);
    if (problems.length > 0) throw new RequestValidationFailed(problems);
    return true;
  }
}
