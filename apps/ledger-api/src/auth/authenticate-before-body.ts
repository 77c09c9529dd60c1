import { UnauthorizedException } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { RouteLayer, allowedMethods } from '../http/method-not-allowed';
import { Authenticator } from './authenticator';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A write's token is checked before its body is read: without this, anyone could have the API parse
 * up to 1 MB of JSON per request, and learn from a 400 or 415 how it reads bodies, before the access
 * guard answered 401. The guard still decides access (role, party, license) and reuses this lookup.
 * Only a request some route takes: an unknown path's 404 and a 405 still ask no token. No public route
 * takes a body (health, docs and metrics are reads; the access matrix checks it). A write asking for
 * `?minPosition=` goes on to the guard, which waits there for a key just issued.
 */
export function authenticateBeforeBody(authenticator: Authenticator, layers: () => readonly RouteLayer[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!BODY_METHODS.has(req.method) || req.query.minPosition !== undefined) return next();
    authenticator.principalOf(req).then((principal) => {
      // The routes are matched only for a caller refused, so a known caller's write pays nothing for it.
      if (principal || !allowedMethods(layers(), req.path).includes(req.method)) return next();
      next(new UnauthorizedException('a valid bearer token is required'));
    }, next);
  };
}
