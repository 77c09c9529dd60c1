import { INestApplication, NotFoundException } from '@nestjs/common';
import { Request } from 'express';
import { RouteMethods, isCatchAll, routePattern } from './route-pattern';

/**
 * What is read of an Express 5 router layer: its route (path and methods), and the router's own
 * matcher, so `:id`, letter case, a trailing slash and percent-encoding match as they do for routing.
 */
export interface RouteLayer {
  route?: { path: string; methods: RouteMethods };
  match(path: string): unknown;
}

/** A method the path does not take: 405 with the methods it does take (RFC 9110 §15.5.6). */
export class MethodNotAllowed extends Error {
  constructor(readonly method: string, readonly allow: readonly string[]) {
    super(`${method} is not a method of this path: it takes ${allow.join(', ')}`);
  }
}

/**
 * The methods the routes matching `path` take, as an `Allow` header lists them: upper case, sorted,
 * HEAD wherever GET is (the router answers HEAD with the GET handler). Empty for an unknown path.
 */
export function allowedMethods(layers: readonly RouteLayer[], path: string): string[] {
  const allowed = new Set<string>();
  for (const layer of layers) {
    if (!layer.route || isCatchAll(layer.route.path) || !layer.match(path)) continue;
    for (const [method, takes] of Object.entries(layer.route.methods)) if (takes) allowed.add(method.toUpperCase());
  }
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort();
}

/**
 * Nest's answer to a request no route took is a NotFoundException thrown after every route: a 405
 * instead when the path is a route's under other methods. Like that 404 it asks no token (no guard
 * runs there): it is decided from the path alone, never from whether the resource exists, so an
 * anonymous caller learns only a route's methods, which the public /docs-json lists and a 401 on
 * the route's own method shows anyway.
 */
export function asMethodNotAllowed(error: unknown, req: Request, layers: readonly RouteLayer[]): MethodNotAllowed | undefined {
  if (!(error instanceof NotFoundException) || routePattern(req) !== undefined) return undefined;
  const allow = allowedMethods(layers, req.path);
  return allow.length > 0 && !allow.includes(req.method) ? new MethodNotAllowed(req.method, allow) : undefined;
}

/**
 * The layers of the app's router, read when asked: the routes Nest registered at init, and Swagger's,
 * are the one source of truth (no list of routes kept beside them).
 */
export const routerLayers = (app: INestApplication) => (): readonly RouteLayer[] =>
  (app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } }).router.stack;
