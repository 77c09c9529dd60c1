import { BadRequestException, NotFoundException } from '@nestjs/common';
import express, { Request } from 'express';
import { MethodNotAllowed, RouteLayer, allowedMethods, asMethodNotAllowed } from './method-not-allowed';

/** A real Express 5 router, laid out as Nest lays out the API's: the logger's catch-all first, then the routes. */
function router(): RouteLayer[] {
  const app = express();
  const answer = (_req: Request, res: express.Response) => res.end();
  app.all('/{*path}', (_req, _res, next) => next());
  app.post('/parties', answer);
  app.get('/parties/:id', answer);
  app.put('/parties/:id/distribution-policy', answer);
  app.get('/licenses/:id', answer);
  app.post('/licenses/:id', answer); // a second route of the same path: the methods add up
  return (app as unknown as { router: { stack: RouteLayer[] } }).router.stack;
}

const request = (method: string, path: string, route?: { path: string; methods: Record<string, boolean> }) =>
  ({ method, path, baseUrl: '', route }) as unknown as Request;

describe('allowedMethods: what the routes of a path take, matched by the router itself', () => {
  const layers = router();

  it('lists every route of the path, HEAD with GET, sorted as an Allow header', () => {
    expect(allowedMethods(layers, '/parties')).toEqual(['POST']);
    expect(allowedMethods(layers, '/parties/p1')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(layers, '/licenses/l1')).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('matches as routing does: any segment for :id, letter case, a trailing slash, an encoded slash', () => {
    expect(allowedMethods(layers, '/PARTIES/p1/')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(layers, '/parties/a%2Fb')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(layers, '/parties/p1/distribution-policy')).toEqual(['PUT']);
  });

  it('is empty for a path no route has: the catch-all middleware does not count', () => {
    expect(allowedMethods(layers, '/nowhere')).toEqual([]);
    expect(allowedMethods(layers, '/parties/p1/nothing')).toEqual([]);
    expect(allowedMethods(layers, '/')).toEqual([]);
  });
});

describe('asMethodNotAllowed: which 404 becomes a 405', () => {
  const layers = router();
  const notFound = (req: Request) => new NotFoundException(`Cannot ${req.method} ${req.path}`);

  it('the not-found answer to a method the path does not take', () => {
    const req = request('PATCH', '/parties/p1', { path: '/{*path}', methods: { patch: true } });
    expect(asMethodNotAllowed(notFound(req), req, layers)).toEqual(new MethodNotAllowed('PATCH', ['GET', 'HEAD']));
    const head = request('HEAD', '/parties', { path: '/parties', methods: { post: true } }); // dispatched there in search of a GET
    expect(asMethodNotAllowed(notFound(head), head, layers)).toMatchObject({ method: 'HEAD', allow: ['POST'] });
  });

  it('never a 404 of an unknown path, one a route gave, or another error', () => {
    const unknown = request('PATCH', '/nowhere');
    expect(asMethodNotAllowed(notFound(unknown), unknown, layers)).toBeUndefined();
    const routed = request('GET', '/parties/p1', { path: '/parties/:id', methods: { get: true } });
    expect(asMethodNotAllowed(new NotFoundException('party p1 not found'), routed, layers)).toBeUndefined();
    const unrouted = request('PATCH', '/parties/p1');
    expect(asMethodNotAllowed(new BadRequestException(), unrouted, layers)).toBeUndefined();
  });
});
