import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { ACCESS_POLICY, AccessPolicy } from '../auth/access-policy';
import { RequestValidationFailed } from './validation';

/** Taken on every route: the access guard waits for it before refusing a key the read models may not hold yet. */
const ANYWHERE = 'minPosition';

type RouteArgs = Record<string, { data?: unknown }>;

/**
 * Query parameters are refused by name when the route does not take them, as unknown body fields are:
 * a misspelt one must not silently vanish (`?asof=2025-06-30` answered the current statement, not the
 * one as of that day, and `?form=` an unfiltered one). A route takes what its handler reads with
 * `@Query('name')`, read from Nest's route metadata once per handler. Public routes (health, metrics)
 * are left alone: a probe or scraper that adds a parameter of its own must not read the service as down.
 */
@Injectable()
export class KnownQueryGuard implements CanActivate {
  private readonly known = new Map<object, Set<string>>();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const query = context.switchToHttp().getRequest<Request>().query;
    const given = Object.keys(query);
    if (given.length === 0) return true;
    const policy = this.reflector.getAllAndOverride<AccessPolicy>(ACCESS_POLICY, [context.getHandler(), context.getClass()]);
    if (policy?.kind === 'public') return true;
    const taken = this.takenBy(context);
    const unknown = given.filter((name) => !taken.has(name));
    if (unknown.length > 0) {
      const list = [...taken].sort().join(', ');
      throw new RequestValidationFailed(unknown.map((field) => ({ field, message: `${field} is not a query parameter of this route (it takes: ${list})` })));
    }
    // `?from=a&from=b` reaches the handler as an array, which it was told was "not a real calendar
    // date": which one was meant cannot be told, so say what is wrong.
    const repeated = given.filter((name) => typeof query[name] !== 'string');
    if (repeated.length === 0) return true;
    throw new RequestValidationFailed(repeated.map((field) => ({ field, message: `${field} must be given once, as one value` })));
  }

  private takenBy(context: ExecutionContext): Set<string> {
    const handler = context.getHandler();
    let taken = this.known.get(handler);
    if (taken === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as RouteArgs;
      const names = Object.entries(args)
        .filter(([key, arg]) => key.startsWith(`${RouteParamtypes.QUERY}:`) && typeof arg.data === 'string')
        .map(([, arg]) => arg.data as string);
      taken = new Set([ANYWHERE, ...names]);
      this.known.set(handler, taken);
    }
    return taken;
  }
}
