import { Request } from 'express';

/** An Express route's methods, lower case (`{ get: true }`). */
export type RouteMethods = Record<string, boolean | undefined>;

/**
 * Nest mounts middleware (nestjs-pino's request logger) as a route of every method on `/{*path}`: it
 * passes every request on and answers none, so it is no route of the API.
 */
export const isCatchAll = (path: string) => path.includes('*');

/** Whether a route takes the method: HEAD where it takes GET, as the router dispatches it. */
const takes = (methods: RouteMethods, method: string) =>
  Boolean(methods[method.toLowerCase()] || (method === 'HEAD' && methods.get));

/**
 * The pattern of the route that answered (`/parties/:id`, never the raw URL), or undefined when none
 * did: the request was answered before routing (a 400 of malformed JSON, a 413, the drain's 503) or
 * passed by every route (an unknown path, a method the path does not take). `req.route` alone does
 * not tell: the catch-all sets it on every request, and the router dispatches a HEAD to every route
 * of its path (a POST-only one too) in search of a GET.
 */
export function routePattern(req: Request): string | undefined {
  const route = req.route as { path?: unknown; methods?: RouteMethods } | undefined;
  const path = route?.path;
  if (typeof path !== 'string' || path === '' || isCatchAll(path) || !takes(route?.methods ?? {}, req.method)) return undefined;
  return `${req.baseUrl}${path}`;
}
