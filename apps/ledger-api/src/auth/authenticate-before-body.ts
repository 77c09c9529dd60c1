import { UnauthorizedException } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { RouteLayer, allowedMethods } from '../http/method-not-allowed';
import { ProjectionFreshness } from '../http/min-position';
import { Authenticator } from './authenticator';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A write's token is checked before its body is read: without this, anyone could have the API parse
 * up to 1 MB of JSON per request, and learn from a 400 or 415 how it reads bodies, before the access
 * guard answered 401. The guard still decides access (role, party, license) and reuses this lookup.
 * Only a request some route takes: an unknown path's 404 and a 405 still ask no token. No public route
 * takes a body (health, docs and metrics are reads; the access matrix checks it).
 */
export function authenticateBeforeBody(authenticator: Authenticator, freshness: ProjectionFreshness, layers: () => readonly RouteLayer[]) {
  /** Whether the body may be read: the caller is known, or the request is none of a route's to refuse. */
  async function mayRead(req: Request): Promise<boolean> {
    if (await authenticator.principalOf(req)) return true;
    // The routes are matched only for a caller refused, so a known caller's write pays nothing for it.
    if (!allowedMethods(layers(), req.path).includes(req.method)) return true;
    // A key just issued waits for itself with ?minPosition=, as the guard lets it; with no token, or a
    // position no write returned, there is nothing to wait for (nor a way round this check).
    const minPosition = req.query.minPosition;
    const authorization = req.header('authorization');
    if (minPosition === undefined || authorization === undefined || (await freshness.unreachable(String(minPosition)))) return false;
    await freshness.await(String(minPosition));
    return (await authenticator.resolve(authorization)) !== undefined;
  }

  return (req: Request, _res: Response, next: NextFunction) => {
    if (!BODY_METHODS.has(req.method)) return next();
    mayRead(req).then((may) => next(may ? undefined : new UnauthorizedException('a valid bearer token is required')), next);
  };
}
