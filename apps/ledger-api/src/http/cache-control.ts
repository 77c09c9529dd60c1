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
