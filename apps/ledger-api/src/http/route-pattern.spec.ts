import { Request } from 'express';
import { routePattern } from './route-pattern';

const request = (method: string, path: string, route?: { path: string; methods: Record<string, boolean> }) =>
  ({ method, path, baseUrl: '', route }) as unknown as Request;

describe('routePattern: the route that answered, for metrics and for the 405', () => {
  it('is the pattern of a route that takes the method, HEAD where it takes GET', () => {
    expect(routePattern(request('GET', '/parties/p1', { path: '/parties/:id', methods: { get: true } }))).toBe('/parties/:id');
    expect(routePattern(request('HEAD', '/parties/p1', { path: '/parties/:id', methods: { get: true } }))).toBe('/parties/:id');
  });

  it('is undefined before routing, on the catch-all, and on a route HEAD passed through', () => {
    expect(routePattern(request('POST', '/parties'))).toBeUndefined();
    expect(routePattern(request('GET', '/nowhere', { path: '/{*path}', methods: { get: true } }))).toBeUndefined();
    expect(routePattern(request('HEAD', '/parties', { path: '/parties', methods: { post: true } }))).toBeUndefined();
  });
});
