import { NextFunction, Request, Response } from 'express';
import { FieldProblem, RequestValidationFailed } from './validation';

/** Deeper than any body the API takes (a policy's bands[i].shares[j] is four levels). */
export const MAX_BODY_DEPTH = 32;
/** Keys the validators never see (class-transformer skips them): refused like any unknown field, not dropped. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What no DTO can accept, found before any code walks the body recursively (the idempotency key's hash,
 * the NUL check, class-validator): nesting past MAX_BODY_DEPTH (3,000 levels overflowed the stack, a 500)
 * and keys that would slip past the validators. Walked with a stack of its own, never recursion.
 */
export function bodyShapeProblems(body: unknown): FieldProblem[] {
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

/**
 * Bodies are JSON, and only JSON: a form-encoded body was parsed and taken (`name=X&kind=company` made
 * a party), and `application/merge-patch+json` read as no body at all. Runs before the body parser.
 * Only the methods the API reads bodies of; and an empty body needs no type (`fetch` sends a bodyless
 * POST, a year's close, with `Content-Length: 0` and no Content-Type).
 */
export function requireJsonBodies(req: Request, _res: Response, next: NextFunction) {
  if (!BODY_METHODS.has(req.method) || req.headers['content-length'] === '0') return next();
  // `is` answers null for a request without a body, false for one of another type.
  if (req.is('application/json') !== false) return next();
  const type = req.headers['content-type'] ?? 'none';
  next(Object.assign(new Error(`the request body must be application/json (Content-Type: ${type})`), { status: 415 }));
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Runs after the body parser. */
export function refuseMisshapenBodies(req: Request, _res: Response, next: NextFunction) {
  const problems = bodyShapeProblems(req.body);
  next(problems.length > 0 ? new RequestValidationFailed(problems) : undefined);
}
